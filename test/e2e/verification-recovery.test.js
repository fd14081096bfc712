// Verification and recovery end to end (surrounding-api.md §9–10, issue 15): Bia serves with
// --watch-courier and delivers over real SMTP to a loopback sink (lib/smtp-sink.js); Ory's
// published client @ory/kratos-client 26.2.0 (G2 FrontendApi / IdentityApi) and a plain-form
// browser (lib/browser.js) read the codes and links out of the mail and answer them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Browser } from './lib/browser.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import { UI_BASE, deepMerge, header, startBia, uniqueEmail } from './lib/server.js';

const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'a brand new passphrase for bia 99';
const codeIn = (mail) => {
  const m = /\b(\d{6})\b/.exec(mail.text);
  assert.ok(m, `no six-digit code in: ${mail.text}`);
  return m[1];
};
const linkIn = (mail) => {
  const m = /(http:\/\/127\.0\.0\.1:\d+\/self-service\/[a-z]+\?[^\s"<]+)/.exec(mail.text);
  assert.ok(m, `no link in: ${mail.text}`);
  return m[1];
};
const caught = (p) => p.catch((e) => e.response ?? Promise.reject(e));

async function register(bia, email) {
  const { data: flow } = await bia.frontendApi.createNativeRegistrationFlow();
  const { data } = await bia.frontendApi.updateRegistrationFlow({
    flow: flow.id, updateRegistrationFlowBody: { method: 'password', password: PASSWORD, traits: { email } },
  });
  return data;
}

async function courierMessages(bia, recipient) {
  const res = await fetch(`${bia.adminUrl}/admin/courier/messages?recipient=${encodeURIComponent(recipient)}`);
  assert.equal(res.status, 200);
  return res.json();
}

/**
 * Before a describe's tests: a loopback SMTP sink, and Bia delivering to it (`serve
 * --watch-courier`) with `config` merged over that; `use(bia, sink)` receives both. After them:
 * both closed.
 */
function mailingBia(config, use) {
  let bia;
  let sink;
  before(async () => {
    sink = await startSmtpSink();
    bia = await startBia({
      watchCourier: true,
      config: deepMerge({ courier: { smtp: { connection_uri: sink.url } } }, config),
    });
    use(bia, sink);
  });
  after(async () => {
    await bia?.close();
    await sink?.close();
  });
}

describe('verification and recovery by code, over SMTP', { timeout: 120_000 }, () => {
  let bia;
  let sink;
  mailingBia({
    courier: { smtp: { from_address: 'accounts@bia.test' } },
    feature_flags: { use_continue_with_transitions: true },
  }, (b, s) => { bia = b; sink = s; });

  it('registration mails a code; typing it verifies the address', async () => {
    const email = uniqueEmail('verify');
    const registered = await register(bia, email);
    const item = registered.continue_with.find((c) => c.action === 'show_verification_ui');
    assert.ok(item, JSON.stringify(registered.continue_with));
    assert.equal(item.flow.verifiable_address, email);
    assert.equal(registered.identity.verifiable_addresses[0].status, 'sent');
    assert.deepEqual(registered.continue_with.map((c) => c.action), ['show_verification_ui', 'set_ory_session_token']);
    assert.equal(registered.continue_with[1].ory_session_token, registered.session_token);

    const mail = await sink.waitForMail(email, { timeoutMs: 15_000 });
    assert.equal(mail.from.includes('accounts@bia.test'), true);
    const code = codeIn(mail);
    assert.ok(mail.html.includes(code));

    const { data: waiting } = await bia.frontendApi.getVerificationFlow({ id: item.flow.id });
    assert.equal(waiting.state, 'sent_email');
    assert.equal(waiting.ui.messages[0].id, 1080003);

    const wrong = await caught(bia.frontendApi.updateVerificationFlow({
      flow: item.flow.id, updateVerificationFlowBody: { method: 'code', code: code === '000000' ? '111111' : '000000' },
    }));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.data.ui.messages[0].id, 4070006);

    const { data: done } = await bia.frontendApi.updateVerificationFlow({
      flow: item.flow.id, updateVerificationFlowBody: { method: 'code', code },
    });
    assert.equal(done.state, 'passed_challenge');
    assert.equal(done.ui.messages[0].id, 1080002);

    const { data: who } = await bia.identityApi.getIdentity({ id: registered.identity.id });
    assert.equal(who.verifiable_addresses[0].verified, true);
    assert.equal(who.verifiable_addresses[0].status, 'completed');
    assert.ok(who.verifiable_addresses[0].verified_at);

    const messages = await courierMessages(bia, email);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].template_type, 'verification_code_valid');
    assert.equal(messages[0].status, 'sent');
  });

  it('asking again for an unknown address answers the same and sends nothing', async () => {
    const { data: flow } = await bia.frontendApi.createNativeVerificationFlow();
    const nobody = uniqueEmail('nobody');
    const { data } = await bia.frontendApi.updateVerificationFlow({
      flow: flow.id, updateVerificationFlowBody: { method: 'code', email: nobody },
    });
    assert.equal(data.state, 'sent_email');
    assert.equal(data.ui.messages[0].id, 1080003);
    assert.deepEqual(await courierMessages(bia, nobody), []);
    const { data: listed } = await bia.identityApi.listIdentities({ credentialsIdentifier: nobody });
    assert.deepEqual(listed, []);
  });

  it('recovery by code signs a native app in and opens a privileged settings flow', async () => {
    const email = uniqueEmail('recover');
    const registered = await register(bia, email);
    const first = await sink.waitForMail(email, { timeoutMs: 15_000 });  // the verification mail

    const { data: flow } = await bia.frontendApi.createNativeRecoveryFlow();
    const asked = await bia.frontendApi.updateRecoveryFlow({
      flow: flow.id, updateRecoveryFlowBody: { method: 'code', email },
    });
    assert.equal(asked.data.state, 'sent_email');
    assert.equal(asked.data.ui.messages[0].id, 1060003);
    const mail = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [first] });
    assert.match(mail.subject, /./);
    const code = codeIn(mail);

    const { data: recovered } = await bia.frontendApi.updateRecoveryFlow({
      flow: flow.id, updateRecoveryFlowBody: { method: 'code', code },
    });
    assert.equal(recovered.state, 'passed_challenge');
    const [token, show] = recovered.continue_with;
    assert.equal(token.action, 'set_ory_session_token');
    assert.equal(show.action, 'show_settings_ui');
    const { data: session } = await bia.frontendApi.toSession({ xSessionToken: token.ory_session_token });
    assert.equal(session.identity.id, registered.identity.id);
    assert.equal(session.authentication_methods[0].method, 'code_recovery');

    const { data: settings } = await bia.frontendApi.getSettingsFlow({
      id: show.flow.id, xSessionToken: token.ory_session_token,
    });
    assert.equal(settings.ui.messages[0].id, 1060001);
    const changed = await bia.frontendApi.updateSettingsFlow({
      flow: settings.id, xSessionToken: token.ory_session_token,
      updateSettingsFlowBody: { method: 'password', password: NEW_PASSWORD },
    });
    assert.equal(changed.data.state, 'success');

    const { data: login } = await bia.frontendApi.createNativeLoginFlow();
    const { data: signedIn } = await bia.frontendApi.updateLoginFlow({
      flow: login.id, updateLoginFlowBody: { method: 'password', identifier: email, password: NEW_PASSWORD },
    });
    assert.ok(signedIn.session_token);

    // The code was used up.
    const again = await caught(bia.frontendApi.updateRecoveryFlow({
      flow: flow.id, updateRecoveryFlowBody: { method: 'code', code },
    }));
    assert.equal(again.status, 400);
    assert.equal(again.data.ui.messages[0].id, 4060001);
  });

  it('an admin recovery code works without any mail', async () => {
    const email = uniqueEmail('admincode');
    const registered = await register(bia, email);
    const made = await bia.identityApi.createRecoveryCodeForIdentity({
      createRecoveryCodeForIdentityBody: { identity_id: registered.identity.id, expires_in: '30m', flow_type: 'api' },
    });
    assert.equal(made.status, 201);
    assert.match(made.data.recovery_code, /^\d{6}$/);
    const flowId = new URL(made.data.recovery_link).searchParams.get('flow');
    const { data } = await bia.frontendApi.updateRecoveryFlow({
      flow: flowId, updateRecoveryFlowBody: { method: 'code', code: made.data.recovery_code },
    });
    assert.equal(data.continue_with[0].action, 'set_ory_session_token');

    const missing = await caught(bia.identityApi.createRecoveryCodeForIdentity({
      createRecoveryCodeForIdentityBody: { identity_id: '00000000-0000-4000-8000-000000000000' },
    }));
    assert.equal(missing.status, 404);
  });
});

describe('recovery and verification by link in a plain-form browser', { timeout: 120_000 }, () => {
  let bia;
  let sink;
  mailingBia({
    selfservice: {
      methods: { link: { enabled: true } },
      flows: { recovery: { use: 'link' }, verification: { use: 'link' } },
    },
  }, (b, s) => { bia = b; sink = s; });

  it('a recovery link opened in another browser signs it in and sends it to settings', async () => {
    const email = uniqueEmail('link');
    await register(bia, email);
    const verification = await sink.waitForMail(email, { timeoutMs: 15_000 });
    assert.match(linkIn(verification), /\/self-service\/verification\?flow=.*token=/);

    const b = new Browser(bia.publicUrl);
    const init = await b.get('/self-service/recovery/browser');
    assert.equal(init.status, 303);
    const flowId = new URL(header(init, 'location')).searchParams.get('flow');
    const fetched = await b.get(`/self-service/recovery/flows?id=${flowId}`, { json: true });
    assert.equal(fetched.status, 200);
    const flow = fetched.json;
    const csrf = flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const sent = await b.post(`/self-service/recovery?flow=${flowId}`, { form: { method: 'link', email, csrf_token: csrf } });
    assert.equal(sent.status, 303);
    assert.equal(header(sent, 'location'), `${UI_BASE}/recovery?flow=${flowId}`);

    const mail = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [verification] });
    const link = linkIn(mail);
    const other = new Browser(bia.publicUrl);
    const opened = await other.get(link);
    assert.equal(opened.status, 303);
    assert.match(header(opened, 'location'), new RegExp(`^${UI_BASE}/settings\\?flow=`));
    assert.ok(other.jar.has('ory_kratos_session'));
    const who = await other.get('/sessions/whoami', { json: true });
    assert.equal(who.status, 200);
    assert.equal(who.json.authentication_methods[0].method, 'link_recovery');

    // The settings flow it was sent to is this browser's, privileged, and takes a new password.
    const settingsId = new URL(header(opened, 'location')).searchParams.get('flow');
    const sf = await other.get(`/self-service/settings/flows?id=${settingsId}`, { json: true });
    assert.equal(sf.status, 200);
    const settings = sf.json;
    assert.equal(settings.ui.messages[0].id, 1060001);
    const token = settings.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const saved = await other.post(`/self-service/settings?flow=${settingsId}`, {
      form: { method: 'password', password: NEW_PASSWORD, csrf_token: token },
    });
    assert.equal(saved.status, 303);

    // Used links do not work twice.
    const reused = await new Browser(bia.publicUrl).get(link);
    assert.equal(reused.status, 303);
    assert.match(header(reused, 'location'), new RegExp(`^${UI_BASE}/recovery\\?flow=`));
  });
});

describe('a change told to the previous address can be undone from the mail', { timeout: 120_000 }, () => {
  let bia;
  let sink;
  mailingBia({
    selfservice: {
      flows: {
        settings: {
          notify_previous_address: true,
          after: { profile: { hooks: [{ hook: 'show_verification_ui' }] } },
        },
      },
    },
  }, (b, s) => { bia = b; sink = s; });

  const settingsChange = async (token, body) => {
    const { data: flow } = await bia.frontendApi.createNativeSettingsFlow({ xSessionToken: token });
    const { data } = await bia.frontendApi.updateSettingsFlow({
      flow: flow.id, xSessionToken: token, updateSettingsFlowBody: body,
    });
    assert.equal(data.state, 'success');
    return data;
  };
  const undoLinkIn = (mail) => {
    const m = /(http:\/\/127\.0\.0\.1:\d+\/self-service\/undo\?token=[A-Za-z0-9]+)/.exec(mail.text);
    assert.ok(m, `no undo link in: ${mail.text}`);
    return m[1];
  };

  it('an address change: the old address gets the link, which puts it back and signs everyone out', async () => {
    const before = uniqueEmail('undo-before');
    const after = uniqueEmail('undo-after');
    const registered = await register(bia, before);
    const verification = await sink.waitForMail(before, { timeoutMs: 15_000 });
    const changed = await settingsChange(registered.session_token, { method: 'profile', traits: { email: after } });
    // The new address gets its verification message, and the client is told where to show it.
    const show = (changed.continue_with || []).find((c) => c.action === 'show_verification_ui');
    assert.ok(show, JSON.stringify(changed.continue_with));
    assert.equal(show.flow.verifiable_address, after);
    const verifyNew = await sink.waitForMail(after, { timeoutMs: 15_000 });
    assert.match(verifyNew.text, /\b\d{6}\b/);

    const notice = await sink.waitForMail(before, { timeoutMs: 15_000, skip: [verification] });
    assert.match(notice.subject, /address was changed/);
    assert.ok(notice.text.includes(after));
    const link = undoLinkIn(notice);

    const preview = await fetch(link, { headers: { Accept: 'application/json' } });
    assert.equal(preview.status, 200);
    const shown = await preview.json();
    assert.equal(shown.change, 'address');
    assert.equal(shown.address, before);
    assert.equal(shown.new_address, after);
    const page = await fetch(link, { headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Put back/);
    // Looking did not undo anything.
    let { data: who } = await bia.identityApi.getIdentity({ id: registered.identity.id });
    assert.equal(who.traits.email, after);

    const token = new URL(link).searchParams.get('token');
    const undo = () => fetch(`${bia.publicUrl}/self-service/undo`, {
      method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    const done = await undo();
    assert.equal(done.status, 200);
    assert.equal((await done.json()).undone, 'address');
    ({ data: who } = await bia.identityApi.getIdentity({ id: registered.identity.id }));
    assert.equal(who.traits.email, before);
    const restored = who.verifiable_addresses.find((a) => a.value === before);
    assert.equal(restored.verified, true);
    const gone = await caught(bia.frontendApi.toSession({ xSessionToken: registered.session_token }));
    assert.equal(gone.status, 401);
    // Once only.
    assert.equal((await undo()).status, 400);
  });

  it('a password change: the link removes the new password and signs everyone out', async () => {
    const email = uniqueEmail('undo-password');
    const registered = await register(bia, email);
    const verification = await sink.waitForMail(email, { timeoutMs: 15_000 });
    await settingsChange(registered.session_token, { method: 'password', password: NEW_PASSWORD });
    const notice = await sink.waitForMail(email, { timeoutMs: 15_000, skip: [verification] });
    assert.match(notice.subject, /password was changed/);
    const token = new URL(undoLinkIn(notice)).searchParams.get('token');

    const done = await fetch(`${bia.publicUrl}/self-service/undo`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(), redirect: 'manual',
    });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `${UI_BASE}/login`);
    const { data: login } = await bia.frontendApi.createNativeLoginFlow();
    const refused = await caught(bia.frontendApi.updateLoginFlow({
      flow: login.id, updateLoginFlowBody: { method: 'password', identifier: email, password: NEW_PASSWORD },
    }));
    assert.equal(refused.status, 400);
    const gone = await caught(bia.frontendApi.toSession({ xSessionToken: registered.session_token }));
    assert.equal(gone.status, 401);
  });
});
