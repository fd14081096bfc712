// Security keys in a real browser (settings-flow.md §8.5, surrounding-api.md §7 aal2 login):
// headless Chromium (playwright-core) with its CDP virtual authenticator drives a page rendered
// from the flow (the UI fetches flows from Bia as Ory's reference UI does). The page loads Bia's webauthn.js with
// the integrity hash from the script node, the trigger button runs navigator.credentials.create /
// get, and the script posts the result. Ory's clients then check what was stored.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addVirtualAuthenticator, launchChromium, requireChromium } from './lib/chromium.js';
import { rawRequest } from './lib/expect.js';
import { freePorts, startBia, uniqueEmail } from './lib/server.js';
import { startUiServer } from './lib/ui-server.js';

const PASSWORD = 'correct horse battery staple 42';

describe('webauthn: register a security key in settings, then use it for aal2', { timeout: 180_000 }, () => {
  let bia;
  let ui;
  let chrome;
  let context;
  let page;
  let uiBase;
  let pub;

  before(async () => {
    requireChromium();
    const [uiPort] = await freePorts(1);
    uiBase = `http://localhost:${uiPort}`;
    bia = await startBia({
      config: {
        selfservice: {
          methods: {
            webauthn: { enabled: true, config: { rp: { id: 'localhost', display_name: 'Bia e2e', origins: [uiBase] } } },
          },
        },
      },
      mutateConfig: (cfg, ctx) => {
        // Everything on the host "localhost" (an IP address cannot be a WebAuthn RP ID), so the
        // browser shares cookies between the UI and Bia.
        cfg.serve.public.base_url = `http://localhost:${ctx.publicPort}/`;
        cfg.selfservice.default_browser_return_url = `${uiBase}/`;
        cfg.selfservice.allowed_return_urls = [`${uiBase}/`];
        for (const kind of ['login', 'registration', 'settings', 'error']) {
          cfg.selfservice.flows[kind].ui_url = `${uiBase}/${kind}`;
        }
        return cfg;
      },
    });
    pub = `http://localhost:${bia.publicPort}`;
    ui = await startUiServer({ port: uiPort, biaPublicUrl: bia.publicUrl });
    chrome = await launchChromium();
    context = await chrome.newContext();
    page = await context.newPage();
    await addVirtualAuthenticator(context, page);
  });
  after(async () => {
    await chrome?.close();
    await ui?.close();
    await bia?.close();
  });

  // Clicks and waits for the next document to load (after any redirects).
  const submitAndWait = (selector) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
  const whoami = async () => {
    const cookies = await context.cookies(pub);
    const res = await rawRequest('GET', `${bia.publicUrl}/sessions/whoami`, {
      headers: { Accept: 'application/json', Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    return { status: res.status, json: res.json };
  };

  it('registers a key through webauthn.js, lists it, and a later password login is completed with it at aal2', async () => {
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));

    // Sign up with a password through the UI.
    const email = uniqueEmail('webauthn');
    await page.goto(`${pub}/self-service/registration/browser`, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${uiBase}/registration?flow=`), page.url());
    await page.fill('input[name="traits.email"]', email);
    await page.fill('input[name="password"]', PASSWORD);
    await submitAndWait('button[name="method"][value="password"]');
    assert.equal(page.url(), `${uiBase}/`);

    // Settings: the script is loaded (its integrity hash checked by Chromium) and the trigger runs it.
    await page.goto(`${pub}/self-service/settings/browser`, { waitUntil: 'load' });
    assert.ok(page.url().startsWith(`${uiBase}/settings?flow=`), page.url());
    await page.waitForFunction(() => typeof window.oryWebAuthnRegistration === 'function', undefined, { timeout: 10_000 });
    await page.fill('input[name="webauthn_register_displayname"]', 'Virtual key');
    await submitAndWait('button[name="webauthn_register_trigger"]');
    assert.ok(page.url().startsWith(`${uiBase}/settings?flow=`), page.url());
    assert.equal(await page.textContent('#state'), 'success', await page.content());
    const removeLabel = await page.textContent('button[name="webauthn_remove"]');
    assert.equal(removeLabel, 'Remove security key "Virtual key"');
    assert.deepEqual(errors, []);

    const me = await whoami();
    assert.equal(me.status, 200);
    assert.equal(me.json.authenticator_assurance_level, 'aal2');
    assert.deepEqual(me.json.authentication_methods.map((m) => m.method), ['password', 'webauthn']);
    const admin = await bia.identityApi.getIdentity({ id: me.json.identity.id, includeCredential: ['webauthn'] });
    const stored = admin.data.credentials.webauthn.config.credentials;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].display_name, 'Virtual key');
    assert.equal(stored[0].is_passwordless, false);

    // Sign out, sign in with the password: the browser is sent on to the aal2 login, where the
    // key's trigger completes it.
    await context.clearCookies({ name: 'ory_kratos_session', domain: new URL(pub).hostname });
    await page.goto(`${pub}/self-service/login/browser`, { waitUntil: 'load' });
    await page.fill('input[name="identifier"]', email);
    await page.fill('input[name="password"]', PASSWORD);
    await submitAndWait('button[name="method"][value="password"]');
    assert.ok(page.url().startsWith(`${uiBase}/login?flow=`), `on to the second factor: ${page.url()}`);
    assert.equal((await whoami()).status, 403, 'aal1 is not enough for whoami (highest_available)');
    await page.waitForFunction(() => typeof window.oryWebAuthnLogin === 'function', undefined, { timeout: 10_000 });
    await submitAndWait('button[name="webauthn_login_trigger"]');
    assert.equal(page.url(), `${uiBase}/`, `${await page.innerText('body')} ${errors}`);
    const again = await whoami();
    assert.equal(again.status, 200);
    assert.equal(again.json.authenticator_assurance_level, 'aal2');
    assert.deepEqual(again.json.authentication_methods.map((m) => m.method), ['password', 'webauthn']);

    // Remove the key from settings.
    await page.goto(`${pub}/self-service/settings/browser`, { waitUntil: 'load' });
    await submitAndWait('button[name="webauthn_remove"]');
    assert.equal(await page.textContent('#state'), 'success');
    const removed = await bia.identityApi.getIdentity({ id: me.json.identity.id, includeCredential: ['webauthn'] });
    assert.equal(removed.data.credentials?.webauthn, undefined);
    assert.deepEqual(errors, []);
  });

  it('serves webauthn.js with the hash the script node names, readable cross-origin', async () => {
    const res = await rawRequest('GET', `${bia.publicUrl}/.well-known/ory/webauthn.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/javascript/);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    const { createHash } = await import('node:crypto');
    const digest = `sha512-${createHash('sha512').update(res.text).digest('base64')}`;
    const { data: reg } = await bia.frontendApi.createNativeRegistrationFlow();
    assert.equal(reg.ui.nodes.find((n) => n.attributes.id === 'webauthn_script'), undefined, 'API flows: no script');
    const browserFlow = await rawRequest('GET', `${bia.publicUrl}/self-service/login/browser`, { headers: { Accept: 'application/json' } });
    assert.equal(browserFlow.status, 200);
    // The settings flow of a signed-in browser carries the node; its integrity must match.
    const cookies = await context.cookies(pub);
    const settings = await rawRequest('GET', `${bia.publicUrl}/self-service/settings/browser`, {
      headers: { Accept: 'application/json', Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    assert.equal(settings.status, 200, settings.text);
    const script = settings.json.ui.nodes.find((n) => n.attributes.id === 'webauthn_script');
    assert.equal(script.attributes.integrity, digest);
    assert.equal(script.attributes.src, `${pub}/.well-known/ory/webauthn.js`);
  });
});
