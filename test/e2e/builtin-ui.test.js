// Bia's built-in account UI (selfservice.builtin_ui.enabled) in headless Chromium, driven by
// playwright-core: a person signs up, sees a wrong password answered on the page, changes the
// password in settings, adds a security key (Chromium's CDP virtual authenticator; the page loads
// Bia's webauthn.js), signs out, and signs back in with password plus key — using only links,
// forms and buttons of Bia's own pages — then reads the settings page in German. A second person
// changes a profile trait (their first name) and enrols TOTP on the settings page (the code
// computed from the secret the page shows, by test/e2e/lib/totp.js), signs out, and signs back in
// with password plus TOTP code (whoami: aal2 with totp). Screenshots go to test/e2e/artifacts/.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { addVirtualAuthenticator, launchChromium, requireChromium } from './lib/chromium.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import { totp } from './lib/totp.js';
import { E2E_DIR, REPO_ROOT, startBia, uniqueEmail } from './lib/server.js';

const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'an even longer passphrase for bia 77';

describe('built-in UI: sign up, settings, security key, sign out and in', { timeout: 180_000 }, () => {
  let bia;
  let chrome;
  let page;
  let pub;
  let sink;

  before(async () => {
    requireChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    sink = await startSmtpSink();
    bia = await startBia({
      watchCourier: true,
      config: {
        courier: { smtp: { connection_uri: sink.url } },
        selfservice: {
          builtin_ui: { enabled: true, catalogs: [`file://${path.join(REPO_ROOT, 'config', 'ui', 'de.json')}`] },
          // Let the switch choose every UI and return URL.
          default_browser_return_url: undefined,
          flows: {
            login: { ui_url: undefined },
            registration: { ui_url: undefined },
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
        cfg.selfservice.methods.webauthn = {
          enabled: true, config: { rp: { id: 'localhost', display_name: 'Bia', origins: [base] } },
        };
        cfg.selfservice.methods.totp = { enabled: true, config: { issuer: 'Bia e2e' } };
        return cfg;
      },
    });
    pub = `http://localhost:${bia.publicPort}`;
    chrome = await launchChromium();
    const context = await chrome.newContext();
    page = await context.newPage();
    await addVirtualAuthenticator(context, page);
  });
  after(async () => {
    await chrome?.close();
    await bia?.close();
    await sink?.close();
  });

  let shot = 0;
  const snap = async (name) => page.screenshot({ path: path.join(ARTIFACTS, `builtin-ui-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  // Clicks and waits for the next document to load (after any redirects).
  const go = (selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  const text = () => page.innerText('main');
  const form = (group) => `form[data-group="${group}"]`;

  it('works end to end with nothing but the pages', async () => {
    const email = uniqueEmail('builtin');
    await page.goto(`${pub}/ui/welcome`, { waitUntil: 'load' });
    assert.match(await text(), /You are not signed in/);
    await snap('welcome');

    await go('a[href="/ui/registration"]');
    assert.ok(page.url().startsWith(`${pub}/ui/registration?flow=`), page.url());
    assert.equal(await page.title(), 'Create an account');
    await snap('registration');
    await page.fill(`${form('password')} input[name="traits.email"]`, email);
    await page.fill(`${form('password')} input[name="password"]`, PASSWORD);
    await go(`${form('password')} button[name="method"][value="password"]`);
    assert.equal(page.url(), `${pub}/ui/welcome`);
    assert.match(await text(), new RegExp(`You are signed in as ${email}`));

    // Settings: a new password (the session is fresh, so privileged).
    await go('a[href="/ui/settings"]');
    assert.ok(page.url().startsWith(`${pub}/ui/settings?flow=`), page.url());
    await snap('settings');
    await page.fill(`${form('password')} input[name="password"]`, NEW_PASSWORD);
    await go(`${form('password')} button[name="method"][value="password"]`);
    assert.ok(page.url().startsWith(`${pub}/ui/settings?flow=`), page.url());
    assert.match(await text(), /Your changes have been saved!/);

    // A security key, through the page's webauthn.js.
    await page.waitForFunction(() => typeof window.oryWebAuthnRegistration === 'function', undefined, { timeout: 10_000 });
    await page.fill(`${form('webauthn')} input[name="webauthn_register_displayname"]`, 'My key');
    await go(`${form('webauthn')} button[name="webauthn_register_trigger"]`);
    assert.match(await text(), /Remove security key "My key"/);
    await snap('settings-with-key');

    // Sign out from the welcome page.
    await page.goto(`${pub}/ui/welcome`, { waitUntil: 'load' });
    assert.match(await text(), /Assurance level: aal2/);
    await go('nav a:last-child');
    assert.ok(page.url().startsWith(`${pub}/ui/login`), page.url());

    // A wrong password is answered on the page; the right one leads on to the key.
    await page.goto(`${pub}/ui/login`, { waitUntil: 'load' });
    await page.fill('input[name="identifier"]', email);
    await page.fill('input[name="password"]', PASSWORD);
    await go('button[name="method"][value="password"]');
    assert.match(await text(), /The provided credentials are invalid/);
    await snap('login-error');
    assert.equal(await page.inputValue('input[name="identifier"]'), email, 'the identifier is kept');
    await page.fill('input[name="identifier"]', email);
    await page.fill('input[name="password"]', NEW_PASSWORD);
    await go('button[name="method"][value="password"]');
    assert.ok(page.url().startsWith(`${pub}/ui/login?flow=`), `on to the second factor: ${page.url()}`);
    await snap('login-second-factor');
    await page.waitForFunction(() => typeof window.oryWebAuthnLogin === 'function', undefined, { timeout: 10_000 });
    await go('button[name="webauthn_login_trigger"]');
    assert.equal(page.url(), `${pub}/ui/welcome`);
    assert.match(await text(), /Assurance level: aal2/);
    await snap('signed-in');

    // The same pages in German for a browser that asks for it.
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' });
    await page.goto(`${pub}/ui/settings`, { waitUntil: 'load' });
    assert.equal(await page.title(), 'Kontoeinstellungen');
    assert.equal(await page.$eval('html', (e) => e.lang), 'de');
    assert.match(await text(), /Sicherheitsschlüssel „My key“ entfernen/);
    await snap('settings-de');
  });

  it('verifies the address from the mail, then recovers a forgotten password with a mailed code', async () => {
    const context = await chrome.newContext();
    const p = await context.newPage();
    const goP = (selector) => Promise.all([p.waitForEvent('load'), p.click(selector)]);
    const textP = () => p.innerText('main');
    const email = uniqueEmail('forgot');

    await p.goto(`${pub}/ui/registration`, { waitUntil: 'load' });
    await p.fill(`${form('password')} input[name="traits.email"]`, email);
    await p.fill(`${form('password')} input[name="password"]`, PASSWORD);
    await goP(`${form('password')} button[name="method"][value="password"]`);
    assert.equal(p.url(), `${pub}/ui/welcome`);

    // The verification mail's link, opened in the browser.
    const verification = await sink.waitForMail(email, { timeoutMs: 15_000 });
    const link = /(https?:\/\/[^\s"<]+\/self-service\/verification\?[^\s"<]+)/.exec(verification.text)[1];
    await p.goto(link, { waitUntil: 'load' });
    assert.ok(p.url().startsWith(`${pub}/ui/welcome?flow=`), p.url());
    const { data: who } = await bia.identityApi.listIdentities({ credentialsIdentifier: email });
    assert.equal(who[0].verifiable_addresses[0].verified, true);

    // Signed out, the password forgotten: the sign-in page leads to recovery.
    await goP('nav a:last-child');
    await p.goto(`${pub}/ui/login`, { waitUntil: 'load' });
    await goP('a[href="/ui/recovery"]');
    assert.ok(p.url().startsWith(`${pub}/ui/recovery?flow=`), p.url());
    await p.screenshot({ path: path.join(ARTIFACTS, `builtin-ui-${String(++shot).padStart(2, '0')}-recovery.png`), fullPage: true });
    await p.fill(`${form('code')} input[name="email"]`, email);
    await goP(`${form('code')} button[name="method"][value="code"]`);
    assert.match(await textP(), /An email containing a recovery code has been sent/);
    const mail = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [verification] });
    const code = /\b(\d{6})\b/.exec(mail.text)[1];
    await p.fill(`${form('code')} input[name="code"]`, code);
    await goP(`${form('code')} button[name="method"][value="code"]`);
    assert.ok(p.url().startsWith(`${pub}/ui/settings?flow=`), p.url());
    assert.match(await textP(), /You successfully recovered your account/);
    await p.screenshot({ path: path.join(ARTIFACTS, 'builtin-ui-recovered-settings.png'), fullPage: true });
    await p.fill(`${form('password')} input[name="password"]`, NEW_PASSWORD);
    await goP(`${form('password')} button[name="method"][value="password"]`);
    assert.match(await textP(), /Your changes have been saved!/);

    // The new password signs in.
    await p.goto(`${pub}/ui/welcome`, { waitUntil: 'load' });
    await goP('nav a:last-child');
    await p.goto(`${pub}/ui/login`, { waitUntil: 'load' });
    await p.fill('input[name="identifier"]', email);
    await p.fill('input[name="password"]', NEW_PASSWORD);
    await goP('button[name="method"][value="password"]');
    assert.equal(p.url(), `${pub}/ui/welcome`);
    assert.match(await textP(), new RegExp(`You are signed in as ${email}`));
    await context.close();
  });

  it('changes a profile trait, enrols TOTP, and signs back in with a TOTP code', async () => {
    const context = await chrome.newContext();
    const p = await context.newPage();
    const goP = (selector) => Promise.all([p.waitForEvent('load'), p.click(selector)]);
    const textP = () => p.innerText('main');
    const snapP = async (name) => p.screenshot({ path: path.join(ARTIFACTS, `builtin-ui-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    const whoami = () => p.evaluate(async () => {
      const r = await fetch('/sessions/whoami', { credentials: 'include', headers: { Accept: 'application/json' } });
      return { status: r.status, body: await r.json() };
    });
    const email = uniqueEmail('totp');

    await p.goto(`${pub}/ui/registration`, { waitUntil: 'load' });
    await p.fill(`${form('password')} input[name="traits.email"]`, email);
    await p.fill(`${form('password')} input[name="password"]`, PASSWORD);
    await goP(`${form('password')} button[name="method"][value="password"]`);
    assert.equal(p.url(), `${pub}/ui/welcome`);

    // Profile: a first name, saved through the profile form.
    await goP('a[href="/ui/settings"]');
    assert.ok(p.url().startsWith(`${pub}/ui/settings?flow=`), p.url());
    await p.fill(`${form('profile')} input[name="traits.name.first"]`, 'Ada');
    await goP(`${form('profile')} button[name="method"][value="profile"]`);
    assert.ok(p.url().startsWith(`${pub}/ui/settings?flow=`), p.url());
    assert.match(await textP(), /Your changes have been saved!/);
    assert.equal(await p.inputValue(`${form('profile')} input[name="traits.name.first"]`), 'Ada');
    assert.equal(await p.inputValue(`${form('profile')} input[name="traits.email"]`), email);
    await snapP('settings-profile-saved');
    let who = await whoami();
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.deepEqual(who.body.identity.traits, { email, name: { first: 'Ada' } });

    // TOTP: the secret shown on the page, a code computed from it.
    const secret = (await p.textContent(`${form('totp')} #totp_secret_key code`)).trim();
    assert.match(secret, /^[A-Z2-7]+=*$/, `a base32 secret: ${secret}`);
    await snapP('settings-totp');
    await p.fill(`${form('totp')} input[name="totp_code"]`, totp(secret));
    await goP(`${form('totp')} button[name="method"][value="totp"]`);
    assert.ok(p.url().startsWith(`${pub}/ui/settings?flow=`), p.url());
    assert.match(await textP(), /Your changes have been saved!/);
    assert.equal(await p.$(`${form('totp')} input[name="totp_code"]`), null, 'no second enrolment offered');
    assert.ok(await p.$(`${form('totp')} button[name="totp_unlink"]`), 'the authenticator app can be unlinked');
    await snapP('settings-totp-enrolled');

    // Signed out, then back in with the password and a TOTP code.
    await p.goto(`${pub}/ui/welcome`, { waitUntil: 'load' });
    await goP('nav a:last-child');
    assert.ok(p.url().startsWith(`${pub}/ui/login`), p.url());
    assert.equal((await whoami()).status, 401);
    await p.goto(`${pub}/ui/login`, { waitUntil: 'load' });
    await p.fill('input[name="identifier"]', email);
    await p.fill('input[name="password"]', PASSWORD);
    await goP('button[name="method"][value="password"]');
    assert.ok(p.url().startsWith(`${pub}/ui/login?flow=`), `on to the second factor: ${p.url()}`);
    await snapP('login-totp');
    await p.fill(`${form('totp')} input[name="totp_code"]`, totp(secret));
    await goP(`${form('totp')} button[name="method"][value="totp"]`);
    assert.equal(p.url(), `${pub}/ui/welcome`);
    assert.match(await textP(), /Assurance level: aal2/);
    who = await whoami();
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.equal(who.body.authenticator_assurance_level, 'aal2');
    assert.deepEqual(who.body.authentication_methods.map((m) => m.method), ['password', 'totp']);
    assert.equal(who.body.identity.traits.name.first, 'Ada');
    await snapP('signed-in-totp');
    await context.close();
  });
});
