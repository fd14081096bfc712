// Backup recovery codes (settings-flow.md §8.4, surrounding-api.md §7 aal2 login), driven with
// Ory's published clients: @ory/client 0.2.0-alpha.60 (G1 V0alpha2Api) in settings,
// @ory/kratos-client 26.2.0 (G2 FrontendApi) for the aal2 login; and a plain-form browser for the
// "return to UI" redirects.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Browser } from './lib/browser.js';
import { UI_BASE, header, startBia, uniqueEmail } from './lib/server.js';

const PASSWORD = 'correct horse battery staple 42';
const lookupNodes = (flow) =>
  flow.ui.nodes.filter((n) => n.group === 'lookup_secret').map((n) => n.attributes.name || n.attributes.id);
const node = (flow, name) =>
  flow.ui.nodes.find((n) => (n.attributes.name === name || n.attributes.id === name) && n.group === 'lookup_secret');
const codesOf = (flow) => node(flow, 'lookup_secret_codes').attributes.text.context.secrets.map((s) => s.context.secret);

describe('lookup_secret: backup codes in settings, then one spent at aal2 login', { timeout: 120_000 }, () => {
  let bia;
  before(async () => {
    bia = await startBia({ config: { selfservice: { methods: { lookup_secret: { enabled: true } } } } });
  });
  after(async () => { await bia?.close(); });

  it('regenerates, confirms, reveals, and a code upgrades an aal1 session once', async () => {
    const email = uniqueEmail('lookup');
    const { data: reg } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
    const { data: registered } = await bia.v0public.submitSelfServiceRegistrationFlow(reg.id, {
      method: 'password', password: PASSWORD, traits: { email },
    });
    const token = registered.session_token;

    const { data: flow } = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    assert.deepEqual(lookupNodes(flow), ['lookup_secret_regenerate']);
    assert.equal(node(flow, 'lookup_secret_regenerate').meta.label.id, 1050008);

    // Confirm before regenerate: a flow message, nothing stored.
    const early = await bia.v0public
      .submitSelfServiceSettingsFlow(flow.id, { method: 'lookup_secret', lookup_secret_confirm: true }, token)
      .catch((e) => e.response);
    assert.equal(early.status, 400);
    assert.equal(early.data.ui.messages[0].id, 4000001);

    // Regenerate answers 200 with the flow (return to UI), codes shown, nothing stored yet.
    const shown = await bia.v0public.submitSelfServiceSettingsFlow(
      flow.id, { method: 'lookup_secret', lookup_secret_regenerate: true }, token);
    assert.equal(shown.status, 200);
    assert.equal(shown.data.state, 'show_form');
    assert.deepEqual(lookupNodes(shown.data), ['lookup_secret_codes', 'lookup_secret_confirm']);
    const codes = codesOf(shown.data);
    assert.equal(codes.length, 12);
    for (const c of codes) assert.match(c, /^[a-z0-9]{8}$/);
    assert.equal(node(shown.data, 'lookup_secret_codes').attributes.text.text, codes.join(', '));
    let admin = await bia.identityApi.getIdentity({ id: registered.identity.id, includeCredential: ['lookup_secret'] });
    assert.equal(admin.data.credentials?.lookup_secret, undefined, 'not stored before confirmation');

    const done = await bia.v0public.submitSelfServiceSettingsFlow(
      flow.id, { method: 'lookup_secret', lookup_secret_confirm: true }, token);
    assert.equal(done.status, 200);
    assert.equal(done.data.state, 'success');
    assert.deepEqual(lookupNodes(done.data), ['lookup_secret_reveal', 'lookup_secret_disable']);
    const who = await bia.frontendApi.toSession({ xSessionToken: token });
    assert.equal(who.data.authenticator_assurance_level, 'aal2');
    assert.deepEqual(who.data.authentication_methods.map((m) => m.method), ['password', 'lookup_secret']);
    admin = await bia.identityApi.getIdentity({ id: registered.identity.id, includeCredential: ['lookup_secret'] });
    assert.deepEqual(admin.data.credentials.lookup_secret.identifiers, [registered.identity.id]);

    // Reveal on a new flow shows the same codes.
    const { data: next } = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const revealed = await bia.v0public.submitSelfServiceSettingsFlow(
      next.id, { method: 'lookup_secret', lookup_secret_reveal: true }, token);
    assert.equal(revealed.status, 200);
    assert.deepEqual(codesOf(revealed.data), codes);

    // A new aal1 session is upgraded to aal2 with one code (G2 FrontendApi), only once.
    const login = async () => {
      const { data: f } = await bia.frontendApi.createNativeLoginFlow();
      const { data } = await bia.frontendApi.updateLoginFlow({
        flow: f.id, updateLoginFlowBody: { method: 'password', identifier: email, password: PASSWORD },
      });
      return data.session_token;
    };
    const aal1 = await login();
    const { data: mfa } = await bia.frontendApi.createNativeLoginFlow({ aal: 'aal2', xSessionToken: aal1 });
    assert.equal(node(mfa, 'lookup_secret').meta.label.id, 1010007);
    const wrong = await bia.frontendApi.updateLoginFlow({
      flow: mfa.id, xSessionToken: aal1, updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: 'zzzzzzzz' },
    }).catch((e) => e.response);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.data.ui.messages[0].id, 4000016);
    const upgraded = await bia.frontendApi.updateLoginFlow({
      flow: mfa.id, xSessionToken: aal1, updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: codes[0] },
    });
    assert.equal(upgraded.data.session.authenticator_assurance_level, 'aal2');

    const other = await login();
    const { data: mfa2 } = await bia.frontendApi.createNativeLoginFlow({ aal: 'aal2', xSessionToken: other });
    const reused = await bia.frontendApi.updateLoginFlow({
      flow: mfa2.id, xSessionToken: other, updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: codes[0] },
    }).catch((e) => e.response);
    assert.equal(reused.status, 400);
    assert.equal(reused.data.ui.messages[0].id, 4000012);
    admin = await bia.identityApi.getIdentity({ id: registered.identity.id, includeCredential: ['lookup_secret'] });
    const stored = admin.data.credentials.lookup_secret.config.recovery_codes;
    assert.ok(stored[0].used_at, 'the spent code carries used_at');
    assert.equal(stored.filter((c) => c.used_at).length, 1);
  });

  it('a plain-form browser is sent back to the settings UI after regenerate, then confirms and disables', async () => {
    const browser = new Browser(bia.publicUrl);
    const init = await browser.get('/self-service/registration/browser', { json: true });
    const csrf = (flow) => flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const registered = await browser.post(init.json.ui.action, {
      form: { csrf_token: csrf(init.json), method: 'password', 'traits.email': uniqueEmail('lookupweb'), password: PASSWORD },
    });
    assert.equal(registered.status, 303, registered.text);

    const { json: flow } = await browser.get('/self-service/settings/browser', { json: true });
    const regenerated = await browser.post(flow.ui.action, {
      form: { csrf_token: csrf(flow), lookup_secret_regenerate: 'true' },
    });
    assert.equal(regenerated.status, 303, regenerated.text);
    assert.equal(header(regenerated, 'location'), `${UI_BASE}/settings?flow=${flow.id}`);
    const { json: fetched } = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.deepEqual(lookupNodes(fetched), ['lookup_secret_codes', 'lookup_secret_confirm']);

    const confirmed = await browser.post(fetched.ui.action, {
      form: { csrf_token: csrf(fetched), lookup_secret_confirm: 'true' },
    });
    assert.equal(confirmed.status, 303, confirmed.text);
    const { json: withCodes } = await browser.get('/self-service/settings/browser', { json: true });
    assert.deepEqual(lookupNodes(withCodes), ['lookup_secret_reveal', 'lookup_secret_disable']);

    const disabled = await browser.post(withCodes.ui.action, {
      form: { csrf_token: csrf(withCodes), lookup_secret_disable: 'true' },
    });
    assert.equal(disabled.status, 303, disabled.text);
    const { json: again } = await browser.get('/self-service/settings/browser', { json: true });
    assert.deepEqual(lookupNodes(again), ['lookup_secret_regenerate']);
  });
});

describe('lookup_secret: re-authentication asks for the second factor (Bia extension)', { timeout: 120_000 }, () => {
  let bia;
  before(async () => {
    bia = await startBia({
      config: {
        selfservice: {
          methods: { lookup_secret: { enabled: true } },
          flows: { settings: { privileged_session_max_age: '1s' } },
        },
      },
    });
  });
  after(async () => { await bia?.close(); });

  it('a stale aal2 session is sent to refresh=true&aal=aal2, and a backup code resumes the paused change', async () => {
    const browser = new Browser(bia.publicUrl);
    const email = uniqueEmail('lookupreauth');
    const csrf = (flow) => flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const init = await browser.get('/self-service/registration/browser', { json: true });
    await browser.post(init.json.ui.action, {
      form: { csrf_token: csrf(init.json), method: 'password', 'traits.email': email, password: PASSWORD },
    });
    const { json: enrol } = await browser.get('/self-service/settings/browser', { json: true });
    await browser.post(enrol.ui.action, { form: { csrf_token: csrf(enrol), lookup_secret_regenerate: 'true' } });
    const { json: pending } = await browser.get(`/self-service/settings/flows?id=${enrol.id}`, { json: true });
    const codes = codesOf(pending);
    const confirmed = await browser.post(pending.ui.action, { form: { csrf_token: csrf(pending), lookup_secret_confirm: 'true' } });
    assert.equal(confirmed.status, 303, confirmed.text);

    const { json: flow } = await browser.get('/self-service/settings/browser', { json: true });
    assert.equal(flow.reauthentication.aal, 'aal2');
    assert.equal(flow.reauthentication.required_for.password, 'always');
    const before = await browser.get('/sessions/whoami', { json: true });
    assert.ok(Date.parse(before.json.privileged_until) > Date.parse(before.json.authenticated_at));

    await new Promise((r) => setTimeout(r, 1200));
    const paused = await browser.post(flow.ui.action, {
      form: { csrf_token: csrf(flow), method: 'password', password: 'a new and long enough passphrase 7' },
    });
    assert.equal(paused.status, 303, paused.text);
    const rt = `${bia.publicUrl}/self-service/settings?flow=${flow.id}`;
    assert.equal(header(paused, 'location'),
      `${bia.publicUrl}/self-service/login/browser?refresh=true&aal=aal2&return_to=${encodeURIComponent(rt)}`);

    const login = await browser.get(header(paused, 'location'), { json: true });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.refresh, true);
    assert.equal(login.json.requested_aal, 'aal2');
    assert.ok(node(login.json, 'lookup_secret'), 'the second factor is asked for');
    assert.equal(login.json.ui.nodes.find((n) => n.attributes.name === 'password'), undefined, 'not the password');
    const done = await browser.post(login.json.ui.action, {
      form: { csrf_token: csrf(login.json), method: 'lookup_secret', lookup_secret: codes[5] },
    });
    assert.equal(done.status, 303, done.text);
    assert.equal(header(done, 'location'), rt);
    const resumed = await browser.get(rt);
    assert.equal(resumed.status, 303, resumed.text);
    const fin = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.equal(fin.json.state, 'success');
    const after2 = await browser.get('/sessions/whoami', { json: true });
    assert.ok(Date.parse(after2.json.privileged_until) > Date.parse(before.json.privileged_until));
  });
});
