// Ory's reference self-service UI, as Ory published it on npm (@ory/kratos-selfservice-ui-node
// 0.0.16: the Express + Handlebars app of the Kratos v0.8 generation, driving Kratos through
// @ory/kratos-client's V0alpha2Api), run unchanged against Bia in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). Nothing of the UI is patched: it gets Bia's
// public URL as KRATOS_PUBLIC_URL (its server-side calls) and KRATOS_BROWSER_URL (the links it
// hands the browser), and Bia's flows point at its pages. Requests leaving the machine (the UI's
// web fonts) are refused. Screenshots go to test/e2e/artifacts/. Three tests:
//  1. sign up, change a profile trait (the first name, in the settings page's "Profile Settings"
//     form) and the password in settings, sign out, sign in with the new password (the welcome
//     page's session shows the new name), then recover a forgotten password with the code Bia
//     mails (a loopback SMTP sink);
//  2. sign up and back in through the UI's social sign-in button, against a real OpenID provider
//     (npm oidc-provider) on loopback;
//  3. two-factor: sign up, enrol a TOTP app (the code computed here from the secret the settings
//     page shows, RFC 6238 with node:crypto), a security key (Chromium's CDP virtual
//     authenticator, through the settings page's button and Bia's webauthn.js) and backup codes,
//     then sign out and in three times with the password, finishing each on the UI's two-factor
//     page with a different second factor: a TOTP code, the security key, a backup code; the
//     welcome page then shows an aal2 session with both methods.
// The browser and both servers are on the host name "localhost" (a WebAuthn RP ID cannot be an
// IP address; cookies are shared across ports), and the RP origin is the UI's: the page that
// calls navigator.credentials is the UI's page, with Bia's script loaded into it.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { addVirtualAuthenticator, launchChromium, requireChromium } from './lib/chromium.js';
import { startOidcProvider } from './lib/oidc-provider.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import { E2E_DIR, freePort, pointAtUi, startBia, uniqueEmail } from './lib/server.js';
import { totp } from './lib/totp.js';

const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const REFERENCE_UI = path.join(E2E_DIR, 'node_modules', '@ory', 'kratos-selfservice-ui-node', 'lib', 'index.js');
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'an even longer passphrase for bia 77';
const RECOVERED_PASSWORD = 'recovered at last with a mailed code 11';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

async function waitForHttp(url, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("Ory's reference UI (npm @ory/kratos-selfservice-ui-node 0.0.16) against Bia", { timeout: 180_000 }, () => {
  let bia;
  let sink;
  let op;  // a real OpenID provider (npm oidc-provider) for the social sign-in test
  let ui;
  let uiBase;
  let biaBrowserUrl;  // Bia's public URL as the browser sees it (host "localhost")
  let chrome;

  before(async () => {
    requireChromium();
    assert.ok(existsSync(REFERENCE_UI), `${REFERENCE_UI} is missing (npm ci in test/e2e)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const uiPort = await freePort();
    uiBase = `http://localhost:${uiPort}`;
    sink = await startSmtpSink();
    op = await startOidcProvider();
    const mapper = "local claims = std.extVar('claims'); { identity: { traits: { email: claims.email } } }";
    bia = await startBia({
      watchCourier: true,
      config: {
        courier: { smtp: { connection_uri: sink.url } },
        selfservice: {
          methods: {
            oidc: {
              enabled: true,
              config: {
                providers: [{
                  id: 'loopback', provider: 'generic', label: 'Loopback ID', client_id: 'refui', client_secret: 'refui-secret',
                  issuer_url: op.issuer, scope: ['openid', 'email'], mapper_url: `base64://${Buffer.from(mapper).toString('base64')}`,
                }],
              },
            },
            totp: { enabled: true, config: { issuer: 'Bia reference UI e2e' } },
            lookup_secret: { enabled: true },
            webauthn: { enabled: true, config: { rp: { id: 'localhost', display_name: 'Bia e2e', origins: [uiBase] } } },
          },
          flows: { registration: { after: { oidc: { hooks: [{ hook: 'session' }] } } } },
        },
      },
      mutateConfig: (cfg, ctx) => pointAtUi(cfg, ctx, uiBase),
    });
    biaBrowserUrl = `http://localhost:${bia.publicPort}`;
    await op.addClient({
      client_id: 'refui', client_secret: 'refui-secret',
      redirect_uris: [`${biaBrowserUrl}/self-service/methods/oidc/callback/loopback`],
    });
    ui = spawn(process.execPath, [REFERENCE_UI], {
      cwd: path.dirname(path.dirname(REFERENCE_UI)),  // it finds its views and assets from there
      env: { ...process.env, PORT: String(uiPort), KRATOS_PUBLIC_URL: bia.publicUrl, KRATOS_BROWSER_URL: biaBrowserUrl, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let uiLog = '';
    ui.stdout.on('data', (d) => { uiLog = (uiLog + d).slice(-20_000); });
    ui.stderr.on('data', (d) => { uiLog = (uiLog + d).slice(-20_000); });
    ui.on('exit', (code) => { if (code) console.error(`reference UI exited ${code}:\n${uiLog}`); });
    await waitForHttp(`http://127.0.0.1:${uiPort}/health/alive`);

    chrome = await launchChromium();
  });
  after(async () => {
    await chrome?.close();
    ui?.kill('SIGTERM');
    await bia?.close();
    await sink?.close();
    await op?.close();
  });

  /**
   * A fresh browser context (its own cookies) with one page; http(s) requests to hosts off the
   * loopback are refused. `errors` collects the page's uncaught script errors.
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
    return { context, page, errors };
  }

  let shot = 0;
  const snap = (page, name) =>
    page.screenshot({ path: path.join(ARTIFACTS, `reference-ui-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  // Clicks and waits for the next document to load (after any redirects).
  const go = (page, selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  const body = (page) => page.innerText('body');
  const startsWith = (page, prefix) => assert.ok(page.url().startsWith(prefix), `${page.url()} (expected ${prefix}…)`);
  const emailRe = (email) => new RegExp(email.replace(/[.+]/g, '\\$&'));
  // The welcome page prints the session it got from Bia's whoami as JSON.
  const welcomeSession = async (page) => JSON.parse(await page.innerText('pre.code-box code'));

  it('signs up, changes the profile and the password, signs out and in, and recovers with a mailed code', async () => {
    const email = uniqueEmail('refui');
    const { context, page } = await newTab();
    try {
      await page.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/registration?flow=`);
      await snap(page, 'registration');
      if (!(await page.$('input[name="traits.email"]'))) assert.fail(`no form: ${(await page.content()).slice(0, 3000)}`);
      await page.fill('input[name="traits.email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/welcome`);
      assert.match(await body(page), emailRe(email));
      await snap(page, 'welcome');
      // Sign-up mailed a verification code (verification is on in the e2e config).
      const verification = await sink.waitForMail(email, { timeoutMs: 15_000 });

      // Settings: a first name through the "Profile Settings" form.
      await page.goto(`${uiBase}/settings`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/settings?flow=`);
      await snap(page, 'settings');
      assert.match(await body(page), /Profile Settings/);
      await page.fill('input[name="traits.name.first"]', 'Grace');
      await go(page, 'button[name="method"][value="profile"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await body(page), /Your changes have been saved/);
      assert.equal(await page.inputValue('input[name="traits.name.first"]'), 'Grace');
      assert.equal(await page.inputValue('input[name="traits.email"]'), email);
      await snap(page, 'settings-profile-saved');

      // Then a new password (the session is fresh, so privileged).
      await page.fill('input[name="password"]', NEW_PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await body(page), /Your changes have been saved/);

      // Sign out through the UI's logout link (Bia's logout URL), then in with the new password.
      await page.goto(`${uiBase}/welcome`, { waitUntil: 'load' });
      await go(page, '[data-testid="logout"]');
      startsWith(page, `${uiBase}/login`);
      await page.goto(`${uiBase}/login`, { waitUntil: 'load' });
      await page.fill('input[name="password_identifier"], input[name="identifier"]', email);
      await page.fill('input[name="password"]', NEW_PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/welcome`);
      assert.deepEqual((await welcomeSession(page)).identity.traits, { email, name: { first: 'Grace' } });
      await snap(page, 'signed-in');

      // A forgotten password, in a browser without the session: the UI's recovery page, the code
      // from the mail, a new password.
      const { context: c2, page: p } = await newTab();
      try {
        await p.goto(`${uiBase}/recovery`, { waitUntil: 'load' });
        startsWith(p, `${uiBase}/recovery?flow=`);
        await p.fill('input[name="email"]', email);
        await go(p, 'button[name="method"][value="code"]');
        const mail = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [verification] });
        const code = /\b(\d{6})\b/.exec(mail.text)[1];
        await p.fill('input[name="code"]', code);
        await go(p, 'button[name="method"][value="code"]');
        startsWith(p, `${uiBase}/settings?flow=`);
        assert.match(await body(p), /You successfully recovered your account/);
        await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-recovered.png'), fullPage: true });
        await p.fill('input[name="password"]', RECOVERED_PASSWORD);
        await go(p, 'button[name="method"][value="password"]');
        assert.match(await body(p), /Your changes have been saved/);
      } finally {
        await c2.close();
      }
    } finally {
      await context.close();
    }
  });

  it('signs up and back in with a social provider through the reference UI\'s own buttons', async () => {
    const email = uniqueEmail('refui-social');
    const sub = `refui-${Date.now()}`;
    op.setNextSubject(sub, { email, email_verified: true });
    const { context, page: p } = await newTab();
    try {
      // Sign-up: the UI renders Bia's oidc node as a button; the provider signs the person in
      // and Bia registers them from the mapper's traits.
      await p.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      startsWith(p, `${uiBase}/registration?flow=`);
      await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-social-registration.png'), fullPage: true });
      await go(p, 'button[name="provider"][value="loopback"]');
      assert.ok(p.url().startsWith(`${uiBase}/welcome`), `${p.url()}\n${bia.diagnostics().slice(-2000)}`);
      assert.match(await body(p), emailRe(email));
      await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-social-welcome.png'), fullPage: true });

      // Signed out, the login page's button signs the same identity in again.
      await go(p, '[data-testid="logout"]');
      await p.goto(`${uiBase}/login`, { waitUntil: 'load' });
      await go(p, 'button[name="provider"][value="loopback"]');
      startsWith(p, `${uiBase}/welcome`);
      const res = await fetch(`${bia.adminUrl}/admin/identities?per_page=1000`);
      const mine = (await res.json()).filter((i) => i.traits?.email === email);
      assert.equal(mine.length, 1, 'one identity for the social account');
      const full = await (await fetch(`${bia.adminUrl}/admin/identities/${mine[0].id}`)).json();
      assert.deepEqual(full.credentials.oidc.identifiers, [`loopback:${sub}`]);
    } finally {
      await context.close();
    }
  });

  it('enrols TOTP, a security key and backup codes in settings, then finishes three sign-ins at aal2 with each', async () => {
    const email = uniqueEmail('refui-mfa');
    const { context, page, errors } = await newTab();
    try {
      // Chromium's virtual authenticator (CDP WebAuthn domain) stands in for a USB security key.
      await addVirtualAuthenticator(context, page);

      await page.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      await page.fill('input[name="traits.email"]', email);
      await page.fill('input[name="password"]', PASSWORD);
      await go(page, 'button[name="method"][value="password"]');
      startsWith(page, `${uiBase}/welcome`);
      assert.equal((await welcomeSession(page)).authenticator_assurance_level, 'aal1');

      // Settings: the TOTP card shows a QR code and the secret as text; a code from it enrols the app.
      await page.goto(`${uiBase}/settings`, { waitUntil: 'load' });
      startsWith(page, `${uiBase}/settings?flow=`);
      await page.waitForSelector('img[data-testid="node/image/totp_qr"]');
      assert.match(await page.getAttribute('img[data-testid="node/image/totp_qr"]', 'src'), /^data:image\/png;base64,/);
      const secret = (await page.innerText('[data-testid="node/text/totp_secret_key/text"]')).trim();
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      await snap(page, 'settings-2fa');
      await page.fill('input[name="totp_code"]', totp(secret));
      await go(page, 'button[name="method"][value="totp"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await body(page), /Your changes have been saved/);
      assert.ok(await page.$('button[name="totp_unlink"]'), 'the TOTP card now offers unlinking');
      assert.equal(await page.$('input[name="totp_code"]'), null, 'and no more enrolment');
      await snap(page, 'totp-enrolled');

      // The security key: Bia's script node (loaded with its integrity hash) defines the function
      // the button's onclick calls; it runs navigator.credentials.create and posts the form.
      await page.waitForFunction(() => typeof window.oryWebAuthnRegistration === 'function');
      await page.fill('input[name="webauthn_register_displayname"]', 'Virtual key');
      await go(page, 'button[name="webauthn_register_trigger"]');
      startsWith(page, `${uiBase}/settings?flow=`);
      assert.match(await body(page), /Your changes have been saved/);
      assert.match(await page.innerText('button[name="webauthn_remove"]'), /Virtual key/);
      await snap(page, 'security-key-enrolled');

      // Backup codes: generate, shown on the page, confirm.
      await go(page, 'button[name="lookup_secret_regenerate"]');
      const codes = (await page.$$eval('.recovery-code code', (els) => els.map((e) => e.textContent.trim())));
      assert.ok(codes.length >= 10 && codes.every((c) => /^[a-z0-9]+$/.test(c)), JSON.stringify(codes));
      await snap(page, 'backup-codes');
      await go(page, 'button[name="lookup_secret_confirm"]');
      assert.match(await body(page), /Your changes have been saved/);
      assert.ok(await page.$('button[name="lookup_secret_reveal"]'), 'confirmed codes can be revealed again');

      await page.goto(`${uiBase}/welcome`, { waitUntil: 'load' });
      const enrolled = await welcomeSession(page);
      assert.equal(enrolled.authenticator_assurance_level, 'aal2');
      const identityId = enrolled.identity.id;
      const admin = await bia.identityApi.getIdentity({ id: identityId, includeCredential: ['webauthn'] });
      assert.deepEqual(Object.keys(admin.data.credentials).sort(), ['lookup_secret', 'password', 'totp', 'webauthn']);
      assert.equal(admin.data.credentials.webauthn.config.credentials[0].display_name, 'Virtual key');

      // Sign out and in with the password: Bia sends the browser on to the UI's two-factor page,
      // which offers every second factor and no first one.
      const signInWithPassword = async () => {
        await go(page, '[data-testid="logout"]');
        startsWith(page, `${uiBase}/login?flow=`);
        await page.fill('input[name="identifier"]', email);
        await page.fill('input[name="password"]', PASSWORD);
        await go(page, 'button[name="method"][value="password"]');
        startsWith(page, `${uiBase}/login?flow=`);
        assert.match(await page.innerText('h2.card-title'), /Two-Factor Authentication/);
        assert.equal(await page.$('input[name="password"]'), null, 'no first factor at aal2');
      };
      const expectAal2 = async (method) => {
        startsWith(page, `${uiBase}/welcome`);
        const s = await welcomeSession(page);
        assert.equal(s.identity.id, identityId);
        assert.equal(s.authenticator_assurance_level, 'aal2');
        assert.deepEqual(s.authentication_methods.map((m) => m.method), ['password', method]);
      };

      // 1. a TOTP code
      await signInWithPassword();
      await snap(page, 'aal2-login');
      await page.fill('input[name="totp_code"]', totp(secret));
      await go(page, 'button[name="method"][value="totp"]');
      await expectAal2('totp');
      await snap(page, 'aal2-totp-welcome');

      // 2. the security key
      await signInWithPassword();
      await page.waitForFunction(() => typeof window.oryWebAuthnLogin === 'function');
      await go(page, 'button[name="webauthn_login_trigger"]');
      await expectAal2('webauthn');
      await snap(page, 'aal2-security-key-welcome');

      // 3. a backup code
      await signInWithPassword();
      await page.fill('input[name="lookup_secret"]', codes[0]);
      await go(page, 'button[name="method"][value="lookup_secret"]');
      await expectAal2('lookup_secret');

      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
