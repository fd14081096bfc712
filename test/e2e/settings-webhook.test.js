// The settings flow's web_hook after-hook (settings-flow.md §14): the body is rendered from a
// Jsonnet template with the flow, identity and request in `ctx`, sent with the configured auth to
// a receiver on loopback; a pre-persist (interrupting) hook that answers 4xx stops the change.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startHookReceiver } from './lib/hook-receiver.js';
import { expectStatus, startBia, uniqueEmail } from './lib/server.js';

const PASSWORD = 'correct horse battery staple 42';
const TEMPLATE = `function(ctx) {
  flow_id: ctx.flow.id,
  email: ctx.identity.traits.email,
  method: ctx.request_method,
  has_session: std.objectHas(ctx, 'session'),
}`;
const b64 = (s) => Buffer.from(s).toString('base64');

async function registerApi(bia, email) {
  const { data: flow } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
  const { data } = await bia.v0public.submitSelfServiceRegistrationFlow(flow.id, {
    method: 'password', password: PASSWORD, traits: { email },
  });
  return data.session_token;
}

describe('settings web_hook', { timeout: 120_000 }, () => {
  let bia;
  let rx;
  before(async () => {
    rx = await startHookReceiver();
    bia = await startBia({
      config: {
        selfservice: {
          flows: {
            settings: {
              after: {
                profile: {
                  hooks: [{
                    hook: 'web_hook',
                    config: {
                      url: rx.url('/profile-changed'),
                      method: 'POST',
                      body: `base64://${b64(TEMPLATE)}`,
                      auth: { type: 'basic_auth', config: { user: 'bia', password: 'hook-secret' } },
                    },
                  }],
                },
                password: {
                  hooks: [{
                    hook: 'web_hook',
                    config: {
                      url: rx.url('/password-check'),
                      method: 'POST',
                      body: `base64://${b64('function(ctx) { id: ctx.identity.id }')}`,
                      can_interrupt: true,
                    },
                  }],
                },
              },
            },
          },
        },
      },
    });
  });
  after(async () => { await bia?.close(); await rx?.close(); });

  it('sends the Jsonnet-rendered body with basic auth after a profile change', async () => {
    const email = uniqueEmail('hook');
    const token = await registerApi(bia, email);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    rx.reset();
    const newEmail = uniqueEmail('hooked');
    const res = await bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token,
      updateSettingsFlowBody: { method: 'profile', traits: { email: newEmail } },
    });
    assert.equal(res.data.state, 'success');
    const [req] = await rx.waitFor(1);
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/profile-changed');
    assert.deepEqual(req.basicAuth, { user: 'bia', password: 'hook-secret' });
    assert.deepEqual(req.json, { flow_id: flow.id, email: newEmail, method: 'POST', has_session: true });
  });

  it('an interrupting hook answering 4xx stops the password change; 2xx lets it through', async () => {
    const email = uniqueEmail('hookpw');
    const token = await registerApi(bia, email);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });

    rx.respond({ status: 400, json: { messages: [{ instance_ptr: '#/', messages: [{ id: 4000001, text: 'not today', type: 'error' }] }] } });
    const rejected = await expectStatus(bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token,
      updateSettingsFlowBody: { method: 'password', password: 'a brand new passphrase 1977' },
    }), 400);
    assert.equal(rejected.data.state, 'show_form');
    // The old password still logs in: nothing was persisted.
    const { data: login } = await bia.v0public.initializeSelfServiceLoginFlowWithoutBrowser();
    await expectStatus(bia.v0public.submitSelfServiceLoginFlow(login.id, {
      method: 'password', password_identifier: email, password: PASSWORD,
    }), 200);

    rx.respond({ status: 200, json: {} });
    const ok = await expectStatus(bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token,
      updateSettingsFlowBody: { method: 'password', password: 'a brand new passphrase 1977' },
    }), 200);
    assert.equal(ok.data.state, 'success');
  });
});
