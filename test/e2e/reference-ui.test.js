// Ory's reference self-service UI, as Ory published it on npm (@ory/kratos-selfservice-ui-node
// 0.0.16: the Express + Handlebars app of the Kratos v0.8 generation, driving Kratos through
// @ory/kratos-client's V0alpha2Api), run unchanged against Bia in headless Chromium: sign up,
// change the password in settings, sign out, sign in with the new password, then recover a
// forgotten password with the code Bia mails (a loopback SMTP sink). Nothing of the UI is
// patched: it gets Bia's public URL as KRATOS_PUBLIC_URL, and Bia's flows point at its pages.
// Requests leaving the machine (the UI's web fonts) are refused. Screenshots go to
// test/e2e/artifacts/. A second test signs up and back in through the UI's social sign-in
// button, against a real OpenID provider (npm oidc-provider) on loopback.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import puppeteer from 'puppeteer-core';

import { startOidcProvider } from './lib/oidc-provider.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import { E2E_DIR, freePort, startBia, uniqueEmail } from './lib/server.js';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const REFERENCE_UI = path.join(E2E_DIR, 'node_modules', '@ory', 'kratos-selfservice-ui-node', 'lib', 'index.js');
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'an even longer passphrase for bia 77';
const RECOVERED_PASSWORD = 'recovered at last with a mailed code 11';

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
  let chrome;
  let page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (scripts/install-deps.sh --test installs it)`);
    assert.ok(existsSync(REFERENCE_UI), `${REFERENCE_UI} is missing (npm ci in test/e2e)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const uiPort = await freePort();
    uiBase = `http://127.0.0.1:${uiPort}`;
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
          },
          flows: { registration: { after: { oidc: { hooks: [{ hook: 'session' }] } } } },
        },
      },
      mutateConfig: (cfg) => {
        const at = (p) => `${uiBase}${p}`;
        cfg.selfservice.default_browser_return_url = at('/welcome');
        cfg.selfservice.allowed_return_urls = [at('/')];
        const f = cfg.selfservice.flows;
        f.error.ui_url = at('/error');
        f.settings.ui_url = at('/settings');
        f.login.ui_url = at('/login');
        f.registration.ui_url = at('/registration');
        f.verification.ui_url = at('/verification');
        f.recovery.ui_url = at('/recovery');
        f.logout.after.default_browser_return_url = at('/login');
        return cfg;
      },
    });
    await op.addClient({
      client_id: 'refui', client_secret: 'refui-secret',
      redirect_uris: [new URL('/self-service/methods/oidc/callback/loopback', bia.publicUrl).toString()],
    });
    ui = spawn(process.execPath, [REFERENCE_UI], {
      cwd: path.dirname(path.dirname(REFERENCE_UI)),  // it finds its views and assets from there
      env: { ...process.env, PORT: String(uiPort), KRATOS_PUBLIC_URL: bia.publicUrl, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let uiLog = '';
    ui.stdout.on('data', (d) => { uiLog = (uiLog + d).slice(-20_000); });
    ui.stderr.on('data', (d) => { uiLog = (uiLog + d).slice(-20_000); });
    ui.on('exit', (code) => { if (code) console.error(`reference UI exited ${code}:\n${uiLog}`); });
    await waitForHttp(`${uiBase}/health/alive`);

    chrome = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await chrome.newPage();
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const host = new URL(req.url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') req.continue();
      else req.abort();
    });
  });
  after(async () => {
    await chrome?.close();
    ui?.kill('SIGTERM');
    await bia?.close();
    await sink?.close();
    await op?.close();
  });

  let shot = 0;
  const snap = async (name) => page.screenshot({ path: path.join(ARTIFACTS, `reference-ui-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  const go = (selector) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  const body = () => page.$eval('body', (e) => e.innerText);

  it('signs up, changes the password, signs out and in, and recovers with a mailed code', async () => {
    const email = uniqueEmail('refui');

    await page.goto(`${uiBase}/registration`, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${uiBase}/registration?flow=`), page.url());
    await snap('registration');
    if (!(await page.$('input[name="traits.email"]'))) assert.fail(`no form: ${(await page.content()).slice(0, 3000)}`);
    await page.type('input[name="traits.email"]', email);
    await page.type('input[name="password"]', PASSWORD);
    await go('button[name="method"][value="password"]');
    assert.ok(page.url().startsWith(`${uiBase}/welcome`), page.url());
    assert.match(await body(), new RegExp(email.replace(/[.+]/g, '\\$&')));
    await snap('welcome');
    // Sign-up mailed a verification code (verification is on in the e2e config).
    const verification = await sink.waitForMail(email, { timeoutMs: 15_000 });

    // Settings: a new password (the session is fresh, so privileged).
    await page.goto(`${uiBase}/settings`, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${uiBase}/settings?flow=`), page.url());
    await snap('settings');
    await page.type('input[name="password"]', NEW_PASSWORD);
    await go('button[name="method"][value="password"]');
    assert.ok(page.url().startsWith(`${uiBase}/settings?flow=`), page.url());
    assert.match(await body(), /Your changes have been saved/);

    // Sign out through the UI's logout link (Bia's logout URL), then in with the new password.
    await page.goto(`${uiBase}/welcome`, { waitUntil: 'load' });
    await go('[data-testid="logout"] a, a[data-testid="logout"], [data-testid="logout"]');
    assert.ok(page.url().startsWith(`${uiBase}/login`), page.url());
    await page.goto(`${uiBase}/login`, { waitUntil: 'load' });
    await page.type('input[name="password_identifier"], input[name="identifier"]', email);
    await page.type('input[name="password"]', NEW_PASSWORD);
    await go('button[name="method"][value="password"]');
    assert.ok(page.url().startsWith(`${uiBase}/welcome`), page.url());
    await snap('signed-in');

    // A forgotten password: the UI's recovery page, the code from the mail, a new password.
    const context = await chrome.createBrowserContext();
    const p = await context.newPage();
    await p.setRequestInterception(true);
    p.on('request', (req) => (['127.0.0.1', 'localhost'].includes(new URL(req.url()).hostname) ? req.continue() : req.abort()));
    const goP = (selector) => Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);
    await p.goto(`${uiBase}/recovery`, { waitUntil: 'load' });
    assert.ok(p.url().startsWith(`${uiBase}/recovery?flow=`), p.url());
    await p.type('input[name="email"]', email);
    await goP('button[name="method"][value="code"]');
    const mail = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [verification] });
    const code = /\b(\d{6})\b/.exec(mail.text)[1];
    await p.type('input[name="code"]', code);
    await goP('button[name="method"][value="code"]');
    assert.ok(p.url().startsWith(`${uiBase}/settings?flow=`), p.url());
    assert.match(await p.$eval('body', (e) => e.innerText), /You successfully recovered your account/);
    await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-recovered.png'), fullPage: true });
    await p.type('input[name="password"]', RECOVERED_PASSWORD);
    await goP('button[name="method"][value="password"]');
    assert.match(await p.$eval('body', (e) => e.innerText), /Your changes have been saved/);
    await context.close();
  });

  it('signs up and back in with a social provider through the reference UI\'s own buttons', async () => {
    const email = uniqueEmail('refui-social');
    const sub = `refui-${Date.now()}`;
    op.setNextSubject(sub, { email, email_verified: true });
    const context = await chrome.createBrowserContext();
    const p = await context.newPage();
    await p.setRequestInterception(true);
    p.on('request', (req) => (['127.0.0.1', 'localhost'].includes(new URL(req.url()).hostname) ? req.continue() : req.abort()));
    const goP = (selector) => Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);
    try {
      // Sign-up: the UI renders Bia's oidc node as a button; the provider signs the person in
      // and Bia registers them from the mapper's traits.
      await p.goto(`${uiBase}/registration`, { waitUntil: 'load' });
      assert.ok(p.url().startsWith(`${uiBase}/registration?flow=`), p.url());
      await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-social-registration.png'), fullPage: true });
      await goP('button[name="provider"][value="loopback"]');
      assert.ok(p.url().startsWith(`${uiBase}/welcome`), `${p.url()}\n${bia.diagnostics().slice(-2000)}`);
      assert.match(await p.$eval('body', (e) => e.innerText), new RegExp(email.replace(/[.+]/g, '\\$&')));
      await p.screenshot({ path: path.join(ARTIFACTS, 'reference-ui-social-welcome.png'), fullPage: true });

      // Signed out, the login page's button signs the same identity in again.
      await goP('[data-testid="logout"] a, a[data-testid="logout"], [data-testid="logout"]');
      await p.goto(`${uiBase}/login`, { waitUntil: 'load' });
      await goP('button[name="provider"][value="loopback"]');
      assert.ok(p.url().startsWith(`${uiBase}/welcome`), p.url());
      const res = await fetch(`${bia.adminUrl}/admin/identities?per_page=1000`);
      const mine = (await res.json()).filter((i) => i.traits?.email === email);
      assert.equal(mine.length, 1, 'one identity for the social account');
      const full = await (await fetch(`${bia.adminUrl}/admin/identities/${mine[0].id}`)).json();
      assert.deepEqual(full.credentials.oidc.identifiers, [`loopback:${sub}`]);
    } finally {
      await context.close();
    }
  });
});
