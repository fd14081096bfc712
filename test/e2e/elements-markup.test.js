// Ory's 1.x generation of self-service UI code against Bia, in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). The 1.x reference UI (kratos-selfservice-ui-node
// 1.x) is published on GitHub only, so this suite runs lib/elements-ui.js instead: a small server
// built the way that UI builds its pages, from the two npm packages it uses — @ory/client
// 1.22.66 (FrontendApi: getLoginFlow/getRegistrationFlow/getSettingsFlow with the browser's
// cookie, createBrowserLogoutFlow, toSession) and @ory/elements-markup 0.9.1 (UserAuthCard,
// UserSettingsCard, NodeMessages, its theme and stylesheet). Forms post straight to Bia.
// Requests leaving the machine are refused. Screenshots: test/e2e/artifacts/elements-*.png.
// The browser and both servers are on the host name "localhost" (a WebAuthn RP ID cannot be an
// IP address), and the RP origin is the UI's: its pages load Bia's webauthn.js.
//
// Two tests. 1: sign up with a password through the registration card; in settings change a trait
// (profile card) and the password (password card), enrol TOTP (the code computed here from the
// secret the TOTP card shows); log out through the logout URL Bia hands @ory/client; sign in
// with the new password and finish on the aal2 login card with a TOTP code; the session is aal2
// with methods password + totp.
// 2: sign up; on the settings page's security-key card (Chromium's CDP virtual authenticator as
// the key) name and add a key: the page carries the flow's script node as a <script> tag (Bia's
// webauthn.js, integrity-checked) and the trigger's onclick code as a click listener, as the 1.x
// UI does; log out, sign in with the password and finish on the aal2 login card with the key;
// toSession() (@ory/client 1.x, with the browser's cookies) is aal2 with password + webauthn.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Configuration, FrontendApi } from 'ory-client-1';

import { addVirtualAuthenticator, launchChromium, requireChromium } from './lib/chromium.js';
import { startElementsUi } from './lib/elements-ui.js';
import { E2E_DIR, freePort, pointAtUi, startBia, uniqueEmail } from './lib/server.js';
import { totp } from './lib/totp.js';

const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'an even longer passphrase for bia 77';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('@ory/client 1.22.66 + @ory/elements-markup 0.9.1 pages against Bia', { timeout: 180_000 }, () => {
  let bia;
  let ui;
  let uiBase;
  let chrome;

  before(async () => {
    requireChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    const uiPort = await freePort();
    uiBase = `http://localhost:${uiPort}`;
    bia = await startBia({
      config: {
        selfservice: {
          methods: {
            totp: { enabled: true, config: { issuer: 'Bia elements e2e' } },
            webauthn: { enabled: true, config: { rp: { id: 'localhost', display_name: 'Bia elements e2e', origins: [uiBase] } } },
          },
        },
      },
      mutateConfig: (cfg, ctx) => pointAtUi(cfg, ctx, uiBase),
    });
    ui = await startElementsUi({ port: uiPort, biaPublicUrl: bia.publicUrl, biaBrowserUrl: `http://localhost:${bia.publicPort}` });
    chrome = await launchChromium();
  });
  after(async () => {
    await chrome?.close();
    await ui?.close();
    await bia?.close();
  });

  let shot = 0;
  const snap = (page, name) =>
    page.screenshot({ path: path.join(ARTIFACTS, `elements-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  const go = (page, selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  const startsWith = (page, prefix) => assert.ok(page.url().startsWith(prefix), `${page.url()} (expected ${prefix}…)`);
  const session = async (page) => JSON.parse(await page.textContent('pre#session'));
  // Every Bia call answered 2xx, except createBrowserLogoutFlow without a session (the login
  // page asks for a logout link before anyone is signed in), which Kratos, too, answers 401.
  const expectedFailure = (c) => c.status === 401 && /\/self-service\/logout\/browser$/.test(c.url) && c.body?.error?.id === 'session_inactive';
  const failedCalls = () => ui.calls.filter((c) => !(c.status >= 200 && c.status < 300) && !expectedFailure(c));

  /**
   * A fresh browser context (its own cookies) with one page; http(s) requests to hosts off the
   * loopback are refused. `errors`: the page's uncaught script errors; `badAssets`: UI responses
   * >= 400.
   */
  async function newTab() {
    const context = await chrome.newContext();
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (!/^https?:$/.test(url.protocol) || LOOPBACK.has(url.hostname)) return route.continue();
      return route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const badAssets = [];
    page.on('response', (r) => { if (r.url().startsWith(uiBase) && r.status() >= 400) badAssets.push(`${r.status()} ${r.url()}`); });
    return { context, page, errors, badAssets };
  }

  it('signs up, edits profile and password, enrols TOTP, and signs in again at aal2', async () => {
    const email = uniqueEmail('elements');
    const { context, page, errors, badAssets } = await newTab();
    try {
      // Registration card.
      await page.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/registration?flow=`);
      await snap(page, 'registration');
      await page.fill('input[name="traits.email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/welcome`);
      const s1 = await session(page);
      assert.equal(s1.identity.traits.email, email);
      assert.equal(s1.authenticator_assurance_level, 'aal1');
      await snap(page, 'welcome');

      // Settings: profile card — change the email trait.
      const email2 = uniqueEmail('elements-renamed');
      await page.goto(`${uiBase}/settings`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/settings?flow=`);
      await snap(page, 'settings');
      await page.fill('#profile input[name="traits.email"]', email2);
      await go(page, '#profile button[name="method"][value="profile"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await page.innerText('#messages'), /Your changes have been saved/);
      assert.equal(await page.inputValue('#profile input[name="traits.email"]'), email2);

      // Password card.
      await page.fill('#password input[name="password"]', NEW_PASSWORD);
      await go(page, '#password button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await page.innerText('#messages'), /Your changes have been saved/);

      // TOTP card: the QR code and the secret as text; a code from the secret enrols the app.
      const qr = await page.getAttribute('#totp img', 'src');
      assert.match(qr, /^data:image\/png;base64,/);
      const secretText = await page.innerText('#totp');
      const secret = /\b([A-Z2-7]{16,})\b/.exec(secretText)?.[1];
      assert.ok(secret, `no TOTP secret in the card: ${secretText}`);
      await snap(page, 'settings-totp');
      await page.fill('#totp input[name="totp_code"]', totp(secret));
      await go(page, '#totp button[name="method"][value="totp"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await page.innerText('#messages'), /Your changes have been saved/);
      assert.ok(await page.$('#totp button[name="totp_unlink"]'), 'the TOTP card now offers unlinking');
      assert.equal(await page.$('input[name="totp_code"]'), null, 'and no more enrolment');
      await snap(page, 'totp-enrolled');

      await page.goto(`${uiBase}/welcome`, { waitUntil: 'load' });
      const s2 = await session(page);
      assert.equal(s2.identity.traits.email, email2);
      const identityId = s2.identity.id;

      // Log out through the URL Bia's createBrowserLogoutFlow answered.
      const logout = await page.getAttribute('[data-testid="logout"]', 'href');
      assert.match(logout, /\/self-service\/logout\?token=/);
      await go(page, '[data-testid="logout"]');
      startsWith(page, `${uiBase}/login?flow=`);

      // Sign in with the new password; Bia asks for the second factor on the aal2 login card.
      await snap(page, 'login');
      await page.fill('input[name="identifier"]', email2);
      await page.fill('input[name="password"]', NEW_PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/login?flow=`);
      assert.equal(await page.$('input[name="password"]'), null, 'no first factor at aal2');
      assert.match(await page.innerText('body'), /Please complete the second authentication challenge/);
      // The aal2 card offers signing out of the half-finished (aal1) session.
      assert.match(await page.getAttribute('a[href*="/self-service/logout?token="]', 'href'), /token=/);
      await snap(page, 'login-aal2');
      await page.fill('input[name="totp_code"]', totp(secret));
      await go(page, 'button[name="method"][value="totp"]');
      startsWith(page, `${uiBase}/welcome`);
      const s3 = await session(page);
      assert.equal(s3.identity.id, identityId);
      assert.equal(s3.authenticator_assurance_level, 'aal2');
      assert.deepEqual(s3.authentication_methods.map((m) => m.method), ['password', 'totp']);
      await snap(page, 'welcome-aal2');

      assert.deepEqual(errors, [], 'no script errors');
      assert.deepEqual(badAssets, [], 'every UI asset served');
      assert.deepEqual(failedCalls(), [], 'no Bia call failed');
      const used = new Set(ui.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`));
      for (const call of ['GET /self-service/registration/flows', 'GET /self-service/settings/flows', 'GET /self-service/login/flows',
        'GET /sessions/whoami', 'GET /self-service/logout/browser']) {
        assert.ok(used.has(call), `${call} was called (${[...used].join(', ')})`);
      }
    } finally {
      if (failedCalls().length) console.error('Bia calls that failed:', JSON.stringify(failedCalls(), null, 2));
      await context.close();
    }
  });

  it('enrols a security key on the settings card and completes an aal2 sign-in with it', async () => {
    const email = uniqueEmail('elements-key');
    const { context, page, errors, badAssets } = await newTab();
    const callsBefore = ui.calls.length;
    const failedHere = () => failedCalls().filter((c) => ui.calls.indexOf(c) >= callsBefore);
    // toSession() as the 1.x client makes it, with the browser's cookies for Bia.
    const frontend = new FrontendApi(new Configuration({ basePath: bia.publicUrl }));
    const whoami = async () => {
      const cookie = (await context.cookies(`http://localhost:${bia.publicPort}`)).map((c) => `${c.name}=${c.value}`).join('; ');
      return (await frontend.toSession({ cookie })).data;
    };
    try {
      // Chromium's virtual authenticator (CDP WebAuthn domain) stands in for a USB security key.
      await addVirtualAuthenticator(context, page);

      await page.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/registration?flow=`);
      await page.fill('input[name="traits.email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/welcome`);
      assert.equal((await session(page)).authenticator_assurance_level, 'aal1');

      // The security-key card. The page has the flow's script node as a <script> tag (Chromium
      // checks its integrity hash) and, once loaded, the trigger's onclick code as its click
      // listener: navigator.credentials.create, then webauthn.js posts the card's form.
      await page.goto(`${uiBase}/settings`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/settings?flow=`);
      const script = await page.$('script[data-testid="node/script/webauthn_script"]');
      assert.ok(script, 'the webauthn script node is in the page');
      assert.match(await script.getAttribute('integrity'), /^sha(256|384|512)-/);
      assert.equal(await page.evaluate(() => typeof window.oryWebAuthnRegistration), 'function', 'webauthn.js loaded');
      // The UI's own /.well-known/ory/webauthn.js (getWebAuthnJavaScript) is the script the node names.
      const [direct, viaUi] = await page.evaluate((urls) => Promise.all(urls.map(async (u) => {
        const r = await fetch(u);
        return { status: r.status, text: await r.text() };
      })), [await script.getAttribute('src'), `${uiBase}/.well-known/ory/webauthn.js`]);
      assert.equal(direct.status, 200);
      assert.deepEqual(viaUi, direct);
      assert.ok(await page.$('#webauthn button[name="webauthn_register_trigger"]'), 'the card has the trigger');
      await page.fill('#webauthn input[name="webauthn_register_displayname"]', 'Virtual key');
      await snap(page, 'settings-webauthn');
      await go(page, '#webauthn button[name="webauthn_register_trigger"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await page.innerText('#messages'), /Your changes have been saved/);
      assert.match(await page.innerText('#webauthn button[name="webauthn_remove"]'), /Virtual key/);
      await snap(page, 'webauthn-enrolled');

      await page.goto(`${uiBase}/welcome`, { waitUntil: 'load' });
      const enrolled = await session(page);
      const identityId = enrolled.identity.id;
      const admin = await bia.identityApi.getIdentity({ id: identityId, includeCredential: ['webauthn'] });
      const keys = admin.data.credentials.webauthn.config.credentials;
      assert.deepEqual(keys.map((k) => [k.display_name, k.is_passwordless]), [['Virtual key', false]]);

      // Log out, sign in with the password: Bia sends the browser on to the aal2 login card,
      // whose security-key trigger runs navigator.credentials.get and posts the assertion.
      await go(page, '[data-testid="logout"]');
      startsWith(page, `${uiBase}/login?flow=`);
      await page.fill('input[name="identifier"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/login?flow=`);
      assert.equal(await page.$('input[name="password"]'), null, 'no first factor at aal2');
      assert.match(await page.innerText('body'), /Please complete the second authentication challenge/);
      assert.equal(await page.evaluate(() => typeof window.oryWebAuthnLogin), 'function', 'webauthn.js loaded');
      await snap(page, 'login-aal2-webauthn');
      await go(page, 'button[name="webauthn_login_trigger"]');
      startsWith(page, `${uiBase}/welcome`);
      await snap(page, 'welcome-aal2-webauthn');

      const s = await whoami();
      assert.equal(s.identity.id, identityId);
      assert.equal(s.authenticator_assurance_level, 'aal2');
      const methods = s.authentication_methods.map((m) => m.method);
      assert.ok(methods.includes('webauthn'), `methods: ${methods}`);
      assert.deepEqual(methods, ['password', 'webauthn']);

      assert.deepEqual(errors, [], 'no script errors');
      assert.deepEqual(badAssets, [], 'every UI asset served');
      assert.deepEqual(failedHere(), [], 'no Bia call failed');
    } finally {
      if (failedHere().length) console.error('Bia calls that failed:', JSON.stringify(failedHere(), null, 2));
      await context.close();
    }
  });
});
