// The settings flow for the profile and password methods (settings-flow.md §2–§14), driven with
// @ory/client 0.2.0-alpha.60 and @ory/kratos-client 0.10.1 (G1 V0alpha2Api), @ory/kratos-client
// 26.2.0 (G2 FrontendApi) and a raw-HTTP cookie-jar browser that never follows redirects.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import {
  UI_BASE,
  assertUuid,
  expectErrorEnvelope,
  expectStatus,
  header,
  rawRequest,
  startBia,
  uniqueEmail,
} from './lib/server.js';

const SUITE_TIMEOUT = 180_000;
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'a brand new passphrase 1977';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const node = (flow, name, group) =>
  flow.ui.nodes.find((n) => n.attributes.name === name && (!group || n.group === group));
const messageIds = (list) => (list || []).map((m) => m.id);
const location = (res) => header(res, 'location');
const csrfCookieName = (bia) =>
  `csrf_token_${crypto.createHash('sha256').update(`${bia.publicUrl}/`).digest('hex')}`;

async function registerApi(bia, email = uniqueEmail('set')) {
  const { data: flow } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
  const { data } = await bia.v0public.submitSelfServiceRegistrationFlow(flow.id, {
    method: 'password', password: PASSWORD, traits: { email },
  });
  return { email, token: data.session_token, identity: data.identity };
}

async function loginApi(bia, identifier, password) {
  const { data: flow } = await bia.frontendApi.createNativeLoginFlow();
  return bia.frontendApi.updateLoginFlow({ flow: flow.id, updateLoginFlowBody: { method: 'password', identifier, password } });
}

/** A browser with a fresh session from a browser registration. */
async function registerBrowser(bia, email = uniqueEmail('web')) {
  const browser = new Browser(bia.publicUrl);
  const init = await browser.get('/self-service/registration/browser', { json: true });
  assert.equal(init.status, 200, init.text);
  const flow = init.json;
  const res = await browser.post(flow.ui.action, {
    form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', 'traits.email': email, password: PASSWORD },
  });
  assert.equal(res.status, 303, res.text);
  assert.ok(browser.jar.has('ory_kratos_session'), 'session cookie after registration');
  return { browser, email };
}

/** A plain-form settings flow: 303 to the UI, then fetched as the UI server would. */
async function browserSettingsFlow(browser, query = '') {
  const init = await browser.get(`/self-service/settings/browser${query}`);
  assert.equal(init.status, 303, init.text);
  const loc = new URL(location(init));
  assert.equal(`${loc.origin}${loc.pathname}`, `${UI_BASE}/settings`);
  const id = loc.searchParams.get('flow');
  assertUuid(id, 'flow id in the UI redirect');
  const fetched = await browser.get(`/self-service/settings/flows?id=${id}`, { json: true });
  assert.equal(fetched.status, 200, fetched.text);
  return fetched.json;
}

function assertSettingsFlow(flow, type) {
  assertUuid(flow.id, 'flow.id');
  assert.equal(flow.type, type);
  for (const k of ['id', 'type', 'expires_at', 'issued_at', 'request_url', 'ui', 'identity', 'state']) {
    assert.ok(k in flow, `flow.${k} present`);
  }
  assert.equal(flow.ui.method, 'POST');
  assert.ok(Array.isArray(flow.ui.messages));
  assert.equal(flow.ui.action.endsWith(`/self-service/settings?flow=${flow.id}`) || flow.state === 'success', true);
  assert.equal(flow.identity.credentials, undefined, 'credentials never included');
}

describe('settings: API flows with three client generations', { timeout: SUITE_TIMEOUT }, () => {
  let bia;
  before(async () => { bia = await startBia(); });
  after(async () => { await bia?.close(); });

  it('creates an API flow with the profile and password forms in §7.5 order (G1 @ory/client)', async () => {
    const { token, email } = await registerApi(bia);
    const init = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    assert.equal(init.status, 200);
    assert.equal(header(init, 'set-cookie'), undefined, 'API init sets no cookie');
    const flow = init.data;
    assertSettingsFlow(flow, 'api');
    assert.equal(flow.state, 'show_form');
    assert.equal(flow.ui.action, `${bia.publicUrl}/self-service/settings?flow=${flow.id}`);
    assert.deepEqual(
      flow.ui.nodes.map((n) => `${n.group}:${n.attributes.name}`),
      ['default:csrf_token', 'profile:traits.email', 'profile:traits.name.first', 'profile:traits.name.last',
        'profile:method', 'password:password', 'password:method'].filter((x) => flow.ui.nodes.some((n) => `${n.group}:${n.attributes.name}` === x)),
    );
    assert.equal(flow.ui.nodes[0].attributes.name, 'csrf_token');
    assert.equal(node(flow, 'csrf_token').attributes.value, undefined, 'no csrf value in API flows');
    const emailNode = node(flow, 'traits.email');
    assert.equal(emailNode.attributes.value, email);
    assert.equal(emailNode.attributes.type, 'email');
    assert.equal(emailNode.meta.label.id, 1070002);
    assert.equal(node(flow, 'password').meta.label.id, 1070001);
    assert.equal(node(flow, 'method', 'profile').attributes.value, 'profile');
    assert.equal(node(flow, 'method', 'profile').meta.label.id, 1070003);
    assert.equal(flow.ui.nodes.at(-1).attributes.name, 'method');
    const fetched = await bia.v0public.getSelfServiceSettingsFlow(flow.id, token);
    assert.deepEqual(fetched.data, flow);
  });

  it('updates the profile with all three clients (same id, state success, sibling flow in ui.action)', async () => {
    const { token, email } = await registerApi(bia);
    // G1 @ory/client
    const { data: f1 } = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const r1 = await bia.v0public.submitSelfServiceSettingsFlow(f1.id, {
      method: 'profile', traits: { email, name: { first: 'Ada' } },
    }, token);
    assert.equal(r1.status, 200);
    assert.equal(r1.data.id, f1.id);
    assert.equal(r1.data.state, 'success');
    assert.equal(r1.data.identity.traits.name.first, 'Ada');
    assert.deepEqual(messageIds(r1.data.ui.messages), [1050001]);
    assert.equal(r1.data.ui.messages[0].type, 'success');
    const sibling = new URL(r1.data.ui.action).searchParams.get('flow');
    assertUuid(sibling);
    assert.notEqual(sibling, f1.id);
    const sib = await bia.v0public.getSelfServiceSettingsFlow(sibling, token);
    assert.equal(sib.data.state, 'show_form');
    assert.equal(node(sib.data, 'traits.name.first').attributes.value, 'Ada');
    // G1 @ory/kratos-client 0.10.1
    const { data: f2 } = await bia.g1public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const r2 = await bia.g1public.submitSelfServiceSettingsFlow(f2.id, {
      method: 'profile', traits: { email, name: { first: 'Grace' } },
    }, token);
    assert.equal(r2.data.identity.traits.name.first, 'Grace');
    // G2 @ory/kratos-client 26.2.0
    const { data: f3 } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    const g = await bia.frontendApi.getSettingsFlow({ id: f3.id, xSessionToken: token });
    assert.equal(g.data.id, f3.id);
    const r3 = await bia.frontendApi.updateSettingsFlow({
      flow: f3.id, xSessionToken: token,
      updateSettingsFlowBody: { method: 'profile', traits: { email, name: { first: 'Barbara', last: 'Liskov' } } },
    });
    assert.equal(r3.data.state, 'success');
    assert.deepEqual(r3.data.identity.traits.name, { first: 'Barbara', last: 'Liskov' });
    assert.equal(r3.data.continue_with, undefined, 'API flows get no redirect_browser_to');
    const who = await bia.frontendApi.toSession({ xSessionToken: token });
    assert.equal(who.data.identity.traits.name.last, 'Liskov');
  });

  it('changes the password: the old one stops working, the new one logs in (G2 FrontendApi)', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    const res = await bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token, updateSettingsFlowBody: { method: 'password', password: NEW_PASSWORD },
    });
    assert.equal(res.data.state, 'success');
    assert.equal(node(res.data, 'password').attributes.value, undefined, 'password never echoed');
    const old = await expectStatus(loginApi(bia, email, PASSWORD), 400);
    assert.deepEqual(messageIds(old.data.ui.messages), [4000006]);
    const ok = await loginApi(bia, email, NEW_PASSWORD);
    assert.equal(ok.data.session.identity.traits.email, email);
  });

  it('password policy and same-as-old violations land on the password node (G1 client)', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.g1public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const short = await expectStatus(bia.g1public.submitSelfServiceSettingsFlow(flow.id, { method: 'password', password: 'short' }, token), 400);
    assert.deepEqual(messageIds(node(short.data, 'password').messages), [4000032]);
    const similar = await expectStatus(bia.g1public.submitSelfServiceSettingsFlow(flow.id, { method: 'password', password: email }, token), 400);
    assert.deepEqual(messageIds(node(similar.data, 'password').messages), [4000031]);
    const same = await expectStatus(bia.g1public.submitSelfServiceSettingsFlow(flow.id, { method: 'password', password: PASSWORD }, token), 400);
    assert.deepEqual(messageIds(node(same.data, 'password').messages), [4000039]);
    const missing = await expectStatus(bia.g1public.submitSelfServiceSettingsFlow(flow.id, { method: 'password' }, token), 400);
    assert.deepEqual(messageIds(node(missing.data, 'password').messages), [4000002]);
  });

  it('validation errors answer 400 with the flow, messages on the nodes and the values echoed', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.v0public.initializeSelfServiceSettingsFlowWithoutBrowser(token);
    const res = await expectStatus(bia.v0public.submitSelfServiceSettingsFlow(flow.id, {
      method: 'profile', traits: { email: 'ab', name: { first: 'Kept' } },
    }, token), 400);
    assert.equal(res.data.id, flow.id);
    assert.equal(res.data.state, 'show_form');
    const n = node(res.data, 'traits.email');
    assert.equal(n.attributes.value, 'ab', 'submitted value echoed');
    assert.ok(n.messages.length >= 1);
    assert.equal(n.messages[0].type, 'error');
    assert.equal(node(res.data, 'traits.name.first').attributes.value, 'Kept');
    assert.equal(res.data.identity.traits.email, email, 'identity unchanged');
    const refetched = await bia.v0public.getSelfServiceSettingsFlow(flow.id, token);
    assert.deepEqual(refetched.data, res.data, 'the 400 body equals a later fetch');
    const none = await expectStatus(bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token, updateSettingsFlowBody: { method: 'nothing' },
    }), 400);
    assert.deepEqual(messageIds(none.data.ui.messages), [4010004]);
  });

  it('no session: 401 session_inactive on init, 401 without id on fetch and submit', async () => {
    const init = await expectStatus(rawRequest('GET', `${bia.publicUrl}/self-service/settings/api`), 401);
    expectErrorEnvelope(init, 401, { id: 'session_inactive', reason: /can only be accessed with a valid session/ });
    const { token } = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    const fetch = await expectStatus(bia.frontendApi.getSettingsFlow({ id: flow.id }), 401);
    const e = expectErrorEnvelope(fetch, 401, { reason: 'A valid Ory Session Cookie or Ory Session Token is missing.' });
    assert.equal(e.id, undefined);
    const submit = await expectStatus(bia.v0public.submitSelfServiceSettingsFlow(flow.id, { method: 'profile', traits: {} }, undefined), 401);
    assert.equal(expectErrorEnvelope(submit, 401).id, undefined);
    const bogus = await expectStatus(bia.frontendApi.createNativeSettingsFlow({ xSessionToken: 'ory_st_nope' }), 401);
    expectErrorEnvelope(bogus, 401, { id: 'session_inactive' });
  });

  it("another user's flow: 403 security_identity_mismatch on fetch and submit", async () => {
    const a = await registerApi(bia);
    const b = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: a.token });
    const fetch = await expectStatus(bia.frontendApi.getSettingsFlow({ id: flow.id, xSessionToken: b.token }), 403);
    expectErrorEnvelope(fetch, 403, { id: 'security_identity_mismatch' });
    const submit = await expectStatus(bia.g1public.submitSelfServiceSettingsFlow(flow.id, {
      method: 'profile', traits: { email: b.email },
    }, b.token), 403);
    expectErrorEnvelope(submit, 403, { id: 'security_identity_mismatch' });
    const unknown = await expectStatus(bia.frontendApi.getSettingsFlow({ id: crypto.randomUUID(), xSessionToken: a.token }), 404);
    expectErrorEnvelope(unknown, 404);
  });

  it('an API flow submitted with a Cookie or Origin header is shown again with 4000001 (§20.3)', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    for (const extra of [{ Cookie: 'tracking=1' }, { Origin: 'https://app.example.com' }]) {
      const res = await rawRequest('POST', `${bia.publicUrl}/self-service/settings?flow=${flow.id}`, {
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Session-Token': token, ...extra },
        body: JSON.stringify({ method: 'profile', traits: { email, name: { first: 'X' } } }),
      });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.id, flow.id);
      assert.deepEqual(messageIds(res.json.ui.messages), [4000001]);
      assert.match(res.json.ui.messages[0].text, new RegExp(`"${Object.keys(extra)[0]}" key`));
    }
  });

  it('the admin port answers 307 to the public settings routes (§1.7)', async () => {
    const adm = await rawRequest('GET', `${bia.adminUrl}/admin/self-service/settings/api?x=1`);
    assert.equal(adm.status, 307);
    assert.equal(location(adm), `${bia.publicUrl}/self-service/settings/api?x=1`);
    const sub = await rawRequest('POST', `${bia.adminUrl}/admin/self-service/settings?flow=abc`);
    assert.equal(sub.status, 307);
    assert.equal(location(sub), `${bia.publicUrl}/self-service/settings?flow=abc`);
  });
});

describe('settings: privileged sessions and expiry (API)', { timeout: SUITE_TIMEOUT }, () => {
  let bia;
  before(async () => {
    bia = await startBia({ config: { selfservice: { flows: { settings: { privileged_session_max_age: '1s', lifespan: '3s' } } } } });
  });
  after(async () => { await bia?.close(); });

  it('a stale session gets 403 session_refresh_required for password and identifier changes only', async () => {
    const { token, email } = await registerApi(bia);
    await sleep(1200);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    const pw = await expectStatus(bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token, updateSettingsFlowBody: { method: 'password', password: NEW_PASSWORD },
    }), 403);
    expectErrorEnvelope(pw, 403, { id: 'session_refresh_required', message: 'The requested action was forbidden' });
    const rt = `${bia.publicUrl}/self-service/settings?flow=${flow.id}`;
    assert.equal(pw.data.redirect_browser_to,
      `${bia.publicUrl}/self-service/login/browser?refresh=true&return_to=${encodeURIComponent(rt)}`);
    const mail = await expectStatus(bia.v0public.submitSelfServiceSettingsFlow(flow.id, {
      method: 'profile', traits: { email: uniqueEmail('changed') },
    }, token), 403);
    expectErrorEnvelope(mail, 403, { id: 'session_refresh_required' });
    const name = await bia.v0public.submitSelfServiceSettingsFlow(flow.id, {
      method: 'profile', traits: { email, name: { first: 'Unprotected' } },
    }, token);
    assert.equal(name.data.state, 'success');
  });

  it('an expired flow answers 410 with a usable use_flow_id; fetching it answers 410 without a replacement', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    await sleep(3200);
    const fetch = await expectStatus(bia.frontendApi.getSettingsFlow({ id: flow.id, xSessionToken: token }), 410);
    const fe = expectErrorEnvelope(fetch, 410);
    assert.equal(fe.details.api, `${bia.publicUrl}/self-service/settings/api`);
    const res = await expectStatus(bia.v0public.submitSelfServiceSettingsFlow(flow.id, {
      method: 'profile', traits: { email, name: { first: 'Late' } },
    }, token), 410);
    expectErrorEnvelope(res, 410, { id: 'self_service_flow_expired', message: 'self-service flow expired' });
    assertUuid(res.data.use_flow_id);
    assert.equal(typeof res.data.since, 'number');
    assert.ok(res.data.expired_at);
    const next = await bia.frontendApi.getSettingsFlow({ id: res.data.use_flow_id, xSessionToken: token });
    assert.deepEqual(messageIds(next.data.ui.messages), [4050001]);
    const ok = await bia.frontendApi.updateSettingsFlow({
      flow: res.data.use_flow_id, xSessionToken: token,
      updateSettingsFlowBody: { method: 'profile', traits: { email, name: { first: 'OnTime' } } },
    });
    assert.equal(ok.data.state, 'success');
  });
});

describe('settings: browser flows (SPA and plain forms)', { timeout: SUITE_TIMEOUT }, () => {
  let bia;
  const ui = (p) => `${UI_BASE}${p}`;
  before(async () => {
    bia = await startBia({
      config: {
        selfservice: {
          allowed_return_urls: [ui('/')],
          flows: {
            settings: {
              after: {
                default_browser_return_url: ui('/after-settings'),
                profile: { default_browser_return_url: ui('/after-profile') },
                password: { hooks: [{ hook: 'revoke_active_sessions' }] },
              },
            },
          },
        },
      },
    });
  });
  after(async () => { await bia?.close(); });

  it('plain-form init redirects to the UI, sets the CSRF cookie, and the flow carries a masked token', async () => {
    const { browser } = await registerBrowser(bia);
    const fresh = new Browser(bia.publicUrl);
    fresh.jar.set('ory_kratos_session', browser.jar.get('ory_kratos_session'));
    const init = await fresh.get('/self-service/settings/browser');
    assert.equal(init.status, 303);
    assert.ok(setCookies(init).some((c) => c.name === csrfCookieName(bia)), 'CSRF cookie issued');
    const flow = await browserSettingsFlow(browser);
    assertSettingsFlow(flow, 'browser');
    assert.ok(node(flow, 'csrf_token').attributes.value, 'browser flows carry a masked token');
  });

  it('SPA init answers 200 JSON; no session: JSON 401, HTML 303 to the login flow with return_to', async () => {
    const { browser } = await registerBrowser(bia);
    const spa = await browser.get('/self-service/settings/browser', { json: true });
    assert.equal(spa.status, 200, spa.text);
    assertSettingsFlow(spa.json, 'browser');
    const anon = new Browser(bia.publicUrl);
    const j = await anon.get('/self-service/settings/browser', { json: true });
    expectErrorEnvelope(j, 401, { id: 'session_inactive' });
    const h = await anon.get(`/self-service/settings/browser?return_to=${encodeURIComponent(ui('/x'))}`);
    assert.equal(h.status, 303);
    assert.equal(location(h), `${bia.publicUrl}/self-service/login/browser?return_to=${encodeURIComponent(ui('/x'))}`);
    const fetch = await anon.get(`/self-service/settings/flows?id=${spa.json.id}`);
    assert.equal(fetch.status, 302);
    assert.equal(location(fetch), ui('/login'));
    const submit = await anon.post(`/self-service/settings?flow=${spa.json.id}`, { form: { method: 'profile' } });
    assert.equal(submit.status, 302);
    assert.equal(location(submit), ui('/login'));
  });

  it('plain-form profile success: 303 to the per-method URL with the session cookie re-issued', async () => {
    const { browser, email } = await registerBrowser(bia);
    const flow = await browserSettingsFlow(browser);
    const res = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'profile', 'traits.email': email, 'traits.name.first': 'Form' },
    });
    assert.equal(res.status, 303, res.text);
    assert.equal(location(res), ui('/after-profile'));
    const sc = setCookies(res).find((c) => c.name === 'ory_kratos_session');
    assert.ok(sc, 'session cookie re-issued');
    assert.ok(sc.attrs.httponly);
    const after = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.equal(after.json.state, 'success');
    assert.equal(after.json.identity.traits.name.first, 'Form');
  });

  it('plain-form invalid submission: 303 back to the UI; the flow shows the echoed value', async () => {
    const { browser } = await registerBrowser(bia);
    const flow = await browserSettingsFlow(browser);
    const res = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'profile', 'traits.email': 'ab' },
    });
    assert.equal(res.status, 303);
    assert.equal(location(res), `${ui('/settings')}?flow=${flow.id}`);
    const shown = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.equal(node(shown.json, 'traits.email').attributes.value, 'ab');
    assert.ok(node(shown.json, 'traits.email').messages.length >= 1);
  });

  it('SPA success: 200 flow with continue_with redirect_browser_to and the session cookie; return_to wins', async () => {
    const { browser, email } = await registerBrowser(bia);
    const init = await browser.get(`/self-service/settings/browser?return_to=${encodeURIComponent(ui('/dashboard'))}`, { json: true });
    assert.equal(init.status, 200, init.text);
    const flow = init.json;
    assert.equal(flow.return_to, ui('/dashboard'));
    const res = await browser.post(flow.ui.action, {
      json: true,
      body: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'profile', traits: { email, name: { last: 'Spa' } } },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.state, 'success');
    assert.deepEqual(res.json.continue_with, [{ action: 'redirect_browser_to', redirect_browser_to: ui('/dashboard') }]);
    assert.ok(setCookies(res).some((c) => c.name === 'ory_kratos_session'));
  });

  it('password success without return_to goes to the global after URL and revokes only the other sessions', async () => {
    const { browser, email } = await registerBrowser(bia);
    const other = await loginApi(bia, email, PASSWORD);
    const otherToken = other.data.session_token;
    await bia.frontendApi.toSession({ xSessionToken: otherToken });
    const flow = await browserSettingsFlow(browser);
    const res = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', password: NEW_PASSWORD },
    });
    assert.equal(res.status, 303, res.text);
    assert.equal(location(res), ui('/after-settings'));
    await expectStatus(bia.frontendApi.toSession({ xSessionToken: otherToken }), 401);
    const mine = await browser.get('/sessions/whoami', { json: true });
    assert.equal(mine.status, 200, 'the current session survives');
  });

  it('CSRF failure: SPA 403 security_csrf_violation, plain form 303 to the error UI', async () => {
    const { browser, email } = await registerBrowser(bia);
    const flow = await browserSettingsFlow(browser);
    const spa = await browser.post(flow.ui.action, {
      json: true, body: { csrf_token: 'bm90LWEtdG9rZW4=', method: 'profile', traits: { email } },
    });
    expectErrorEnvelope(spa, 403, { id: 'security_csrf_violation' });
    const form = await browser.post(flow.ui.action, { form: { method: 'profile', 'traits.email': email } });
    assert.equal(form.status, 303);
    const loc = new URL(location(form));
    assert.equal(`${loc.origin}${loc.pathname}`, ui('/error'));
    const stored = await rawRequest('GET', `${bia.publicUrl}/self-service/errors?id=${loc.searchParams.get('id')}`);
    assert.equal(stored.json.error.id, 'security_csrf_violation');
  });

  it('a forbidden return_to: JSON 400, plain form 303 to the error UI', async () => {
    const { browser } = await registerBrowser(bia);
    const q = `?return_to=${encodeURIComponent('https://evil.example.com/')}`;
    const j = await browser.get(`/self-service/settings/browser${q}`, { json: true });
    expectErrorEnvelope(j, 400, { id: 'self_service_flow_return_to_forbidden' });
    const h = await browser.get(`/self-service/settings/browser${q}`);
    assert.equal(h.status, 303);
    assert.ok(location(h).startsWith(`${ui('/error')}?id=`));
  });
});

describe('settings: fallback redirect, re-authentication and continuity (browser)', { timeout: SUITE_TIMEOUT }, () => {
  let bia;
  before(async () => {
    bia = await startBia({
      config: {
        selfservice: {
          methods: { profile: { enabled: false } },
          flows: { settings: { privileged_session_max_age: '1s' } },
        },
      },
    });
  });
  after(async () => { await bia?.close(); });

  it('stale session → login refresh=true → GET settings?flow= applies the paused password change', async () => {
    const { browser, email } = await registerBrowser(bia);
    const flow = await browserSettingsFlow(browser);
    await sleep(1200);
    const paused = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', password: NEW_PASSWORD },
    });
    assert.equal(paused.status, 303, paused.text);
    const rt = `${bia.publicUrl}/self-service/settings?flow=${flow.id}`;
    assert.equal(location(paused), `${bia.publicUrl}/self-service/login/browser?refresh=true&return_to=${encodeURIComponent(rt)}`);
    const cont = setCookies(paused).find((c) => c.name === 'ory_kratos_continuity');
    assert.ok(cont, 'continuity cookie set');
    assert.ok(cont.attrs.httponly);
    assert.equal(cont.attrs.path, '/');

    // The refresh login, as a browser would do it.
    const login = await browser.get(location(paused), { json: true });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.refresh, true);
    const done = await browser.post(login.json.ui.action, {
      form: { csrf_token: node(login.json, 'csrf_token').attributes.value, method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(done.status, 303, done.text);
    assert.equal(location(done), rt);

    // Back on the settings route: the paused change is applied without re-typing it.
    const resumed = await browser.get(location(done));
    assert.equal(resumed.status, 303, resumed.text);
    assert.equal(location(resumed), `${UI_BASE}/settings?flow=${flow.id}`, 'no after URL: the settings UI');
    const fin = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.equal(fin.json.state, 'success');
    assert.deepEqual(messageIds(fin.json.ui.messages), [1050001]);
    await expectStatus(loginApi(bia, email, PASSWORD), 400);
    await loginApi(bia, email, NEW_PASSWORD);
  });

  it('a disabled method renders no nodes and answers 404 when addressed (§5.2)', async () => {
    const { token, email } = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    assert.ok(!flow.ui.nodes.some((n) => n.group === 'profile'), 'no profile nodes');
    assert.ok(node(flow, 'password'), 'password still offered');
    const res = await expectStatus(bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token, updateSettingsFlowBody: { method: 'profile', traits: { email } },
    }), 404);
    expectErrorEnvelope(res, 404, { reason: /disabled by system administrator/ });
  });

  it('a GET submission without a paused change ends in 4010004 and a 303 back to the UI', async () => {
    const { browser } = await registerBrowser(bia);
    const flow = await browserSettingsFlow(browser);
    const res = await browser.get(`/self-service/settings?flow=${flow.id}`);
    assert.equal(res.status, 303);
    assert.equal(location(res), `${UI_BASE}/settings?flow=${flow.id}`);
    const shown = await browser.get(`/self-service/settings/flows?id=${flow.id}`, { json: true });
    assert.deepEqual(messageIds(shown.json.ui.messages), [4010004]);
  });
});
