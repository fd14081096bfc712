// Sessions, registration and login with passwords, API and browser flows
// (surrounding-api.md §5–8, settings-flow.md §1, §7, §12, §17), driven with
// @ory/client 0.2.0-alpha.60 (G1 V0alpha2Api), @ory/kratos-client 26.2.0 (G2
// FrontendApi) and a raw-HTTP cookie-jar browser that never follows redirects.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import {
  FIXTURES_DIR,
  UI_BASE,
  assertTimestamp,
  assertUuid,
  expectErrorEnvelope,
  expectStatus,
  header,
  rawRequest,
  startBia,
  uniqueEmail,
} from './lib/server.js';

const SUITE_TIMEOUT = 180_000;
const HASHES = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'password-hashes.json'), 'utf8'));
const BCRYPT_COST4 = /^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/;
const PASSWORD = 'correct horse battery staple 42';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function node(flow, name) {
  return flow.ui.nodes.find((n) => n.attributes.name === name);
}

function messageIds(list) {
  return (list || []).map((m) => m.id);
}

function location(res) {
  return header(res, 'location');
}

function csrfCookieName(bia) {
  return `csrf_token_${crypto.createHash('sha256').update(`${bia.publicUrl}/`).digest('hex')}`;
}

/** Registers through an API flow (G1 client) and returns { email, token, session, identity }. */
async function registerApi(bia, email = uniqueEmail('reg')) {
  const { data: flow } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
  const { data } = await bia.v0public.submitSelfServiceRegistrationFlow(flow.id, {
    method: 'password', password: PASSWORD, traits: { email },
  });
  return { email, token: data.session_token, session: data.session, identity: data.identity };
}

describe('password registration and login: API flows', { timeout: SUITE_TIMEOUT }, () => {
  let bia;

  before(async () => { bia = await startBia(); });
  after(async () => { await bia?.close(); });

  it('API registration returns a session token that whoami accepts (G1 and G2 clients)', async () => {
    const { data: flow } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
    assertUuid(flow.id, 'flow.id');
    assert.equal(flow.type, 'api');
    assertTimestamp(flow.expires_at);
    assertTimestamp(flow.issued_at);
    assert.equal(flow.request_url, `${bia.publicUrl}/self-service/registration/api`);
    assert.equal(flow.ui.action, `${bia.publicUrl}/self-service/registration?flow=${flow.id}`);
    assert.equal(flow.ui.method, 'POST');
    assert.deepEqual(flow.ui.messages, []);
    const csrf = node(flow, 'csrf_token');
    assert.ok(csrf, 'csrf_token node present on API flows');
    assert.equal(csrf.attributes.value, undefined, 'API flows carry no CSRF token value');
    assert.equal(node(flow, 'traits.email').attributes.type, 'email');
    assert.equal(node(flow, 'password').attributes.required, true);
    const submit = node(flow, 'method');
    assert.equal(submit.attributes.value, 'password');
    assert.equal(submit.meta.label.id, 1040001);

    const email = uniqueEmail('api');
    const { data } = await bia.v0public.submitSelfServiceRegistrationFlow(flow.id, {
      method: 'password', password: PASSWORD, traits: { email },
    });
    assert.match(data.session_token, /^ory_st_[A-Za-z0-9]{32}$/);
    assert.equal(data.identity.traits.email, email);
    // Verification is on in the e2e config: the address got its message right away.
    assert.equal(data.identity.verifiable_addresses[0].status, 'sent');
    assert.equal(data.identity.verifiable_addresses[0].verified, false);
    assert.ok(!('credentials' in data.identity), 'no credentials in self-service answers');
    assert.equal(data.session.identity.id, data.identity.id);

    const who = await bia.v0public.toSession(data.session_token);
    assert.equal(who.status, 200);
    assert.equal(who.data.id, data.session.id);
    assert.equal(who.data.active, true);
    assert.equal(who.data.authenticator_assurance_level, 'aal1');
    assert.equal(who.data.authentication_methods[0].method, 'password');
    assert.equal(header(who, 'x-kratos-authenticated-identity-id'), data.identity.id);

    const g2 = await bia.frontendApi.toSession({ xSessionToken: data.session_token });
    assert.equal(g2.data.identity.traits.email, email);
    const bearer = await rawRequest('GET', `${bia.publicUrl}/sessions/whoami`, {
      headers: { Authorization: `Bearer ${data.session_token}` },
    });
    assert.equal(bearer.status, 200);
  });

  it('whoami without a valid session is 401 without an error id', async () => {
    for (const headers of [{}, { 'X-Session-Token': 'ory_st_nope' }, { Cookie: 'ory_kratos_session=forged' }]) {
      const res = await rawRequest('GET', `${bia.publicUrl}/sessions/whoami`, { headers });
      const e = expectErrorEnvelope(res, 401, {
        reason: 'No valid session credentials found in the request.',
        message: 'The request could not be authorized',
      });
      assert.equal(e.id, undefined);
    }
  });

  it('API login (G2 client) issues a new session; duplicate registration is 4000007', async () => {
    const reg = await registerApi(bia);
    const { data: flow } = await bia.frontendApi.createNativeLoginFlow();
    assert.equal(flow.type, 'api');
    assert.equal(flow.refresh, false);
    assert.equal(flow.requested_aal, 'aal1');
    assert.deepEqual(flow.ui.nodes.map((n) => n.attributes.name), ['csrf_token', 'identifier', 'password', 'method']);
    const { data } = await bia.frontendApi.updateLoginFlow({
      flow: flow.id,
      updateLoginFlowBody: { method: 'password', identifier: reg.email.toUpperCase(), password: PASSWORD },
    });
    assert.notEqual(data.session_token, reg.token);
    assert.notEqual(data.session.id, reg.session.id);
    assert.equal(data.session.identity.id, reg.identity.id);

    const { data: again } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
    const dup = await expectStatus(bia.v0public.submitSelfServiceRegistrationFlow(again.id, {
      method: 'password', password: PASSWORD, traits: { email: reg.email },
    }), 400);
    assert.deepEqual(messageIds(dup.data.ui.messages), [4000007]);
    assert.equal(node(dup.data, 'traits.email').attributes.value, reg.email);
  });

  it('a wrong password and an unknown identifier both answer 400 with message 4000006', async () => {
    const reg = await registerApi(bia);
    const { data: flow } = await bia.v0public.initializeSelfServiceLoginFlowWithoutBrowser();
    for (const [identifier, password] of [[reg.email, 'not the password'], [uniqueEmail('ghost'), PASSWORD]]) {
      const res = await expectStatus(
        bia.v0public.submitSelfServiceLoginFlow(flow.id, { method: 'password', identifier, password }), 400);
      assert.equal(res.data.id, flow.id, 'the answer is the flow');
      assert.deepEqual(messageIds(res.data.ui.messages), [4000006]);
      assert.equal(res.data.ui.messages[0].type, 'error');
      assert.equal(node(res.data, 'identifier').attributes.value, identifier);
      assert.equal(node(res.data, 'password').attributes.value, undefined, 'passwords are never echoed');
    }
    const fetched = await bia.v0public.getSelfServiceLoginFlow(flow.id);
    assert.deepEqual(messageIds(fetched.data.ui.messages), [4000006], 'the error is stored on the flow');
  });

  it('refresh login re-authenticates the same session and moves authenticated_at', async () => {
    const reg = await registerApi(bia);
    const before = (await bia.v0public.toSession(reg.token)).data;

    const already = await expectStatus(bia.frontendApi.createNativeLoginFlow({ xSessionToken: reg.token }), 400);
    expectErrorEnvelope(already, 400, { id: 'session_already_available' });

    await sleep(1100);
    const { data: flow } = await bia.frontendApi.createNativeLoginFlow({ refresh: true, xSessionToken: reg.token });
    assert.equal(flow.refresh, true);
    assert.deepEqual(messageIds(flow.ui.messages), [1010003]);
    const identifier = node(flow, 'identifier');
    assert.equal(identifier.attributes.type, 'hidden');
    assert.equal(identifier.attributes.value, reg.email);

    const { data } = await bia.frontendApi.updateLoginFlow({
      flow: flow.id,
      xSessionToken: reg.token,
      updateLoginFlowBody: { method: 'password', identifier: reg.email, password: PASSWORD },
    });
    assert.equal(data.session.id, before.id, 'the same session');
    assert.equal(data.session_token, reg.token);
    const afterRefresh = (await bia.v0public.toSession(reg.token)).data;
    assert.ok(Date.parse(afterRefresh.authenticated_at) > Date.parse(before.authenticated_at),
      `authenticated_at moved: ${before.authenticated_at} -> ${afterRefresh.authenticated_at}`);
    assert.ok(Date.parse(afterRefresh.expires_at) > Date.parse(before.expires_at));
    assert.equal(afterRefresh.authentication_methods.length, 2);
  });

  it('logout via the API ends the session; unknown tokens are 403', async () => {
    const reg = await registerApi(bia);
    const res = await bia.frontendApi.performNativeLogout({ performNativeLogoutBody: { session_token: reg.token } });
    assert.equal(res.status, 204);
    await expectStatus(bia.v0public.toSession(reg.token), 401);
    const unknown = await expectStatus(
      bia.v0public.submitSelfServiceLogoutFlowWithoutBrowser({ session_token: 'ory_st_unknown' }), 403);
    expectErrorEnvelope(unknown, 403, {
      reason: 'The provided Ory Session Token could not be found, is invalid, or otherwise malformed.',
    });
    const empty = await rawRequest('DELETE', `${bia.publicUrl}/self-service/logout/api`, {
      headers: { 'Content-Type': 'application/json' },
    });
    expectErrorEnvelope(empty, 400);
  });

  it('API flows submitted with browser cookies are rejected on the flow (400)', async () => {
    const { data: flow } = await bia.v0public.initializeSelfServiceLoginFlowWithoutBrowser();
    const res = await rawRequest('POST', `${bia.publicUrl}/self-service/login?flow=${flow.id}`, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: 'tracking=1' },
      body: { method: 'password', identifier: 'a@example.com', password: PASSWORD },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(messageIds(res.json.ui.messages), [4000001]);
    assert.match(res.json.ui.messages[0].text, /"Cookie" key/);
  });

  it('an imported hash is re-hashed with the configured hasher on the next login', async () => {
    const email = uniqueEmail('import');
    const { password, hash } = HASHES.bcrypt_2a_cost10;
    const created = await expectStatus(bia.v0admin.adminCreateIdentity({
      schema_id: 'default', traits: { email }, credentials: { password: { config: { hashed_password: hash } } },
    }), 201);
    const { data: flow } = await bia.frontendApi.createNativeLoginFlow();
    const { data } = await bia.frontendApi.updateLoginFlow({
      flow: flow.id, updateLoginFlowBody: { method: 'password', identifier: email, password },
    });
    assert.equal(data.session.identity.id, created.data.id);
    const full = await bia.identityApi.getIdentity({ id: created.data.id, includeCredential: ['password'] });
    const rehashed = full.data.credentials.password.config.hashed_password;
    assert.notEqual(rehashed, hash);
    assert.match(String(rehashed), BCRYPT_COST4, 'now hashed at hashers.bcrypt.cost = 4');
    // The new hash still verifies.
    const { data: again } = await bia.frontendApi.createNativeLoginFlow();
    await bia.frontendApi.updateLoginFlow({
      flow: again.id, updateLoginFlowBody: { method: 'password', identifier: email, password },
    });
  });

  it('lists and revokes the other sessions of the caller', async () => {
    const reg = await registerApi(bia);
    const login = async () => {
      const { data: flow } = await bia.frontendApi.createNativeLoginFlow();
      const { data } = await bia.frontendApi.updateLoginFlow({
        flow: flow.id, updateLoginFlowBody: { method: 'password', identifier: reg.email, password: PASSWORD },
      });
      return data;
    };
    const second = await login();
    const third = await login();
    const listed = await bia.v0public.listSessions(reg.token);
    assert.deepEqual(listed.data.map((s) => s.id).sort(), [second.session.id, third.session.id].sort());

    const self = await rawRequest('DELETE', `${bia.publicUrl}/sessions/${reg.session.id}`, {
      headers: { 'X-Session-Token': reg.token },
    });
    expectErrorEnvelope(self, 400, { message: 'cannot revoke current session' });
    const one = await rawRequest('DELETE', `${bia.publicUrl}/sessions/${second.session.id}`, {
      headers: { 'X-Session-Token': reg.token },
    });
    assert.equal(one.status, 204);
    await expectStatus(bia.v0public.toSession(second.session_token), 401);
    const rest = await bia.v0public.revokeSessions(reg.token);
    assert.deepEqual(rest.data, { count: 1 });
    await expectStatus(bia.v0public.toSession(third.session_token), 401);
    await expectStatus(bia.v0public.toSession(reg.token), 200);
    const nobody = await rawRequest('GET', `${bia.publicUrl}/sessions`);
    expectErrorEnvelope(nobody, 401, { reason: 'No valid session cookie found.' });
  });
});

describe('password registration and login: browser flows (raw HTTP)', { timeout: SUITE_TIMEOUT }, () => {
  let bia;

  before(async () => { bia = await startBia(); });
  after(async () => { await bia?.close(); });

  async function browserFlow(browser, kind, { json = false, query = '' } = {}) {
    const init = await browser.get(`/self-service/${kind}/browser${query}`, { json });
    if (json) {
      assert.equal(init.status, 200, init.text);
      return { init, flow: init.json };
    }
    assert.equal(init.status, 303, init.text);
    const loc = new URL(location(init));
    assert.equal(`${loc.origin}${loc.pathname}`, `${UI_BASE}/${kind}`);
    const id = loc.searchParams.get('flow');
    assertUuid(id, 'flow id in the UI redirect');
    const fetched = await browser.get(`/self-service/${kind}/flows?id=${id}`, { json: true });
    assert.equal(fetched.status, 200, fetched.text);
    return { init, flow: fetched.json };
  }

  async function registerBrowser(browser, email = uniqueEmail('web')) {
    const { flow } = await browserFlow(browser, 'registration');
    const res = await browser.post(flow.ui.action, {
      form: {
        csrf_token: node(flow, 'csrf_token').attributes.value,
        method: 'password',
        'traits.email': email,
        password: PASSWORD,
      },
    });
    return { email, res };
  }

  it('browser init sets the CSRF cookie and redirects to the login UI; the flow is bound to that cookie', async () => {
    const browser = new Browser(bia.publicUrl);
    const { init, flow } = await browserFlow(browser, 'login');
    const csrf = setCookies(init).find((c) => c.name === csrfCookieName(bia));
    assert.ok(csrf, `CSRF cookie ${csrfCookieName(bia)} set on init: ${JSON.stringify(init.headers['set-cookie'])}`);
    assert.equal(Buffer.from(csrf.value, 'base64').length, 32);
    assert.equal(csrf.attrs.path, '/');
    assert.equal(csrf.attrs['max-age'], '31536000');
    assert.equal(csrf.attrs.httponly, true);
    assert.equal(csrf.attrs.samesite, 'Lax');
    assert.equal(csrf.attrs.secure, undefined, 'not Secure in dev mode');
    assert.match(String(header(init, 'vary')), /Cookie/);

    assert.equal(flow.type, 'browser');
    const token = node(flow, 'csrf_token').attributes.value;
    assert.equal(Buffer.from(token, 'base64').length, 64, 'masked token = key ‖ (token XOR key)');

    const again = await browser.get(`/self-service/login/flows?id=${flow.id}`, { json: true });
    assert.equal(setCookies(again).length, 0, 'a present CSRF cookie is not replaced');

    const stranger = await rawRequest('GET', `${bia.publicUrl}/self-service/login/flows?id=${flow.id}`, {
      headers: { Accept: 'application/json' },
    });
    expectErrorEnvelope(stranger, 403, { id: 'security_csrf_violation' });
    const unknown = await browser.get(`/self-service/login/flows?id=${crypto.randomUUID()}`, { json: true });
    expectErrorEnvelope(unknown, 404);
  });

  it('form registration: 303 to the return URL with the session cookie; whoami accepts the cookie', async () => {
    const browser = new Browser(bia.publicUrl);
    const { email, res } = await registerBrowser(browser);
    assert.equal(res.status, 303, res.text);
    assert.equal(location(res), `${UI_BASE}/`);
    const session = setCookies(res).find((c) => c.name === 'ory_kratos_session');
    assert.ok(session, `session cookie set: ${JSON.stringify(res.headers['set-cookie'])}`);
    assert.equal(session.attrs.httponly, true);
    assert.equal(session.attrs.path, '/');
    assert.equal(session.attrs.samesite, 'Lax');
    assert.ok(Number(session.attrs['max-age']) > 86000 && Number(session.attrs['max-age']) <= 86400);
    assert.ok(!session.value.includes('ory_st_'), 'the cookie does not expose the token');
    assert.ok(setCookies(res).some((c) => c.name === csrfCookieName(bia)), 'CSRF token rotated for the new session');

    const who = await browser.get('/sessions/whoami', { json: true });
    assert.equal(who.status, 200, who.text);
    assert.equal(who.json.identity.traits.email, email);

    // Signed in: browser init answers with a redirect to the default return URL.
    const init = await browser.get('/self-service/login/browser');
    assert.equal(init.status, 303);
    assert.equal(location(init), `${UI_BASE}/`);
    const spa = await browser.get('/self-service/registration/browser', { json: true });
    expectErrorEnvelope(spa, 400, { id: 'session_already_available' });
  });

  it('form login: wrong credentials go back to the UI, right ones to the return URL', async () => {
    const { email } = await registerBrowser(new Browser(bia.publicUrl));
    const browser = new Browser(bia.publicUrl);
    const { flow } = await browserFlow(browser, 'login');
    const wrong = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', identifier: email, password: 'nope' },
    });
    assert.equal(wrong.status, 303);
    assert.equal(location(wrong), `${UI_BASE}/login?flow=${flow.id}`);
    const shown = (await browser.get(`/self-service/login/flows?id=${flow.id}`, { json: true })).json;
    assert.deepEqual(messageIds(shown.ui.messages), [4000006]);

    const ok = await browser.post(flow.ui.action, {
      form: { csrf_token: node(shown, 'csrf_token').attributes.value, method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(ok.status, 303, ok.text);
    assert.equal(location(ok), `${UI_BASE}/`);
    assert.ok(setCookies(ok).some((c) => c.name === 'ory_kratos_session'));
    assert.equal((await browser.get('/sessions/whoami', { json: true })).status, 200);
  });

  it('a CSRF failure is 403 security_csrf_violation for SPAs and the error UI for forms', async () => {
    const browser = new Browser(bia.publicUrl);
    const { flow } = await browserFlow(browser, 'login');
    const body = { method: 'password', identifier: 'x@example.com', password: PASSWORD, csrf_token: 'bm90LWEtdG9rZW4=' };

    const spa = await browser.post(flow.ui.action, { json: true, body });
    const e = expectErrorEnvelope(spa, 403, { id: 'security_csrf_violation' });
    assert.equal(e.details.docs, 'https://www.ory.sh/kratos/docs/debug/csrf');

    const form = await browser.post(flow.ui.action, { form: body });
    assert.equal(form.status, 303);
    const loc = new URL(location(form));
    assert.equal(`${loc.origin}${loc.pathname}`, `${UI_BASE}/error`);
    const stored = await rawRequest('GET', `${bia.publicUrl}/self-service/errors?id=${loc.searchParams.get('id')}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.json.id, loc.searchParams.get('id'));
    assert.equal(stored.json.error.id, 'security_csrf_violation');
    assert.equal(stored.json.error.code, 403);
    assertTimestamp(stored.json.created_at);
    expectErrorEnvelope(await rawRequest('GET', `${bia.publicUrl}/self-service/errors?id=${crypto.randomUUID()}`), 404);

    // No cookies at all.
    const bare = await rawRequest('POST', flow.ui.action, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: { ...body, csrf_token: node(flow, 'csrf_token').attributes.value },
    });
    expectErrorEnvelope(bare, 403, { id: 'security_csrf_violation' });
  });

  it('SPA (Accept: application/json) gets JSON answers and cookies', async () => {
    const { email } = await registerBrowser(new Browser(bia.publicUrl));
    const browser = new Browser(bia.publicUrl);
    const { init, flow } = await browserFlow(browser, 'login', { json: true });
    assert.ok(setCookies(init).some((c) => c.name === csrfCookieName(bia)));
    assert.equal(flow.type, 'browser');

    const bad = await browser.post(flow.ui.action, {
      json: true,
      body: { method: 'password', identifier: email, password: 'wrong', csrf_token: node(flow, 'csrf_token').attributes.value },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(messageIds(bad.json.ui.messages), [4000006]);

    const ok = await browser.post(flow.ui.action, {
      json: true,
      body: { method: 'password', identifier: email, password: PASSWORD, csrf_token: node(bad.json, 'csrf_token').attributes.value },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.session_token, undefined, 'browsers get a cookie, not a token');
    assert.equal(ok.json.session.identity.traits.email, email);
    assert.ok(setCookies(ok).some((c) => c.name === 'ory_kratos_session'));
    assert.equal((await browser.get('/sessions/whoami', { json: true })).status, 200);
  });

  it('a forbidden return_to is refused at init', async () => {
    const browser = new Browser(bia.publicUrl);
    const q = `?return_to=${encodeURIComponent('https://evil.example/steal')}`;
    const spa = await browser.get(`/self-service/login/browser${q}`, { json: true });
    expectErrorEnvelope(spa, 400, {
      id: 'self_service_flow_return_to_forbidden',
      reason: 'Requested return_to URL "https://evil.example/steal" is not allowed.',
    });
    const html = await browser.get(`/self-service/registration/browser${q}`);
    assert.equal(html.status, 303);
    const loc = new URL(location(html));
    assert.equal(`${loc.origin}${loc.pathname}`, `${UI_BASE}/error`);
    const stored = await rawRequest('GET', `${bia.publicUrl}/self-service/errors?id=${loc.searchParams.get('id')}`);
    assert.equal(stored.json.error.id, 'self_service_flow_return_to_forbidden');

    // An allowed return_to is where the browser lands after login.
    const { email } = await registerBrowser(new Browser(bia.publicUrl));
    const good = `?return_to=${encodeURIComponent(`${UI_BASE}/dashboard`)}`;
    const { flow } = await browserFlow(browser, 'login', { query: good });
    assert.equal(flow.return_to, `${UI_BASE}/dashboard`);
    const ok = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(ok.status, 303);
    assert.equal(location(ok), `${UI_BASE}/dashboard`);
  });

  it('browser logout: logout URL, token check, cookie cleared, session gone', async () => {
    const browser = new Browser(bia.publicUrl);
    await registerBrowser(browser);
    const urlRes = await browser.get('/self-service/logout/browser', { json: true });
    assert.equal(urlRes.status, 200, urlRes.text);
    const { logout_url: logoutUrl, logout_token: logoutToken } = urlRes.json;
    assert.equal(logoutUrl, `${bia.publicUrl}/self-service/logout?token=${logoutToken}`);

    const mismatch = await browser.get('/self-service/logout?token=wrong', { json: true });
    expectErrorEnvelope(mismatch, 403);
    const missing = await browser.get('/self-service/logout', { json: true });
    expectErrorEnvelope(missing, 400);

    const out = await browser.get(logoutUrl);
    assert.equal(out.status, 303, out.text);
    assert.equal(location(out), `${UI_BASE}/login`);
    const cleared = setCookies(out).find((c) => c.name === 'ory_kratos_session');
    assert.ok(cleared, 'session cookie cleared');
    assert.equal(cleared.attrs['max-age'], '0');
    assert.ok(setCookies(out).some((c) => c.name === csrfCookieName(bia)), 'CSRF cookie regenerated');
    expectErrorEnvelope(await browser.get('/sessions/whoami', { json: true }), 401);

    const anonymous = await rawRequest('GET', `${bia.publicUrl}/self-service/logout/browser`, {
      headers: { Accept: 'application/json' },
    });
    expectErrorEnvelope(anonymous, 401, { id: 'session_inactive' });
  });
});

describe('expired login and registration flows', { timeout: SUITE_TIMEOUT }, () => {
  let bia;

  before(async () => {
    bia = await startBia({ config: { selfservice: { flows: { login: { lifespan: '1s' }, registration: { lifespan: '1s' } } } } });
  });
  after(async () => { await bia?.close(); });

  it('submitting an expired API flow answers 410 with a replacement flow', async () => {
    const { data: flow } = await bia.v0public.initializeSelfServiceLoginFlowWithoutBrowser();
    await sleep(1300);
    const fetched = await expectStatus(bia.v0public.getSelfServiceLoginFlow(flow.id), 410);
    const fe = expectErrorEnvelope(fetched, 410, { id: 'self_service_flow_expired' });
    assert.deepEqual(fe.details, { api: `${bia.publicUrl}/self-service/login/api` });

    const res = await expectStatus(bia.v0public.submitSelfServiceLoginFlow(flow.id, {
      method: 'password', identifier: 'late@example.com', password: PASSWORD,
    }), 410);
    const e = expectErrorEnvelope(res, 410, { id: 'self_service_flow_expired', message: 'self-service flow expired' });
    assert.match(e.reason, /^The self-service flow expired \d+\.\d\d minutes ago, initialize a new one\.$/);
    assertUuid(res.data.use_flow_id, 'use_flow_id');
    assert.notEqual(res.data.use_flow_id, flow.id);
    assert.ok(Number.isInteger(res.data.since) && res.data.since > 0, `since in ns: ${res.data.since}`);
    assertTimestamp(res.data.expired_at);

    const { data: next } = await bia.v0public.getSelfServiceLoginFlow(res.data.use_flow_id);
    assert.equal(next.type, 'api');
    assert.deepEqual(messageIds(next.ui.messages), [4010001]);
    assert.match(next.ui.messages[0].text, /^The login flow expired \d+\.\d\d minutes ago, please try again\.$/);
  });

  it('an expired browser flow sends form posts to the UI with the replacement flow', async () => {
    const browser = new Browser(bia.publicUrl);
    const init = await browser.get('/self-service/registration/browser');
    const id = new URL(location(init)).searchParams.get('flow');
    const { json: flow } = await browser.get(`/self-service/registration/flows?id=${id}`, { json: true });
    await sleep(1300);
    const expired = await browser.get(`/self-service/registration/flows?id=${id}`, { json: true });
    const fe = expectErrorEnvelope(expired, 410, { id: 'self_service_flow_expired' });
    assert.deepEqual(fe.details, { redirect_to: `${bia.publicUrl}/self-service/registration/browser`, return_to: '' });

    const res = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', 'traits.email': uniqueEmail('late'), password: PASSWORD },
    });
    assert.equal(res.status, 303);
    const loc = new URL(location(res));
    assert.equal(`${loc.origin}${loc.pathname}`, `${UI_BASE}/registration`);
    const nextId = loc.searchParams.get('flow');
    assert.notEqual(nextId, id);
    const next = await browser.get(`/self-service/registration/flows?id=${nextId}`, { json: true });
    assert.equal(next.status, 200, 'the replacement belongs to the same browser');
    assert.deepEqual(messageIds(next.json.ui.messages), [4040001]);
  });
});
