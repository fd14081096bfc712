// TOTP as second factor (settings-flow.md §8.3, surrounding-api.md §7 aal2 login), driven with
// Ory's published clients: @ory/client 0.2.0-alpha.60 (G1 V0alpha2Api) enrols, @ory/kratos-client
// 26.2.0 (G2 FrontendApi) logs in at aal2. Codes are computed here with node:crypto (RFC 6238),
// independent of Bia's implementation.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Browser } from './lib/browser.js';
import { UI_BASE, header, startBia, uniqueEmail } from './lib/server.js';
import { totp } from './lib/totp.js';

const PASSWORD = 'correct horse battery staple 42';
const node = (flow, name, group = 'totp') =>
  flow.ui.nodes.find((n) => (n.attributes.name === name || n.attributes.id === name) && n.group === group);
const messageIds = (list) => (list || []).map((m) => m.id);

describe('totp: enrol in settings, then log in at aal2', { timeout: 120_000 }, () => {
  let bia;
  before(async () => {
    bia = await startBia({
      config: { selfservice: { methods: { totp: { enabled: true, config: { issuer: 'Bia Test' } } } } },
    });
  });
  after(async () => { await bia?.close(); });

  it('shows a QR code and secret, confirms a code, raises the session to aal2, and asks for TOTP at aal2 login', async () => {
    const email = uniqueEmail('totp');
    const { data: reg } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
    const { data: registered } = await bia.v0public.submitSelfServiceRegistrationFlow(reg.id, {
      method: 'password', password: PASSWORD, traits: { email },
    });
    const token = registered.session_token;

    const { data: flow } = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const qr = node(flow, 'totp_qr');
    assert.equal(qr.type, 'img');
    assert.match(qr.attributes.src, /^data:image\/png;base64,/);
    assert.equal(qr.attributes.width, 256);
    const png = Buffer.from(qr.attributes.src.split(',')[1], 'base64');
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const secretNode = node(flow, 'totp_secret_key');
    assert.equal(secretNode.type, 'text');
    assert.equal(secretNode.attributes.text.id, 1050006);
    const secret = secretNode.attributes.text.context.secret;
    assert.equal(secretNode.attributes.text.text, secret);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(node(flow, 'totp_code').meta.label.id, 1070006);
    assert.equal(node(flow, 'method').attributes.value, 'totp');

    // A wrong code keeps the form with 4000008 on totp_code.
    const wrongCode = totp(secret, Date.now() - 5 * 60_000);
    const wrong = await bia.v0public
      .submitSelfServiceSettingsFlow(flow.id, { method: 'totp', totp_code: wrongCode }, token)
      .catch((e) => e.response);
    assert.equal(wrong.status, 400);
    assert.deepEqual(messageIds(node(wrong.data, 'totp_code').messages), [4000008]);

    const done = await bia.v0public.submitSelfServiceSettingsFlow(flow.id, { method: 'totp', totp_code: totp(secret) }, token);
    assert.equal(done.status, 200);
    assert.equal(done.data.state, 'success');
    assert.ok(node(done.data, 'totp_unlink'), 'the success flow offers unlinking');
    const who = await bia.frontendApi.toSession({ xSessionToken: token });
    assert.equal(who.data.authenticator_assurance_level, 'aal2');
    assert.deepEqual(who.data.authentication_methods.map((m) => m.method), ['password', 'totp']);
    const admin = await bia.identityApi.getIdentity({ id: registered.identity.id });
    assert.ok(admin.data.credentials.totp, 'the identity has a totp credential');

    // A fresh password login is aal1; the aal2 login flow asks for the code (G2 FrontendApi).
    const { data: loginFlow } = await bia.frontendApi.createNativeLoginFlow();
    const { data: loggedIn } = await bia.frontendApi.updateLoginFlow({
      flow: loginFlow.id, updateLoginFlowBody: { method: 'password', identifier: email, password: PASSWORD },
    });
    const aal1 = loggedIn.session_token;
    assert.equal(loggedIn.session.authenticator_assurance_level, 'aal1');
    const { data: mfa } = await bia.frontendApi.createNativeLoginFlow({ aal: 'aal2', xSessionToken: aal1 });
    assert.equal(mfa.requested_aal, 'aal2');
    assert.ok(messageIds(mfa.ui.messages).includes(1010004));
    assert.equal(node(mfa, 'totp_code').meta.label.id, 1010006);
    assert.equal(mfa.ui.nodes.find((n) => n.attributes.name === 'password'), undefined, 'no first factor at aal2');
    const upgraded = await bia.frontendApi.updateLoginFlow({
      flow: mfa.id, xSessionToken: aal1, updateLoginFlowBody: { method: 'totp', totp_code: totp(secret) },
    });
    assert.equal(upgraded.status, 200);
    assert.equal(upgraded.data.session.authenticator_assurance_level, 'aal2');
    const after2 = await bia.frontendApi.toSession({ xSessionToken: aal1 });
    assert.equal(after2.data.authenticator_assurance_level, 'aal2');
  });

  it('a plain-form browser enrols with a code, then unlinks with the unlink button alone', async () => {
    const browser = new Browser(bia.publicUrl);
    const init = await browser.get('/self-service/registration/browser', { json: true });
    const reg = init.json;
    const csrf = (flow) => flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const registered = await browser.post(reg.ui.action, {
      form: { csrf_token: csrf(reg), method: 'password', 'traits.email': uniqueEmail('totpweb'), password: PASSWORD },
    });
    assert.equal(registered.status, 303, registered.text);

    const settingsFlow = async () => {
      const res = await browser.get('/self-service/settings/browser', { json: true });
      assert.equal(res.status, 200, res.text);
      return res.json;
    };
    const flow = await settingsFlow();
    const secret = node(flow, 'totp_secret_key').attributes.text.context.secret;
    const enrolled = await browser.post(flow.ui.action, {
      form: { csrf_token: csrf(flow), method: 'totp', totp_code: totp(secret) },
    });
    assert.equal(enrolled.status, 303, enrolled.text);
    assert.ok(header(enrolled, 'location').startsWith(`${UI_BASE}/settings`));

    const withTotp = await settingsFlow();
    assert.ok(node(withTotp, 'totp_unlink'), 'the unlink button is offered');
    assert.equal(node(withTotp, 'totp_qr'), undefined);
    // The button posts its own name only; no `method` field.
    const unlinked = await browser.post(withTotp.ui.action, { form: { csrf_token: csrf(withTotp), totp_unlink: 'true' } });
    assert.equal(unlinked.status, 303, unlinked.text);
    const again = await settingsFlow();
    assert.ok(node(again, 'totp_qr'), 'without TOTP the enrolment form is back');
  });
});
