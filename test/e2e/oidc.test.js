// Social sign-in (selfservice.methods.oidc, provider `generic`) against a real OpenID provider:
// node-oidc-provider (lib/oidc-provider.js) on 127.0.0.1, whose interactions log in as the
// subject the test chose and grant everything asked for. People use Bia's built-in pages in
// headless Chromium, driven by playwright-core (sign in / sign up with the provider's button,
// link and unlink in settings); the rest is plain HTTP: the JSON answer to an oidc submission
// (422 with the provider URL), API flows, the admin view of the credential (tokens decrypted only
// on request), and callbacks that must never sign anyone in (tampered state, another browser, an
// error from the provider).
//
// Bia's public URL is http://localhost:<port> while the provider is http://127.0.0.1:<port>: two
// sites, as in real life, so the callback is a cross-site top-level navigation and the two cookie
// jars stay apart. Screenshots go to test/e2e/artifacts/ (oidc-*.png, and oidc-FAIL-*.png for
// the page a failing test ended on).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import { launchChromium, requireChromium } from './lib/chromium.js';
import { decodeJwt, pkcePair, startOidcProvider, verifyJwt } from './lib/oidc-provider.js';
import { E2E_DIR, startBia, uniqueEmail } from './lib/server.js';

const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const PASSWORD = 'correct horse battery staple 42';
const CLIENT_SECRET = crypto.randomBytes(24).toString('hex');
const CIPHER_SECRET = 'oidc-e2e-cipher-secret-32-chars!';
const MAPPER = "local claims = std.extVar('claims'); { identity: { traits: { email: claims.email } } }";
const SESSION_COOKIE = 'ory_kratos_session';

assert.equal(CIPHER_SECRET.length, 32);

/** A subject nobody used yet, with its claims. */
function newSubject(prefix) {
  const sub = `${prefix}-${crypto.randomBytes(6).toString('hex')}`;
  return { sub, claims: { email: uniqueEmail(`oidc-${prefix}`), email_verified: true, name: `Person ${sub}` } };
}

/** Every message of a flow (ui.messages and the nodes' messages). */
function flowMessages(flow) {
  return [...(flow?.ui?.messages ?? []), ...(flow?.ui?.nodes ?? []).flatMap((n) => n.messages ?? [])];
}

function findNode(flow, group, name, value) {
  return (flow?.ui?.nodes ?? []).find((n) => n.group === group && n.attributes?.name === name
    && (value === undefined || n.attributes?.value === value));
}

function nodeSummary(flow) {
  return JSON.stringify((flow?.ui?.nodes ?? []).map((n) => `${n.group}:${n.attributes?.name}=${n.attributes?.value ?? ''}`));
}

// One provider for the whole file.
let op;
before(async () => {
  op = await startOidcProvider();
});
after(async () => {
  await op?.close();
});

describe('the loopback OpenID provider (harness self-test, no Bia)', { timeout: 30_000 }, () => {
  const redirectUri = 'http://127.0.0.1:9/harness-callback';
  let discovery;

  before(async () => {
    await op.addClient({ client_id: 'harness-rp', client_secret: 'harness-secret', redirect_uris: [redirectUri] });
    await op.addClient({
      client_id: 'harness-rp-es256', client_secret: 'harness-secret', redirect_uris: [redirectUri], id_token_signed_response_alg: 'ES256',
    });
  });

  /** Runs the authorization request through the provider; resolves the redirect to the client. */
  async function authorize(params, jar = new Browser(op.issuer)) {
    let url = `${discovery.authorization_endpoint}?${new URLSearchParams(params)}`;
    for (let hop = 0; hop < 10; hop++) {
      const res = await jar.get(url);
      assert.equal(res.status, 303, `${url} answered ${res.status}: ${res.text.slice(0, 500)}`);
      url = new URL(res.headers.location, url).toString();
      if (url.startsWith(redirectUri)) return new URL(url);
    }
    throw new Error('too many redirects at the provider');
  }

  async function token(clientId, body) {
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:harness-secret`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(body),
    });
    return { status: res.status, body: await res.json() };
  }

  it('publishes discovery with PKCE S256, RS256 and ES256, and both keys', async () => {
    const res = await fetch(op.discoveryUrl);
    assert.equal(res.status, 200);
    discovery = await res.json();
    assert.equal(discovery.issuer, op.issuer);
    assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(discovery.code_challenge_methods_supported.includes('S256'), JSON.stringify(discovery.code_challenge_methods_supported));
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('ES256'));
    assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.deepEqual(discovery.response_types_supported, ['code']);
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    assert.deepEqual(jwks.keys.map((k) => `${k.kty}/${k.alg}`).sort(), ['EC/ES256', 'RSA/RS256']);
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'no private parts published');
  });

  it('runs the code flow with PKCE for the chosen subject: ID token with email, email_verified and name', async () => {
    const { sub, claims } = newSubject('harness');
    op.setNextSubject(sub, claims);
    for (const [clientId, alg] of [['harness-rp', 'RS256'], ['harness-rp-es256', 'ES256']]) {
      const { verifier, challenge } = pkcePair();
      const back = await authorize({
        client_id: clientId, response_type: 'code', scope: 'openid email profile', redirect_uri: redirectUri,
        state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256',
      });
      assert.equal(back.searchParams.get('state'), 'st-1');
      const code = back.searchParams.get('code');
      assert.ok(code, back.toString());
      const t = await token(clientId, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.equal(decodeJwt(t.body.id_token).header.alg, alg);
      const idt = verifyJwt(t.body.id_token, op.jwks);
      assert.equal(idt.iss, op.issuer);
      assert.equal(idt.aud, clientId);
      assert.equal(idt.sub, sub);
      assert.equal(idt.nonce, 'n-1');
      assert.equal(idt.email, claims.email);
      assert.equal(idt.email_verified, true);
      assert.equal(idt.name, claims.name);
      assert.ok(t.body.access_token);
    }
    const tokenReq = op.requests.filter((r) => r.route === 'token');
    assert.ok(tokenReq.length >= 2 && tokenReq.every((r) => r.clientAuth === 'basic'));
  });

  it('requires PKCE, rejects a wrong verifier, and logs in whoever is chosen next', async () => {
    const bare = await authorize({ client_id: 'harness-rp', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, state: 's' });
    assert.equal(bare.searchParams.get('error'), 'invalid_request', bare.toString());

    const { verifier, challenge } = pkcePair();
    const first = newSubject('first');
    op.setNextSubject(first.sub, first.claims);
    const back = await authorize({
      client_id: 'harness-rp', response_type: 'code', scope: 'openid email', redirect_uri: redirectUri, state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const wrong = await token('harness-rp', { grant_type: 'authorization_code', code: back.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: `${verifier}x` });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');

    const loginsBefore = op.logins.length;
    const second = newSubject('second');
    op.setNextSubject(second.sub, second.claims);
    const p2 = pkcePair();
    const back2 = await authorize({
      client_id: 'harness-rp', response_type: 'code', scope: 'openid email', redirect_uri: redirectUri, state: 's', code_challenge: p2.challenge, code_challenge_method: 'S256',
    });
    const t2 = await token('harness-rp', { grant_type: 'authorization_code', code: back2.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: p2.verifier });
    assert.equal(verifyJwt(t2.body.id_token, op.jwks).sub, second.sub);
    assert.equal(op.logins.length, loginsBefore + 1);

    // One browser at the provider: its session follows the chosen subject; same subject, no login.
    const jar = new Browser(op.issuer);
    const subOf = async () => {
      const p = pkcePair();
      const r = await authorize({
        client_id: 'harness-rp', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, state: 's', code_challenge: p.challenge, code_challenge_method: 'S256',
      }, jar);
      const t = await token('harness-rp', { grant_type: 'authorization_code', code: r.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: p.verifier });
      return verifyJwt(t.body.id_token, op.jwks).sub;
    };
    const n = op.logins.length;
    assert.equal(await subOf(), second.sub);
    op.setNextSubject(first.sub);
    assert.equal(await subOf(), first.sub);
    assert.equal(await subOf(), first.sub);
    assert.equal(op.logins.length, n + 2, 'a login for each subject switch, single sign-on otherwise');

    op.denyNext('access_denied');
    const p3 = pkcePair();
    const denied = await authorize({
      client_id: 'harness-rp', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, state: 's3', code_challenge: p3.challenge, code_challenge_method: 'S256',
    });
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.equal(denied.searchParams.get('state'), 's3');
  });
});

describe('the loopback OpenID provider in Chromium (harness self-test, a tiny relying party)', { timeout: 30_000 }, () => {
  let rp;
  let rpBase;
  let chrome;
  const pending = new Map(); // state → PKCE verifier

  before(async () => {
    requireChromium();
    rp = http.createServer(async (req, res) => {
      const url = new URL(req.url, rpBase);
      const discovery = await (await fetch(op.discoveryUrl)).json();
      if (url.pathname === '/start') {
        const { verifier, challenge } = pkcePair();
        const state = crypto.randomBytes(8).toString('hex');
        pending.set(state, verifier);
        const q = new URLSearchParams({
          client_id: 'harness-browser-rp', response_type: 'code', scope: 'openid email profile', redirect_uri: `${rpBase}/cb`,
          state, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
        });
        res.writeHead(303, { Location: `${discovery.authorization_endpoint}?${q}` }).end();
        return;
      }
      const verifier = pending.get(url.searchParams.get('state'));
      const t = await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from('harness-browser-rp:harness-secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${rpBase}/cb`, code_verifier: verifier ?? '' }),
      });
      const body = await t.json();
      res.writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<p id="sub">${body.id_token ? verifyJwt(body.id_token, op.jwks).sub : `error ${body.error}`}</p>`);
    });
    await new Promise((resolve) => rp.listen(0, '127.0.0.1', resolve));
    rpBase = `http://localhost:${rp.address().port}`; // another site than the provider
    await op.addClient({ client_id: 'harness-browser-rp', client_secret: 'harness-secret', redirect_uris: [`${rpBase}/cb`] });
    chrome = await launchChromium();
  });
  after(async () => {
    await chrome?.close();
    rp?.closeAllConnections();
    await new Promise((resolve) => (rp ? rp.close(resolve) : resolve()));
  });

  it('signs a browser in with plain redirects, switching subjects within one provider session', async () => {
    const context = await chrome.newContext();
    const page = await context.newPage();
    try {
      const one = newSubject('browser-one');
      const two = newSubject('browser-two');
      const signIn = async () => {
        await page.goto(`${rpBase}/start`, { waitUntil: 'load' });
        assert.ok(page.url().startsWith(`${rpBase}/cb?`), page.url());
        return page.textContent('#sub');
      };
      op.setNextSubject(one.sub, one.claims);
      assert.equal(await signIn(), one.sub);
      const logins = op.logins.length;
      assert.equal(await signIn(), one.sub);
      assert.equal(op.logins.length, logins, 'single sign-on');
      op.setNextSubject(two.sub, two.claims);
      assert.equal(await signIn(), two.sub);
      assert.equal(op.logins.length, logins + 1);
    } finally {
      await context.close();
    }
  });
});

describe('social sign-in with a generic OpenID provider (built-in UI, Chromium)', { timeout: 120_000 }, () => {
  let bia;
  let pub;       // http://localhost:<port>, Bia's public base URL (what the browser sees)
  let callback;  // <pub>/self-service/methods/oidc/callback/loopback
  let chrome;

  before(async () => {
    requireChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    const mapperUrl = `base64://${Buffer.from(MAPPER).toString('base64')}`;
    const provider = (id, label, clientId) => ({
      id,
      provider: 'generic',
      label,
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      issuer_url: op.issuer,
      scope: ['openid', 'email', 'profile'],
      mapper_url: mapperUrl,
    });
    bia = await startBia({
      config: {
        ciphers: { algorithm: 'xchacha20-poly1305' },
        secrets: { cipher: [CIPHER_SECRET] },
        selfservice: {
          builtin_ui: { enabled: true },
          // Let the built-in UI choose every page and return URL.
          default_browser_return_url: undefined,
          methods: {
            oidc: {
              enabled: true,
              config: { providers: [provider('loopback', 'Loopback ID', 'bia-e2e'), provider('loopback-es256', 'Loopback ES256', 'bia-e2e-es256')] },
            },
          },
          flows: {
            login: { ui_url: undefined },
            registration: {
              ui_url: undefined,
              after: { oidc: { hooks: [{ hook: 'session' }] } },
            },
            settings: { ui_url: undefined },
            error: { ui_url: undefined },
            verification: { enabled: true, ui_url: undefined },
            recovery: { enabled: true, ui_url: undefined },
            logout: undefined,
          },
        },
      },
      mutateConfig: (cfg, ctx) => {
        const base = `http://localhost:${ctx.publicPort}`;
        cfg.serve.public.base_url = `${base}/`;
        cfg.selfservice.allowed_return_urls = [`${base}/`];
        return cfg;
      },
    });
    pub = `http://localhost:${bia.publicPort}`;
    callback = `${pub}/self-service/methods/oidc/callback/loopback`;
    await op.addClient({ client_id: 'bia-e2e', client_secret: CLIENT_SECRET, redirect_uris: [callback] });
    await op.addClient({
      client_id: 'bia-e2e-es256', client_secret: CLIENT_SECRET, redirect_uris: [`${pub}/self-service/methods/oidc/callback/loopback-es256`], id_token_signed_response_alg: 'ES256',
    });
    chrome = await launchChromium();
  });
  after(async () => {
    await chrome?.close();
    await bia?.close();
  });

  // -------------------------------------------------------------------------
  // Helpers

  let shot = 0;
  const snapPage = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `oidc-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });

  /** A fresh browser context (no cookies at Bia or the provider) and page; screenshots on failure. */
  async function withPerson(name, fn) {
    const context = await chrome.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.setDefaultNavigationTimeout(15_000);
    try {
      await fn(page);
    } catch (err) {
      await page.screenshot({ path: path.join(ARTIFACTS, `oidc-FAIL-${name}.png`), fullPage: true }).catch(() => {});
      err.message += `\n(page: ${page.url()})\n${bia.diagnostics().slice(-3000)}`;
      throw err;
    } finally {
      await context.close();
    }
  }

  /** JSON from Bia's public API with the page's cookies (the page must be on Bia's origin). */
  const pageJson = (page, url) => page.evaluate(async (u) => {
    const res = await fetch(u, { headers: { Accept: 'application/json' }, credentials: 'include' });
    let body;
    try { body = await res.json(); } catch { body = undefined; }
    return { status: res.status, body };
  }, url);

  const whoami = (page) => pageJson(page, '/sessions/whoami');

  /** The flow the page shows (?flow=<id>), as JSON. */
  async function shownFlow(page, kind) {
    const id = new URL(page.url()).searchParams.get('flow');
    assert.ok(id, `a ${kind} flow page: ${page.url()}`);
    const res = await pageJson(page, `/self-service/${kind}/flows?id=${id}`);
    assert.equal(res.status, 200, `GET ${kind} flow: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * Clicks a provider button (a submit button of the oidc form) and waits for the page the
   * redirects end on. Fails fast when the browser would not submit the form (a required field
   * of another method copied into the oidc form, without formnovalidate).
   */
  async function clickProvider(page, name, value) {
    const selector = `form[data-group="oidc"] button[name="${name}"][value="${value}"]`;
    const button = await page.$(selector);
    assert.ok(button, `no ${selector} on ${page.url()}: ${(await page.$eval('main', (e) => e.innerHTML)).slice(0, 2000)}`);
    const submittable = await page.$eval(selector, (b) => b.formNoValidate || b.form.checkValidity());
    assert.ok(submittable, `the browser would not submit ${selector}: its form has an empty required field (formnovalidate missing?)`);
    await Promise.all([page.waitForEvent('load'), page.click(selector)]);
  }

  async function adminIdentity(id, includeCredential) {
    const q = includeCredential ? `?include_credential=${includeCredential}` : '';
    const res = await fetch(`${bia.adminUrl}/admin/identities/${id}${q}`, { headers: { Accept: 'application/json' } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { body: JSON.parse(text), text };
  }

  async function identitiesWithEmail(email) {
    const res = await fetch(`${bia.adminUrl}/admin/identities?per_page=1000`, { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200);
    return (await res.json()).filter((i) => i.traits?.email === email);
  }

  /** Signs up with a password in the built-in UI (fresh session, so settings are privileged). */
  async function registerWithPassword(page, email) {
    await page.goto(`${pub}/ui/registration`, { waitUntil: 'load' });
    await page.fill('form[data-group="password"] input[name="traits.email"]', email);
    await page.fill('form[data-group="password"] input[name="password"]', PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.click('form[data-group="password"] button[name="method"][value="password"]')]);
    const who = await whoami(page);
    assert.equal(who.status, 200, `signed up with a password: ${JSON.stringify(who.body)}`);
    return who.body.identity;
  }

  async function signInWithProvider(page, kind, providerId = 'loopback') {
    await page.goto(`${pub}/ui/${kind}`, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${pub}/ui/${kind}?flow=`), page.url());
    const flow = await shownFlow(page, kind);
    const node = findNode(flow, 'oidc', 'provider', providerId);
    assert.ok(node, `the ${kind} flow offers provider ${providerId}: ${nodeSummary(flow)}`);
    assert.equal(node.type, 'input');
    assert.equal(node.attributes.type, 'submit');
    await clickProvider(page, 'provider', providerId);
    assert.equal(page.url(), `${pub}/ui/welcome`, 'back at Bia, on the default return page');
    const who = await whoami(page);
    assert.equal(who.status, 200, `signed in: ${JSON.stringify(who.body)}`);
    return who.body;
  }

  // Browser-less login attempts: the JSON answer to an oidc submission, then the provider.
  async function jsonLoginAttempt(jar, providerId = 'loopback') {
    const init = await jar.get('/self-service/login/browser', { json: true });
    assert.equal(init.status, 200, init.text);
    const flow = init.json;
    const csrf = findNode(flow, 'default', 'csrf_token')?.attributes.value;
    assert.ok(csrf, 'csrf_token node');
    const res = await jar.post(`/self-service/login?flow=${flow.id}`, { json: true, body: { method: 'oidc', provider: providerId, csrf_token: csrf } });
    return { flow, res };
  }

  /** Follows the provider's redirects (its own cookie jar) until it sends the browser back to Bia. */
  async function throughProvider(url) {
    const jar = new Browser(op.issuer);
    for (let hop = 0; hop < 10; hop++) {
      const res = await jar.get(url);
      assert.equal(res.status, 303, `${url}: ${res.status} ${res.text.slice(0, 300)}`);
      url = new URL(res.headers.location, url).toString();
      if (url.startsWith(pub)) return url;
    }
    throw new Error('too many redirects at the provider');
  }

  const sessionCookieSet = (res) => setCookies(res).some((c) => c.name === SESSION_COOKIE && c.value && c.attrs['max-age'] !== '0');

  // -------------------------------------------------------------------------

  let alice; // { sub, claims, identityId } — registered through the login page in the first test

  it('login page: the provider button registers a new subject and signs it in (oidc credential, AMR)', async () => {
    alice = newSubject('alice');
    op.setNextSubject(alice.sub, alice.claims);
    const requestsBefore = op.requests.length;
    await withPerson('login-new', async (page) => {
      await page.goto(`${pub}/ui/login`, { waitUntil: 'load' });
      await snapPage(page, 'login');
      const flow = await shownFlow(page, 'login');
      const node = findNode(flow, 'oidc', 'provider', 'loopback');
      assert.ok(node, `oidc node: ${nodeSummary(flow)}`);
      assert.equal(node.type, 'input');
      assert.equal(node.attributes.type, 'submit');
      assert.match(node.meta?.label?.text ?? '', /Loopback ID/, 'labelled with the provider label');
      assert.ok(findNode(flow, 'oidc', 'provider', 'loopback-es256'), 'the second provider too');

      await clickProvider(page, 'provider', 'loopback');
      assert.equal(page.url(), `${pub}/ui/welcome`);
      await snapPage(page, 'login-signed-in');
      const who = await whoami(page);
      assert.equal(who.status, 200, JSON.stringify(who.body));
      const { identity } = who.body;
      assert.equal(identity.traits.email, alice.claims.email, 'traits from the mapper');
      const amr = who.body.authentication_methods ?? [];
      const viaOidc = amr.find((m) => m.method === 'oidc');
      assert.ok(viaOidc, `authentication_methods: ${JSON.stringify(amr)}`);
      assert.equal(viaOidc.provider, 'loopback');
      assert.equal(viaOidc.aal, 'aal1');
      alice.identityId = identity.id;
    });

    const { body: identity } = await adminIdentity(alice.identityId);
    assert.equal(identity.credentials?.oidc?.type, 'oidc', JSON.stringify(identity.credentials));
    assert.deepEqual(identity.credentials.oidc.identifiers, [`loopback:${alice.sub}`]);
    assert.equal(identity.credentials.password, undefined, 'no password credential');
    assert.equal((await identitiesWithEmail(alice.claims.email)).length, 1);

    // What Bia asked the provider for: the code flow with PKCE S256, secret by HTTP Basic.
    const served = op.requests.slice(requestsBefore);
    const auth = served.find((r) => r.route === 'authorization');
    assert.ok(auth, `authorization request: ${JSON.stringify(served.map((r) => r.route))}`);
    assert.equal(auth.params.client_id, 'bia-e2e');
    assert.equal(auth.params.redirect_uri, callback);
    assert.equal(auth.params.response_type, 'code');
    assert.equal(auth.params.code_challenge_method, 'S256');
    assert.deepEqual(auth.params.scope.split(' ').sort(), ['email', 'openid', 'profile']);
    assert.ok(auth.params.nonce, 'a nonce');
    const tok = served.find((r) => r.route === 'token');
    assert.ok(tok, 'the code was exchanged');
    assert.equal(tok.status, 200);
    assert.equal(tok.clientAuth, 'basic');
    assert.ok(tok.params.code_verifier, 'with the PKCE verifier');
  });

  it('signing in again with the same subject signs in the same identity (also via the provider session)', async () => {
    assert.ok(alice?.identityId, 'needs the first test');
    op.setNextSubject(alice.sub);
    await withPerson('login-again', async (page) => {
      const who = await signInWithProvider(page, 'login');
      assert.equal(who.identity.id, alice.identityId);

      // Sign out at Bia only; the provider remembers the person and answers without a login.
      const logout = await pageJson(page, '/self-service/logout/browser');
      assert.equal(logout.status, 200, JSON.stringify(logout.body));
      await page.goto(logout.body.logout_url, { waitUntil: 'load' });
      assert.equal((await whoami(page)).status, 401, 'signed out');
      const loginsBefore = op.logins.length;
      const again = await signInWithProvider(page, 'login');
      assert.equal(again.identity.id, alice.identityId);
      assert.equal(op.logins.length, loginsBefore, 'single sign-on at the provider, no new login there');
    });
    assert.equal((await identitiesWithEmail(alice.claims.email)).length, 1, 'no second identity');
  });

  it('registration page: a new subject registers and is signed in; a known one signs in', async () => {
    const bob = newSubject('bob');
    op.setNextSubject(bob.sub, bob.claims);
    let bobId;
    await withPerson('registration-new', async (page) => {
      await page.goto(`${pub}/ui/registration`, { waitUntil: 'load' });
      await snapPage(page, 'registration');
      const flow = await shownFlow(page, 'registration');
      const node = findNode(flow, 'oidc', 'provider', 'loopback');
      assert.ok(node, `oidc node: ${nodeSummary(flow)}`);
      assert.match(node.meta?.label?.text ?? '', /Loopback ID/);
      await clickProvider(page, 'provider', 'loopback');
      assert.equal(page.url(), `${pub}/ui/welcome`);
      const who = await whoami(page);
      assert.equal(who.status, 200, JSON.stringify(who.body));
      assert.equal(who.body.identity.traits.email, bob.claims.email);
      assert.ok((who.body.authentication_methods ?? []).some((m) => m.method === 'oidc'), JSON.stringify(who.body.authentication_methods));
      bobId = who.body.identity.id;
    });
    const { body: identity } = await adminIdentity(bobId);
    assert.deepEqual(identity.credentials?.oidc?.identifiers, [`loopback:${bob.sub}`]);

    await withPerson('registration-known', async (page) => {
      const who = await signInWithProvider(page, 'registration');
      assert.equal(who.identity.id, bobId, 'the existing identity');
      await snapPage(page, 'registration-known-signed-in');
    });
    assert.equal((await identitiesWithEmail(bob.claims.email)).length, 1, 'no second identity');
  });

  it('an ES256-signing provider works as well', async () => {
    const erin = newSubject('erin');
    op.setNextSubject(erin.sub, erin.claims);
    await withPerson('login-es256', async (page) => {
      const who = await signInWithProvider(page, 'login', 'loopback-es256');
      assert.equal(who.identity.traits.email, erin.claims.email);
      const { body: identity } = await adminIdentity(who.identity.id, 'oidc');
      assert.deepEqual(identity.credentials?.oidc?.identifiers, [`loopback-es256:${erin.sub}`]);
      const idt = identity.credentials.oidc.config?.providers?.[0]?.initial_id_token;
      assert.ok(idt, JSON.stringify(identity.credentials.oidc));
      assert.equal(decodeJwt(idt).header.alg, 'ES256');
    });
  });

  it('admin API: tokens only with include_credential=oidc, decrypted (the ID token the provider signed)', async () => {
    assert.ok(alice?.identityId, 'needs the first test');
    const plain = await adminIdentity(alice.identityId);
    const withCred = await adminIdentity(alice.identityId, 'oidc');
    const providers = withCred.body.credentials?.oidc?.config?.providers;
    assert.ok(Array.isArray(providers) && providers.length === 1, JSON.stringify(withCred.body.credentials));
    const [p] = providers;
    assert.equal(p.provider, 'loopback');
    assert.equal(p.subject, alice.sub);
    assert.equal(String(p.initial_id_token).split('.').length, 3, `a JWT: ${p.initial_id_token}`);
    const claims = verifyJwt(p.initial_id_token, op.jwks);
    assert.equal(claims.sub, alice.sub);
    assert.equal(claims.aud, 'bia-e2e');
    assert.equal(claims.iss, op.issuer);
    assert.ok(p.initial_access_token, 'the access token too');

    for (const token of [p.initial_id_token, p.initial_access_token]) {
      assert.ok(!plain.text.includes(token), 'no token without include_credential');
    }
    const plainProviders = plain.body.credentials?.oidc?.config?.providers ?? [];
    assert.ok(plainProviders.every((x) => !x.initial_id_token && !x.initial_access_token), JSON.stringify(plain.body.credentials.oidc));
    assert.deepEqual(plain.body.credentials.oidc.identifiers, [`loopback:${alice.sub}`]);
  });

  it('JSON clients get 422 browser_location_change_required with the authorization URL; API flows get 400', async () => {
    const carol = newSubject('carol');
    op.setNextSubject(carol.sub, carol.claims);
    const jar = new Browser(bia.publicUrl);
    const { res } = await jsonLoginAttempt(jar);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.json?.error?.id, 'browser_location_change_required', res.text);
    const to = new URL(res.json.redirect_browser_to);
    const discovery = await (await fetch(op.discoveryUrl)).json();
    assert.equal(`${to.origin}${to.pathname}`, discovery.authorization_endpoint);
    const q = to.searchParams;
    assert.equal(q.get('client_id'), 'bia-e2e');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('redirect_uri'), callback);
    assert.ok(q.get('state'), 'state');
    assert.ok(q.get('nonce'), 'nonce');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/, 'an S256 challenge');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('scope').split(' ').includes('openid'));

    // The browser goes there and comes back: signed in (the cookie jar stands in for it).
    const back = await throughProvider(res.json.redirect_browser_to);
    assert.ok(back.startsWith(`${callback}?`), back);
    const cb = await jar.get(back);
    assert.equal(cb.status, 303, cb.text);
    assert.ok(sessionCookieSet(cb), 'a session cookie');
    const who = await jar.get('/sessions/whoami', { json: true });
    assert.equal(who.status, 200, who.text);
    assert.equal(who.json.identity.traits.email, carol.claims.email);

    // API flows: social sign-in needs a browser.
    const api = await fetch(`${bia.publicUrl}/self-service/login/api`, { headers: { Accept: 'application/json' } });
    const apiFlow = await api.json();
    const sub = await fetch(`${bia.publicUrl}/self-service/login?flow=${apiFlow.id}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'oidc', provider: 'loopback' }),
    });
    const body = await sub.json();
    assert.equal(sub.status, 400, JSON.stringify(body));
    assert.equal(body.id, apiFlow.id, `the flow comes back: ${JSON.stringify(body)}`);
    assert.ok(flowMessages(body).some((m) => m.type === 'error'), `with an error message: ${JSON.stringify(body.ui)}`);
  });

  it('settings: link the provider (fresh session), then unlink it', async () => {
    const dave = newSubject('dave');
    await withPerson('settings-link', async (page) => {
      const email = uniqueEmail('oidc-settings');
      const identity = await registerWithPassword(page, email);

      await page.goto(`${pub}/ui/settings`, { waitUntil: 'load' });
      await snapPage(page, 'settings');
      let flow = await shownFlow(page, 'settings');
      const link = findNode(flow, 'oidc', 'link', 'loopback');
      assert.ok(link, `link node: ${nodeSummary(flow)}`);
      assert.equal(link.attributes.type, 'submit');
      assert.equal(findNode(flow, 'oidc', 'unlink'), undefined, 'nothing to unlink yet');

      op.setNextSubject(dave.sub, dave.claims);
      await clickProvider(page, 'link', 'loopback');
      assert.ok(page.url().startsWith(`${pub}/ui/settings?flow=`), page.url());
      await snapPage(page, 'settings-linked');
      flow = await shownFlow(page, 'settings');
      assert.equal(flow.state, 'success', `settings flow state: ${JSON.stringify(flowMessages(flow))}`);
      let admin = (await adminIdentity(identity.id)).body;
      assert.deepEqual(admin.credentials?.oidc?.identifiers, [`loopback:${dave.sub}`]);
      assert.ok(admin.credentials.password, 'the password stays');
      assert.equal(admin.traits.email, email, 'linking does not change traits');

      // Password + oidc are two first factors: unlinking is offered.
      await page.goto(`${pub}/ui/settings`, { waitUntil: 'load' });
      flow = await shownFlow(page, 'settings');
      const unlink = findNode(flow, 'oidc', 'unlink', 'loopback');
      assert.ok(unlink, `unlink node: ${nodeSummary(flow)}`);
      assert.equal(findNode(flow, 'oidc', 'link', 'loopback'), undefined, 'no second link of the same provider');
      await snapPage(page, 'settings-unlink');
      await clickProvider(page, 'unlink', 'loopback');
      assert.ok(page.url().startsWith(`${pub}/ui/settings?flow=`), page.url());
      flow = await shownFlow(page, 'settings');
      assert.equal(flow.state, 'success', JSON.stringify(flowMessages(flow)));
      admin = (await adminIdentity(identity.id)).body;
      assert.ok(!(admin.credentials?.oidc?.identifiers ?? []).includes(`loopback:${dave.sub}`), JSON.stringify(admin.credentials));
      assert.ok(findNode(flow, 'oidc', 'link', 'loopback'), 'linkable again');
    });
  });

  it('settings: a subject already linked to another identity is refused (4000027)', async () => {
    assert.ok(alice?.identityId, 'needs the first test');
    await withPerson('settings-link-taken', async (page) => {
      const identity = await registerWithPassword(page, uniqueEmail('oidc-taken'));
      await page.goto(`${pub}/ui/settings`, { waitUntil: 'load' });
      op.setNextSubject(alice.sub); // already Alice's identity's
      await clickProvider(page, 'link', 'loopback');
      assert.ok(page.url().startsWith(`${pub}/ui/settings?flow=`), page.url());
      await snapPage(page, 'settings-link-taken');
      const flow = await shownFlow(page, 'settings');
      const ids = flowMessages(flow).map((m) => m.id);
      assert.ok(ids.includes(4000027), `message ids ${JSON.stringify(flowMessages(flow))}`);
      assert.notEqual(flow.state, 'success');
      const admin = (await adminIdentity(identity.id)).body;
      assert.equal((admin.credentials?.oidc?.identifiers ?? []).length, 0, JSON.stringify(admin.credentials));
      assert.equal((await whoami(page)).body.identity.id, identity.id, 'still signed in as themselves');
    });
    const { body } = await adminIdentity(alice.identityId);
    assert.deepEqual(body.credentials.oidc.identifiers, [`loopback:${alice.sub}`], "Alice's link is untouched");
  });

  it('callbacks that must not sign anyone in: tampered state, another browser, an error from the provider', async () => {
    const eve = newSubject('eve');
    op.setNextSubject(eve.sub, eve.claims);
    const noSession = async (jar, what) => {
      const who = await jar.get('/sessions/whoami', { json: true });
      assert.equal(who.status, 401, `${what}: ${who.text}`);
    };
    const notWelcomed = (res, what) => {
      assert.ok(!sessionCookieSet(res), `${what}: no session cookie`);
      const loc = res.headers.location ?? '';
      assert.ok(!loc.startsWith(`${pub}/ui/welcome`), `${what}: not sent on as signed in (${res.status} ${loc})`);
      assert.ok(res.status === 303 || res.status >= 400, `${what}: an error answer or a redirect to an error (${res.status})`);
    };

    // 1. Tampered state, in the browser that started the flow.
    const a = new Browser(bia.publicUrl);
    const attemptA = await jsonLoginAttempt(a);
    assert.equal(attemptA.res.status, 422, attemptA.res.text);
    const backA = new URL(await throughProvider(attemptA.res.json.redirect_browser_to));
    const state = backA.searchParams.get('state');
    assert.ok(state, backA.toString());
    const flipped = state.slice(0, -2) + (state.at(-2) === 'A' ? 'B' : 'A') + state.at(-1);
    for (const bad of [flipped, `${state}x`, crypto.randomBytes(24).toString('base64url')]) {
      const t = new URL(backA);
      t.searchParams.set('state', bad);
      const res = await a.get(t.toString());
      notWelcomed(res, `tampered state ${bad}`);
    }
    await noSession(a, 'tampered state');

    // 2. The genuine callback URL, opened by another browser (none of the flow's cookies).
    const b = new Browser(bia.publicUrl);
    const attemptB = await jsonLoginAttempt(b);
    const backB = await throughProvider(attemptB.res.json.redirect_browser_to);
    const other = new Browser(bia.publicUrl);
    notWelcomed(await other.get(backB), 'another browser');
    await noSession(other, 'another browser');
    await noSession(b, 'the browser that started it, untouched');

    // 3. The provider answers with an error.
    const c = new Browser(bia.publicUrl);
    const attemptC = await jsonLoginAttempt(c);
    op.denyNext('access_denied');
    const backC = new URL(await throughProvider(attemptC.res.json.redirect_browser_to));
    assert.equal(backC.searchParams.get('error'), 'access_denied');
    notWelcomed(await c.get(backC.toString()), 'provider error');
    await noSession(c, 'provider error');

    assert.equal((await identitiesWithEmail(eve.claims.email)).length, 0, 'nobody registered');

    // In Chromium: a callback with a forged state, in a browser that never started a flow, ends on
    // one of Bia's pages (an error), signed out.
    await withPerson('callback-tampered', async (page) => {
      const d = new Browser(bia.publicUrl);
      const attemptD = await jsonLoginAttempt(d);
      const backD = new URL(await throughProvider(attemptD.res.json.redirect_browser_to));
      backD.searchParams.set('state', crypto.randomBytes(24).toString('base64url'));
      await page.goto(backD.toString(), { waitUntil: 'load' });
      await snapPage(page, 'callback-tampered');
      assert.ok(page.url().startsWith(pub), page.url());
      assert.ok(!page.url().startsWith(`${pub}/ui/welcome`), page.url());
      assert.equal((await whoami(page)).status, 401);
    });
  });
});
