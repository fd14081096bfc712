// A whoami answer cached by one Bia process is never served after another process changed it.
//
// Each Bia process keeps the serialised answer of GET /sessions/whoami per session token, and
// serves it again only while the session's and the identity's revisions (one indexed read per
// request) are the ones it was built under. This suite runs two processes on ONE database:
// instance A, and instance B whose dsn is A's — on SQLite both open the same file; with
// BIA_E2E_POSTGRES_DSN set both use the same PostgreSQL database. It checks:
//
//  * with nothing changed, A's repeated (cached) answers are byte for byte its first (fresh) one
//    and B's fresh one (but for identity.schema_url, which names the answering instance), and
//    carry the X-Kratos-Authenticated-Identity-Id header;
//  * for each write: whoami on A three times (so A answers from its cache), the write through B,
//    then A's very next whoami shows it (and equals B's answer):
//      - a trait changed by B's admin API (PUT /admin/identities/{id}), by a settings profile
//        submit on B (API flow, session token), and metadata_public changed by B's admin API;
//  * a settings profile submit on A, after which A keeps the session with the identity it wrote:
//    A's next whoami equals B's fresh one byte for byte, A's next settings init shows the change
//    and its submit succeeds, and a later write on B is seen on A at once;
//      - the address marked verified by a verification code submitted on B;
//      - the identity deactivated by B → 401 on A (for two sessions); reactivated → 200 on A
//        with the current traits;
//      - the session revoked on B by API logout, by DELETE /sessions/{id} and by the admin API
//        (DELETE /admin/identities/{id}/sessions) → 401 on A;
//      - a browser session cookie (browser login on A) revoked by a browser logout on B and by
//        the admin API on B → 401 on A.
//  * the same for GET /self-service/settings/flows, whose answers are cached per (flow, token)
//    under the flow's, the session's and the identity's revisions: a submit on B, an admin trait
//    change on B and an API logout on B each show on A's very next fetch.
//
// Without any cache every check holds as well (each answer is fresh). A cache that ignored the
// identity revision fails the trait, settings, metadata and verification checks (A would still
// show the old name / an unverified address); one that did not re-read the session's and the
// identity's state fails the revocation and deactivation checks (A would answer 200).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import {
  describeBody,
  expectErrorEnvelope,
  expectStatus,
  header,
  rawRequest,
  startBia,
  uniqueEmail,
} from './lib/server.js';

const SUITE_TIMEOUT = 120_000;
const PASSWORD = 'whoami cache password 4 tests';
const IDENTITY_HEADER = 'x-kratos-authenticated-identity-id';

const node = (flow, name) => flow.ui.nodes.find((n) => n.attributes.name === name);

describe('whoami cache: a write by a second process on one database shows on the next request', { timeout: SUITE_TIMEOUT }, () => {
  let A; // serves the whoami answers (and caches them)
  let B; // makes the writes

  before(async () => {
    A = await startBia({ config: { log: { level: 'info' } } });
    // Same database, default secrets (so A's cookies work on B), ports and temp dir of its own.
    B = await startBia({
      config: { log: { level: 'info' } },
      mutateConfig: (cfg) => { cfg.dsn = A.config.dsn; },
    });
    assert.equal(B.config.dsn, A.config.dsn);
  });

  after(async () => {
    await B?.close();
    await A?.close();
  });

  /** GET /sessions/whoami on `server` with a session token or a Cookie header (raw, no client). */
  function whoami(server, { token, cookie }) {
    const headers = { Accept: 'application/json' };
    if (token) headers['X-Session-Token'] = token;
    if (cookie) headers.Cookie = cookie;
    return rawRequest('GET', `${server.publicUrl}/sessions/whoami`, { headers });
  }

  function expectOk(res, identityId, what) {
    assert.equal(res.status, 200, `${what}: HTTP ${res.status} ${describeBody(res)}`);
    assert.equal(header(res, IDENTITY_HEADER), identityId, `${what}: ${IDENTITY_HEADER}`);
    assert.match(String(header(res, 'content-type')), /^application\/json/, what);
    return res.json;
  }

  /**
   * whoami on A three times: the first may be fresh, the later ones come from A's cache. All are
   * 200 with the identity header and the same bytes. Returns the parsed answer.
   */
  async function warm(creds, identityId, what) {
    const first = await whoami(A, creds);
    expectOk(first, identityId, `${what}: first whoami on A`);
    for (let i = 2; i <= 3; i++) {
      const again = await whoami(A, creds);
      expectOk(again, identityId, `${what}: whoami #${i} on A (cached)`);
      assert.equal(again.text, first.text, `${what}: whoami #${i} on A is byte-identical to the first`);
    }
    return first.json;
  }

  /** B's answer text as A would write it: identity.schema_url names the answering instance. */
  const asIfOnA = (text) => text.replaceAll(`${B.publicUrl}/`, `${A.publicUrl}/`);

  /**
   * A's next whoami must be 200 and show `check`; it must equal B's answer byte for byte (but
   * for the instance's own URL in schema_url).
   */
  async function seenOnA(creds, identityId, what, check) {
    const onA = await whoami(A, creds);
    const body = expectOk(onA, identityId, `${what}: A's next whoami`);
    check(body);
    const onB = await whoami(B, creds);
    expectOk(onB, identityId, `${what}: whoami on B`);
    assert.equal(onA.text, asIfOnA(onB.text), `${what}: A's answer is B's answer, byte for byte`);
    return body;
  }

  /** A's next whoami must be a 401 error envelope. */
  async function refusedOnA(creds, what) {
    const res = await whoami(A, creds);
    assert.equal(res.status, 401, `${what}: A's next whoami must be 401, got ${res.status} ${describeBody(res)}`);
    expectErrorEnvelope(res, 401);
    assert.equal(header(res, IDENTITY_HEADER), undefined, `${what}: no identity header on a 401`);
  }

  /** Registers through an API flow on A; returns { email, token, session, identity }. */
  async function registerOnA(prefix) {
    const email = uniqueEmail(prefix);
    const { data: flow } = await A.frontendApi.createNativeRegistrationFlow();
    const { data } = await A.frontendApi.updateRegistrationFlow({
      flow: flow.id,
      updateRegistrationFlowBody: { method: 'password', password: PASSWORD, traits: { email, name: { first: 'Ada' } } },
    });
    assert.ok(data.session_token, 'registration issues a session token');
    return { email, token: data.session_token, session: data.session, identity: data.identity };
  }

  /** Logs in through an API flow on A; returns { token, session }. */
  async function loginOnA(email) {
    const { data: flow } = await A.frontendApi.createNativeLoginFlow();
    const { data } = await A.frontendApi.updateLoginFlow({
      flow: flow.id, updateLoginFlowBody: { method: 'password', identifier: email, password: PASSWORD },
    });
    return { token: data.session_token, session: data.session };
  }

  /** Logs in through a browser flow (plain form, cookies) on A; returns the Browser. */
  async function browserLoginOnA(email) {
    const browser = new Browser(A.publicUrl);
    const init = await browser.get('/self-service/login/browser');
    assert.equal(init.status, 303, init.text);
    const flowId = new URL(header(init, 'location')).searchParams.get('flow');
    const fetched = await browser.get(`/self-service/login/flows?id=${flowId}`, { json: true });
    assert.equal(fetched.status, 200, fetched.text);
    const flow = fetched.json;
    assert.ok(flow.ui.action.startsWith(`${A.publicUrl}/`), flow.ui.action);
    const login = await browser.post(flow.ui.action, {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(login.status, 303, login.text);
    assert.ok(setCookies(login).some((c) => c.name === 'ory_kratos_session'), 'session cookie set');
    return browser;
  }

  /** PUT /admin/identities/{id} on B: the stored identity with `change` applied. */
  async function adminPutOnB(id, change) {
    const { data: cur } = await expectStatus(B.identityApi.getIdentity({ id }), 200, 'getIdentity on B');
    const body = {
      schema_id: cur.schema_id,
      state: cur.state,
      traits: cur.traits,
      metadata_public: cur.metadata_public ?? undefined,
      metadata_admin: cur.metadata_admin ?? undefined,
      ...change,
    };
    const res = await expectStatus(B.identityApi.updateIdentity({ id, updateIdentityBody: body }), 200, 'updateIdentity on B');
    return res.data;
  }

  it('with nothing changed, the cached answer is byte-identical to the fresh one and carries the identity header', async () => {
    const reg = await registerOnA('same');
    const creds = { token: reg.token };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await whoami(A, creds));
    for (const [i, res] of answers.entries()) {
      const body = expectOk(res, reg.identity.id, `whoami #${i + 1} on A`);
      assert.equal(body.id, reg.session.id);
      assert.equal(body.identity.id, reg.identity.id);
      assert.equal(body.identity.traits.email, reg.email);
      assert.equal(res.text, answers[0].text, `whoami #${i + 1} on A equals the first, byte for byte`);
      assert.equal(header(res, 'vary'), header(answers[0], 'vary'), 'same Vary header');
      assert.equal(header(res, 'content-type'), header(answers[0], 'content-type'), 'same Content-Type');
    }
    // B has never answered for this token: its fresh answer is the same bytes.
    const onB = await whoami(B, creds);
    expectOk(onB, reg.identity.id, 'whoami on B');
    assert.notEqual(onB.text, answers[0].text, 'identity.schema_url names the instance that answered');
    assert.equal(asIfOnA(onB.text), answers[0].text, 'B\'s fresh answer equals A\'s cached one (but for schema_url)');
    // And A still answers the same after B's read (a read is not a write).
    assert.equal((await whoami(A, creds)).text, answers[0].text);
  });

  it('a trait changed by B\'s admin API, and by a settings profile submit on B, shows on A\'s next whoami', async () => {
    const reg = await registerOnA('traits');
    const creds = { token: reg.token };
    const id = reg.identity.id;

    // 1. Admin PUT /admin/identities/{id} on B.
    const before1 = await warm(creds, id, 'before the admin PUT');
    assert.equal(before1.identity.traits.name.first, 'Ada');
    const put = await adminPutOnB(id, { traits: { email: reg.email, name: { first: 'Changed', last: 'ByAdmin' } } });
    assert.equal(put.traits.name.first, 'Changed');
    await seenOnA(creds, id, 'after the admin PUT on B', (body) => {
      assert.deepEqual(body.identity.traits, { email: reg.email, name: { first: 'Changed', last: 'ByAdmin' } });
      assert.equal(body.identity.updated_at, put.updated_at);
    });

    // 2. A settings flow (API, session token) created and submitted on B.
    const before2 = await warm(creds, id, 'before the settings submit');
    assert.equal(before2.identity.traits.name.first, 'Changed');
    const { data: flow } = await B.frontendApi.createNativeSettingsFlow({ xSessionToken: reg.token });
    const { data: done } = await B.frontendApi.updateSettingsFlow({
      flow: flow.id,
      xSessionToken: reg.token,
      updateSettingsFlowBody: { method: 'profile', traits: { email: reg.email, name: { first: 'Settled', last: 'OnB' } } },
    });
    assert.equal(done.state, 'success');
    await seenOnA(creds, id, 'after the settings submit on B', (body) => {
      assert.deepEqual(body.identity.traits, { email: reg.email, name: { first: 'Settled', last: 'OnB' } });
    });

    // 3. metadata_public (an identity column the answer shows) changed by B's admin API.
    await warm(creds, id, 'before the metadata change');
    await adminPutOnB(id, { metadata_public: { plan: 'gold' } });
    await seenOnA(creds, id, 'after the metadata_public change on B', (body) => {
      assert.deepEqual(body.identity.metadata_public, { plan: 'gold' });
      assert.equal(body.identity.traits.name.first, 'Settled');
    });
  });

  it('an address verified by a verification code on B shows as verified on A\'s next whoami', async () => {
    const reg = await registerOnA('verify');
    const creds = { token: reg.token };
    const id = reg.identity.id;

    // The code is asked for on B and read out of the courier queue (no mail is delivered).
    const mailsBefore = await courierIds(B, reg.email);
    const { data: flow } = await B.frontendApi.createNativeVerificationFlow();
    const { data: sent } = await B.frontendApi.updateVerificationFlow({
      flow: flow.id, updateVerificationFlowBody: { method: 'code', email: reg.email },
    });
    assert.equal(sent.state, 'sent_email');
    const fresh = (await courierMessages(B, reg.email)).filter((m) => !mailsBefore.has(m.id));
    assert.equal(fresh.length, 1, `one new message for ${reg.email}: ${JSON.stringify(fresh)}`);
    const code = /\b(\d{6})\b/.exec(fresh[0].body)?.[1];
    assert.ok(code, `a six-digit code in: ${fresh[0].body}`);

    const cached = await warm(creds, id, 'before the verification');
    assert.equal(cached.identity.verifiable_addresses.length, 1);
    assert.equal(cached.identity.verifiable_addresses[0].verified, false);

    const { data: done } = await B.frontendApi.updateVerificationFlow({
      flow: flow.id, updateVerificationFlowBody: { method: 'code', code },
    });
    assert.equal(done.state, 'passed_challenge');
    await seenOnA(creds, id, 'after the verification on B', (body) => {
      const [va] = body.identity.verifiable_addresses;
      assert.equal(va.value, reg.email);
      assert.equal(va.verified, true);
      assert.equal(va.status, 'completed');
      assert.ok(va.verified_at, 'verified_at set');
    });
  });

  it('an identity deactivated by B is refused by A at once; reactivated, A answers with current data', async () => {
    const reg = await registerOnA('state');
    const other = await loginOnA(reg.email); // a second session of the same identity
    const id = reg.identity.id;
    await warm({ token: reg.token }, id, 'before the deactivation');
    await warm({ token: other.token }, id, 'second session, before the deactivation');

    await adminPutOnB(id, { state: 'inactive' });
    await refusedOnA({ token: reg.token }, 'after B deactivated the identity');
    await refusedOnA({ token: other.token }, 'second session, after B deactivated the identity');
    // Still refused on a second ask (nothing cached a 200 in between), and by B itself.
    await refusedOnA({ token: reg.token }, 'again, identity still inactive');
    expectErrorEnvelope(await whoami(B, { token: reg.token }), 401);

    const back = await adminPutOnB(id, { state: 'active', traits: { email: reg.email, name: { first: 'Back' } } });
    assert.equal(back.state, 'active');
    for (const [what, token] of [['first session', reg.token], ['second session', other.token]]) {
      await seenOnA({ token }, id, `${what}, after B reactivated the identity`, (body) => {
        assert.equal(body.active, true);
        assert.equal(body.identity.state, 'active');
        assert.equal(body.identity.traits.name.first, 'Back');
        assert.equal(body.identity.updated_at, back.updated_at);
      });
    }
  });

  it('a session token revoked on B (API logout, DELETE /sessions/{id}, admin API) is refused by A on the next request', async () => {
    const reg = await registerOnA('revoke');
    const id = reg.identity.id;
    const s1 = await loginOnA(reg.email);
    const s2 = await loginOnA(reg.email);

    // 1. API logout on B.
    await warm({ token: s1.token }, id, 's1 before the API logout');
    const out = await B.frontendApi.performNativeLogout({ performNativeLogoutBody: { session_token: s1.token } });
    assert.equal(out.status, 204);
    await refusedOnA({ token: s1.token }, 's1 after the API logout on B');
    await refusedOnA({ token: s1.token }, 's1 asked again');

    // 2. DELETE /sessions/{id} on B, by another session of the identity.
    await warm({ token: s2.token }, id, 's2 before DELETE /sessions/{id}');
    const del = await rawRequest('DELETE', `${B.publicUrl}/sessions/${s2.session.id}`, {
      headers: { Accept: 'application/json', 'X-Session-Token': reg.token },
    });
    assert.equal(del.status, 204, describeBody(del));
    await refusedOnA({ token: s2.token }, 's2 after DELETE /sessions/{id} on B');

    // The registration session was not touched by either: still 200 on A.
    await warm({ token: reg.token }, id, 'registration session, before the admin revoke');

    // 3. Admin DELETE /admin/identities/{id}/sessions on B.
    const adminDel = await rawRequest('DELETE', `${B.adminUrl}/admin/identities/${id}/sessions`);
    assert.equal(adminDel.status, 204, describeBody(adminDel));
    await refusedOnA({ token: reg.token }, 'registration session after the admin revoke on B');
  });

  it('a browser session cookie revoked on B (browser logout, admin API) is refused by A on the next request', async () => {
    const reg = await registerOnA('cookie');
    const id = reg.identity.id;

    // 1. Browser logout on B with A's cookie.
    const browser = await browserLoginOnA(reg.email);
    const cookie = browser.cookieHeader();
    const cached = await warm({ cookie }, id, 'cookie before the browser logout');
    assert.equal(cached.identity.traits.email, reg.email);
    const onB = new Browser(B.publicUrl);
    onB.jar = new Map(browser.jar);
    const urlRes = await onB.get('/self-service/logout/browser', { json: true });
    assert.equal(urlRes.status, 200, urlRes.text);
    assert.ok(urlRes.json.logout_url.startsWith(`${B.publicUrl}/`), urlRes.json.logout_url);
    const out = await onB.get(urlRes.json.logout_url);
    assert.equal(out.status, 303, out.text);
    await refusedOnA({ cookie }, 'cookie after the browser logout on B');

    // 2. Admin revoke on B of a second browser session; the API session goes with it.
    const second = await browserLoginOnA(reg.email);
    const cookie2 = second.cookieHeader();
    await warm({ cookie: cookie2 }, id, 'second cookie before the admin revoke');
    await warm({ token: reg.token }, id, 'token before the admin revoke');
    const adminDel = await rawRequest('DELETE', `${B.adminUrl}/admin/identities/${id}/sessions`);
    assert.equal(adminDel.status, 204, describeBody(adminDel));
    await refusedOnA({ cookie: cookie2 }, 'second cookie after the admin revoke on B');
    await refusedOnA({ token: reg.token }, 'token after the admin revoke on B');
  });

  it('a settings profile submit on A: the session A keeps with the identity it wrote is what B loads, and the next submit on A builds on it', async () => {
    // A settings submit that writes only the identity row keeps the session with the identity it
    // wrote, under the identity's next revision, so that A's next request need not load it. What
    // A then answers must be exactly what a fresh load (B) gives.
    const reg = await registerOnA('kept');
    const creds = { token: reg.token };
    const id = reg.identity.id;
    await warm(creds, id, 'before the settings submits on A');
    const submitOnA = async (first, last) => {
      const { data: flow } = await A.frontendApi.createNativeSettingsFlow({ xSessionToken: reg.token });
      const { data: done } = await A.frontendApi.updateSettingsFlow({
        flow: flow.id,
        xSessionToken: reg.token,
        updateSettingsFlowBody: { method: 'profile', traits: { email: reg.email, name: { first, last } } },
      });
      assert.equal(done.state, 'success');
      return { flow, done };
    };
    const one = await submitOnA('Kept', 'One');
    const afterOne = await seenOnA(creds, id, 'after the first settings submit on A', (body) => {
      assert.deepEqual(body.identity.traits, { email: reg.email, name: { first: 'Kept', last: 'One' } });
      assert.equal(body.identity.updated_at, one.done.identity.updated_at);
    });
    // The next init on A shows the identity as written, and its submit passes the optimistic check
    // against the kept copy's stored updated_at (a stale one would be a 409).
    const two = await submitOnA('Kept', 'Two');
    assert.deepEqual(two.flow.identity.traits.name, { first: 'Kept', last: 'One' }, 'the second init shows the first change');
    assert.equal(two.flow.identity.updated_at, afterOne.identity.updated_at);
    await seenOnA(creds, id, 'after the second settings submit on A', (body) => {
      assert.deepEqual(body.identity.traits.name, { first: 'Kept', last: 'Two' });
    });
    // A write elsewhere after that is seen at once: the kept copy is not served under it.
    await adminPutOnB(id, { traits: { email: reg.email, name: { first: 'Admin', last: 'OnB' } } });
    await seenOnA(creds, id, 'after an admin PUT on B', (body) => {
      assert.deepEqual(body.identity.traits.name, { first: 'Admin', last: 'OnB' });
    });
  });

  it('a settings flow fetched on A (cached) shows a submit on B, a trait change on B and a revocation on B at once', async () => {
    const reg = await registerOnA('fetch');
    const id = reg.identity.id;
    const fetchFlow = (server, flowId) => rawRequest('GET', `${server.publicUrl}/self-service/settings/flows?id=${flowId}`, {
      headers: { Accept: 'application/json', 'X-Session-Token': reg.token },
    });
    const { data: flow } = await A.frontendApi.createNativeSettingsFlow({ xSessionToken: reg.token });
    const warmFetch = async (what) => {
      const first = await fetchFlow(A, flow.id);
      assert.equal(first.status, 200, `${what}: ${describeBody(first)}`);
      for (let i = 2; i <= 3; i++) {
        const again = await fetchFlow(A, flow.id);
        assert.equal(again.text, first.text, `${what}: fetch #${i} on A (cached) is byte-identical to the first`);
      }
      return first.json;
    };
    const seenInFetchOnA = async (what, check) => {
      const onA = await fetchFlow(A, flow.id);
      assert.equal(onA.status, 200, `${what}: ${describeBody(onA)}`);
      check(onA.json);
      // B's fresh fetch shows the same flow; only identity.schema_url names the answering
      // instance (the stored ui.action names the instance that last wrote the flow, on both).
      const onB = await fetchFlow(B, flow.id);
      const bare = (f) => ({ ...f, identity: { ...f.identity, schema_url: undefined } });
      assert.deepEqual(bare(onA.json), bare(onB.json), `${what}: A's fetch shows what B's fresh fetch shows`);
    };

    const before = await warmFetch('before the submit');
    assert.equal(before.state, 'show_form');
    assert.equal(before.identity.traits.name.first, 'Ada');
    // 1. The flow itself changes: a profile submit on B.
    const { data: done } = await B.frontendApi.updateSettingsFlow({
      flow: flow.id,
      xSessionToken: reg.token,
      updateSettingsFlowBody: { method: 'profile', traits: { email: reg.email, name: { first: 'Fetched', last: 'OnB' } } },
    });
    assert.equal(done.state, 'success');
    await seenInFetchOnA('after the submit on B', (f) => {
      assert.equal(f.state, 'success');
      assert.equal(f.identity.traits.name.first, 'Fetched');
    });
    // 2. Only the identity changes: an admin PUT on B.
    await warmFetch('before the admin PUT');
    await adminPutOnB(id, { traits: { email: reg.email, name: { first: 'Admin', last: 'Put' } } });
    await seenInFetchOnA('after the admin PUT on B', (f) => assert.equal(f.identity.traits.name.first, 'Admin'));
    // 3. Only the session changes: revoked by an API logout on B.
    await warmFetch('before the logout');
    const logout = await rawRequest('DELETE', `${B.publicUrl}/self-service/logout/api`, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ session_token: reg.token }),
    });
    assert.equal(logout.status, 204, describeBody(logout));
    const refused = await fetchFlow(A, flow.id);
    assert.equal(refused.status, 401, `A's next fetch after the logout on B: ${describeBody(refused)}`);
    expectErrorEnvelope(refused, 401);
  });

  it('a token with bytes no issued token has names no session: 401 on whoami, settings fetch and init, 403 on API logout', async () => {
    // Bytes outside visible ASCII (obs-text 0xff 0xfe is valid in an HTTP header, and not UTF-8)
    // or a space: the same answers as for a well-formed token nobody was issued, on either
    // backend (PostgreSQL used to refuse the non-UTF-8 lookup with a 400).
    const reg = await registerOnA('oddtoken');
    const { data: flow } = await A.frontendApi.createNativeSettingsFlow({ xSessionToken: reg.token });
    const unknown = 'ory_st_neverissuedneverissuedneverissu';
    for (const server of [A, B]) {
      for (const token of ['ory_st_\u00ff\u00fe', 'ory_st_a b', unknown]) {
        const what = `${JSON.stringify(token)} on ${server === A ? 'A' : 'B'}`;
        const headers = { Accept: 'application/json', 'X-Session-Token': token };
        for (const path of ['/sessions/whoami', `/self-service/settings/flows?id=${flow.id}`, '/self-service/settings/api']) {
          const res = await rawRequest('GET', `${server.publicUrl}${path}`, { headers });
          assert.equal(res.status, 401, `${what} ${path}: ${describeBody(res)}`);
          expectErrorEnvelope(res, 401);
        }
      }
      for (const token of ['ory_st_\u00ff\u00fe', 'ory_st_a b', unknown]) {
        const res = await rawRequest('DELETE', `${server.publicUrl}/self-service/logout/api`, {
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ session_token: token }),
        });
        assert.equal(res.status, 403, `logout ${JSON.stringify(token)}: ${describeBody(res)}`);
        expectErrorEnvelope(res, 403);
      }
    }
    // The real token still works after all that.
    expectOk(await whoami(A, { token: reg.token }), reg.identity.id, 'the issued token');
  });
});

async function courierMessages(server, recipient) {
  const res = await rawRequest('GET', `${server.adminUrl}/admin/courier/messages?recipient=${encodeURIComponent(recipient)}`, {
    headers: { Accept: 'application/json' },
  });
  assert.equal(res.status, 200, describeBody(res));
  return res.json;
}

async function courierIds(server, recipient) {
  return new Set((await courierMessages(server, recipient)).map((m) => m.id));
}
