// Crash safety (issue 5 §5).
//
// Many clients register accounts, update identities through the admin API
// and (when the settings flow exists) change passwords through the settings
// API, while the server is killed with SIGKILL at a random moment. After each
// kill the SQLite file is checked with the sqlite3 CLI (PRAGMA integrity_check,
// foreign_key_check, and "nothing half-written": every identity has its
// password credential, identifier and addresses), the server is restarted on
// the same data dir, and every change acknowledged with a 2xx must be there —
// or, for the one request per identity that was in flight at the kill, the
// newer value. Repeated several times per run.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { describeBody, rawRequest, startBia, uniqueEmail } from './lib/server.js';

const ROUNDS = 5;
const CLIENTS = 10;
const JSON_H = { 'Content-Type': 'application/json', Accept: 'application/json' };
const REQ_TIMEOUT = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sqlite(dbPath, sql) {
  return execFileSync('sqlite3', ['-batch', dbPath, sql], { encoding: 'utf8', timeout: 30_000 }).trim();
}

describe('crash safety', { timeout: 180_000 }, () => {
  let bia;
  let hasSettings = false;
  /** identity id → { email, token, name: {acked, inflight}, password: {acked, inflight} } */
  const accounts = new Map();
  const acked = { registrations: 0, adminUpdates: 0, passwordChanges: 0 };
  let rng = Number(process.env.BIA_CRASH_SEED || Date.now()) >>> 0;
  const random = () => {
    // xorshift32: reproducible with BIA_CRASH_SEED
    rng ^= rng << 13; rng >>>= 0; rng ^= rng >>> 17; rng ^= rng << 5; rng >>>= 0;
    return rng / 0x100000000;
  };

  before(async () => {
    bia = await startBia({ config: { log: { level: 'info' } } });
    console.log(`# crash: seed ${rng}`);
  });

  after(async () => {
    if (bia) await bia.close();
  });

  const req = (method, url, opts = {}) => rawRequest(method, url, { timeoutMs: REQ_TIMEOUT, ...opts });

  // Returns the id of the identity this call registered (undefined if none).
  async function register(stop) {
    const email = uniqueEmail('crash');
    const password = `Crash-${Math.floor(random() * 1e9)}-Passw0rd!`;
    const init = await req('GET', `${bia.publicUrl}/self-service/registration/api`, { headers: { Accept: 'application/json' } });
    if (init.status !== 200 || stop.now) return;
    const res = await req('POST', `${bia.publicUrl}/self-service/registration?flow=${init.json.id}`, {
      headers: JSON_H, body: { method: 'password', password, traits: { email, name: { first: 'v0' } } },
    });
    assert.ok(res.status < 500, `registration: ${res.status} ${describeBody(res)}`);
    if (res.status === 200) {
      acked.registrations += 1;
      accounts.set(res.json.identity.id, {
        email, token: res.json.session_token, name: { acked: 'v0' }, password: { acked: password },
      });
      return res.json.identity.id;
    }
    return undefined;
  }

  async function adminUpdate(id, acc) {
    const next = `v${Math.floor(random() * 1e9)}`;
    acc.name.inflight = next;
    const res = await req('PUT', `${bia.adminUrl}/admin/identities/${id}`, {
      headers: JSON_H, body: { schema_id: 'default', state: 'active', traits: { email: acc.email, name: { first: next } } },
    });
    assert.ok(res.status < 500, `admin update: ${res.status} ${describeBody(res)}`);
    // Answered: no longer in flight (a 4xx wrote nothing, so only the acknowledged value may be there).
    acc.name = res.status === 200 ? { acked: next } : { acked: acc.name.acked };
    if (res.status === 200) acked.adminUpdates += 1;
  }

  async function changePassword(acc) {
    const init = await req('GET', `${bia.publicUrl}/self-service/settings/api`, {
      headers: { Accept: 'application/json', 'X-Session-Token': acc.token },
    });
    if (init.status !== 200) return;
    const next = `Crash-${Math.floor(random() * 1e9)}-Changed!`;
    acc.password.inflight = next;
    const res = await req('POST', `${bia.publicUrl}/self-service/settings?flow=${init.json.id}`, {
      headers: { ...JSON_H, 'X-Session-Token': acc.token }, body: { method: 'password', password: next },
    });
    assert.ok(res.status < 500, `settings: ${res.status} ${describeBody(res)}`);
    acc.password = res.status === 200 ? { acked: next } : { acked: acc.password.acked };
    if (res.status === 200) acked.passwordChanges += 1;
  }

  async function client(owned, stop) {
    while (!stop.now) {
      try {
        const r = random();
        if (owned.length === 0 || r < 0.4) {
          // Own only the identity this client registered. (Diffing `accounts` before/after the
          // call also picked up identities other clients registered meanwhile, so one identity
          // had several owners sending overlapping changes: both got 200 and the bookkeeping kept
          // whichever response arrived last, not the one the server committed last — a "lost"
          // acknowledged change that was really two concurrent ones.)
          const id = await register(stop);
          if (id) owned.push(id);
        } else {
          const id = owned[Math.floor(random() * owned.length)];
          const acc = accounts.get(id);
          if (hasSettings && r > 0.75) await changePassword(acc); else await adminUpdate(id, acc);
        }
      } catch (err) {
        if (err.code === 'ERR_ASSERTION') throw err;
        return; // the server is gone: connection reset/refused
      }
    }
  }

  function checkFile() {
    const db = bia.ctx.dbPath;
    assert.equal(sqlite(db, 'PRAGMA integrity_check;'), 'ok', 'integrity_check');
    assert.equal(sqlite(db, 'PRAGMA foreign_key_check;'), '', 'foreign_key_check');
    const half = {
      'identity without password credential': "SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM identity_credentials c WHERE c.identity_id = i.id AND c.type = 'password');",
      'identity without identifier': 'SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM identity_credential_identifiers x WHERE x.identity_id = i.id);',
      'identity without verifiable address': 'SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM identity_verifiable_addresses a WHERE a.identity_id = i.id);',
      'identity without recovery address': 'SELECT count(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM identity_recovery_addresses a WHERE a.identity_id = i.id);',
      'credential without identifier': 'SELECT count(*) FROM identity_credentials c WHERE NOT EXISTS (SELECT 1 FROM identity_credential_identifiers x WHERE x.credential_id = c.id);',
      'session without identity': 'SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.id = s.identity_id);',
    };
    for (const [what, sql] of Object.entries(half)) assert.equal(sqlite(db, sql), '0', what);
    return Number(sqlite(db, 'SELECT count(*) FROM identities;'));
  }

  async function checkAcknowledged() {
    for (const [id, acc] of accounts) {
      const res = await req('GET', `${bia.adminUrl}/admin/identities/${id}`, { headers: { Accept: 'application/json' } });
      assert.equal(res.status, 200, `acknowledged identity ${id} missing: ${describeBody(res)}`);
      assert.equal(res.json.traits.email, acc.email);
      const first = res.json.traits.name?.first;
      const okNames = [acc.name.acked, acc.name.inflight].filter(Boolean);
      assert.ok(okNames.includes(first), `identity ${id}: name ${first}, acknowledged ${acc.name.acked}, in flight ${acc.name.inflight}`);
      if (first === acc.name.inflight) acc.name = { acked: first };
      delete acc.name.inflight;
      assert.equal(res.json.verifiable_addresses?.length, 1, `identity ${id}: verifiable addresses`);
      const who = await req('GET', `${bia.publicUrl}/sessions/whoami`, { headers: { Accept: 'application/json', 'X-Session-Token': acc.token } });
      assert.equal(who.status, 200, `identity ${id}: acknowledged session lost: ${describeBody(who)}`);
    }
    // Passwords: log in with the acknowledged one (or the one in flight at the kill).
    for (const [id, acc] of accounts) {
      const candidates = [acc.password.acked, acc.password.inflight].filter(Boolean);
      let okWith;
      for (const pw of candidates) {
        const flow = await req('GET', `${bia.publicUrl}/self-service/login/api`, { headers: { Accept: 'application/json' } });
        const res = await req('POST', `${bia.publicUrl}/self-service/login?flow=${flow.json.id}`, {
          headers: JSON_H, body: { method: 'password', identifier: acc.email, password: pw },
        });
        assert.ok(res.status < 500, `login: ${res.status}`);
        if (res.status === 200) { okWith = pw; break; }
      }
      assert.ok(okWith, `identity ${id}: no acknowledged password works (credential lost)`);
      acc.password = { acked: okWith };
    }
  }

  it('acknowledged changes survive SIGKILL at random moments; nothing half-written; integrity ok', async () => {
    const settings = await req('GET', `${bia.publicUrl}/self-service/settings/api`, { headers: { Accept: 'application/json' } });
    hasSettings = settings.status !== 404 && settings.status !== 405;
    const owned = Array.from({ length: CLIENTS }, () => []);
    for (let round = 1; round <= ROUNDS; round++) {
      const stop = { now: false };
      const clients = owned.map((o) => client(o, stop));
      await sleep(200 + Math.floor(random() * 1300));
      const pid = bia.pid;
      bia.child.kill('SIGKILL');
      const exit = await bia.exited;
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: server exited on its own before the kill (pid ${pid})\n${bia.diagnostics()}`);
      stop.now = true;
      await Promise.all(clients);
      const ownedIds = owned.flat();
      assert.equal(new Set(ownedIds).size, ownedIds.length, 'an identity is owned by two clients (overlapping changes)');
      const rows = checkFile();
      await bia.start();
      await checkAcknowledged();
      assert.ok(rows >= accounts.size, `round ${round}: ${rows} identities on disk < ${accounts.size} acknowledged`);
      console.log(`# crash: round ${round}: killed after load, ${accounts.size} acknowledged accounts, ${rows} on disk, settings ${hasSettings ? 'on' : 'absent'}`);
    }
    console.log(`# crash: acknowledged ${JSON.stringify(acked)}`);
    assert.ok(accounts.size > 0, 'no registration was ever acknowledged');
    assert.ok(acked.adminUpdates > 0, 'no admin update was ever acknowledged');
    if (hasSettings) assert.ok(acked.passwordChanges > 0, 'no settings password change was ever acknowledged');
  });
});

// Concurrent edits (issue 5 §6): two settings submissions (or a settings
// submission and an admin update) on the same identity at the same moment
// never corrupt it or lose its credential; the outcome is one of the complete
// updates (or both, when they touch different fields).
describe('concurrent edits', { timeout: 120_000 }, () => {
  let bia;
  let hasSettings = false;
  const ROUNDS_EACH = 12;
  const req = (method, url, opts = {}) => rawRequest(method, url, { timeoutMs: REQ_TIMEOUT, ...opts });

  before(async () => {
    bia = await startBia({ config: { log: { level: 'info' } } });
    const probe = await req('GET', `${bia.publicUrl}/self-service/settings/api`, { headers: { Accept: 'application/json' } });
    hasSettings = probe.status !== 404 && probe.status !== 405;
  });

  after(async () => {
    if (bia) await bia.close();
  });

  async function registerOne() {
    const email = uniqueEmail('concurrent');
    const password = 'Concurrent-Start-Passw0rd!';
    const flow = await req('GET', `${bia.publicUrl}/self-service/registration/api`, { headers: { Accept: 'application/json' } });
    const res = await req('POST', `${bia.publicUrl}/self-service/registration?flow=${flow.json.id}`, {
      headers: JSON_H, body: { method: 'password', password, traits: { email, name: { first: 'start' } } },
    });
    assert.equal(res.status, 200, describeBody(res));
    return { id: res.json.identity.id, email, token: res.json.session_token, password };
  }

  async function settingsFlow(acc) {
    const res = await req('GET', `${bia.publicUrl}/self-service/settings/api`, {
      headers: { Accept: 'application/json', 'X-Session-Token': acc.token },
    });
    assert.equal(res.status, 200, describeBody(res));
    return res.json.id;
  }

  const submitPassword = (acc, flow, password) => req('POST', `${bia.publicUrl}/self-service/settings?flow=${flow}`, {
    headers: { ...JSON_H, 'X-Session-Token': acc.token }, body: { method: 'password', password },
  });

  async function loginWorks(email, password) {
    const flow = await req('GET', `${bia.publicUrl}/self-service/login/api`, { headers: { Accept: 'application/json' } });
    const res = await req('POST', `${bia.publicUrl}/self-service/login?flow=${flow.json.id}`, {
      headers: JSON_H, body: { method: 'password', identifier: email, password },
    });
    assert.ok(res.status < 500, `login: ${res.status} ${describeBody(res)}`);
    return res.status === 200;
  }

  async function assertWhole(acc) {
    const res = await req('GET', `${bia.adminUrl}/admin/identities/${acc.id}?include_credential=password`, { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200, describeBody(res));
    assert.equal(res.json.traits.email, acc.email);
    assert.ok(res.json.credentials?.password, `password credential lost: ${describeBody(res)}`);
    assert.deepEqual(res.json.credentials.password.identifiers, [acc.email]);
    assert.equal(res.json.verifiable_addresses?.length, 1);
    assert.equal(res.json.recovery_addresses?.length, 1);
    return res.json;
  }

  it('two password changes at the same moment: exactly one new password works', async (t) => {
    if (!hasSettings) { t.skip('settings flow not available'); return; }
    for (let i = 0; i < ROUNDS_EACH; i++) {
      const acc = await registerOne();
      const [f1, f2] = await Promise.all([settingsFlow(acc), settingsFlow(acc)]);
      const pwA = `Concurrent-A-${i}-Passw0rd!`;
      const pwB = `Concurrent-B-${i}-Passw0rd!`;
      const [a, b] = await Promise.all([submitPassword(acc, f1, pwA), submitPassword(acc, f2, pwB)]);
      for (const r of [a, b]) assert.ok(r.status < 500, `settings: ${r.status} ${describeBody(r)}`);
      assert.ok(a.status === 200 || b.status === 200, `neither change acknowledged: ${a.status}/${b.status}`);
      await assertWhole(acc);
      const okA = await loginWorks(acc.email, pwA);
      const okB = await loginWorks(acc.email, pwB);
      assert.ok(okA !== okB, `round ${i}: A works ${okA}, B works ${okB} (acked ${a.status}/${b.status})`);
      if (okA) assert.equal(a.status, 200, 'the surviving password must be an acknowledged one');
      if (okB) assert.equal(b.status, 200, 'the surviving password must be an acknowledged one');
      assert.equal(await loginWorks(acc.email, acc.password), false, 'old password still works');
    }
  });

  it('a password change and an admin traits update at the same moment keep the identity whole', async (t) => {
    if (!hasSettings) { t.skip('settings flow not available'); return; }
    for (let i = 0; i < ROUNDS_EACH; i++) {
      const acc = await registerOne();
      const flow = await settingsFlow(acc);
      const pw = `Concurrent-S-${i}-Passw0rd!`;
      const [s, u] = await Promise.all([
        submitPassword(acc, flow, pw),
        req('PUT', `${bia.adminUrl}/admin/identities/${acc.id}`, {
          headers: JSON_H, body: { schema_id: 'default', state: 'active', traits: { email: acc.email, name: { first: `admin-${i}` } } },
        }),
      ]);
      for (const r of [s, u]) assert.ok(r.status < 500, `${r.status} ${describeBody(r)}`);
      const identity = await assertWhole(acc);
      const newPw = await loginWorks(acc.email, pw);
      const oldPw = await loginWorks(acc.email, acc.password);
      assert.ok(newPw !== oldPw, `round ${i}: new password ${newPw}, old password ${oldPw}`);
      if (newPw) assert.equal(s.status, 200);
      const first = identity.traits.name?.first;
      assert.ok(first === 'start' || first === `admin-${i}`, `round ${i}: traits ${JSON.stringify(identity.traits)}`);
      if (first === `admin-${i}`) assert.equal(u.status, 200);
      // At least one of the two acknowledged updates is fully visible.
      assert.ok((s.status === 200 && newPw) || (u.status === 200 && first === `admin-${i}`),
        `round ${i}: neither update visible (settings ${s.status}, admin ${u.status})`);
    }
  });
});
