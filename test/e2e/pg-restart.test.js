// PostgreSQL restart under load (issue 7): Bia on a private cluster of its own (so that stopping it
// disturbs no other suite), four clients looping over whoami, admin identity reads and admin
// identity creates, and PostgreSQL stopped (`pg_ctl stop -m fast`) and started again on the same
// data dir and port by scripts/restart-postgres.sh.
//
//  * while the database is down, every answer is a 503 in the Kratos error envelope
//    ({"error":{"code":503,"status":"Service Unavailable",…}}) — never a 500, never a dropped
//    connection, never a hang (each request has a deadline); /health/alive stays 200 and
//    /health/ready answers 503 with {"errors":{"database":…}} on both ports;
//  * across the whole run no answer is a 5xx other than 503 and the process never exits;
//  * once PostgreSQL is back, Bia recovers by itself within RECOVERY_BOUND_MS: ready is 200 again,
//    old session tokens work, identities written before the restart are there and new writes
//    succeed; every request started after the recovery succeeds.
//
// Skipped without PostgreSQL server binaries, unless CI=true (then it fails).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { postgresMissing, startPostgres } from './lib/postgres.js';
import { BiaServer, describeBody, expectErrorEnvelope, rawRequest, uniqueEmail } from './lib/server.js';

const SUITE_TIMEOUT = 120_000;
const CLIENTS = 4;
const REQ_TIMEOUT = 8_000; // longer than this counts as a hang
const DOWN_MS = 3_000; // how long the database stays away
const RECOVERY_BOUND_MS = 15_000; // from "PostgreSQL accepts connections" to "ready is 200"
const PASSWORD = 'pg restart password 4 tests';
const JSON_H = { 'Content-Type': 'application/json', Accept: 'application/json' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const missing = postgresMissing();
const skip = missing && process.env.CI !== 'true' ? `pg-restart suite skipped: ${missing}` : false;

/** Asserts the 503 envelope with its reason phrase spelled out. */
function expectUnavailable(res, what) {
  const e = expectErrorEnvelope(res, 503);
  assert.equal(e.status, 'Service Unavailable', `${what}: error.status; ${describeBody(res)}`);
  return e;
}

describe('PostgreSQL restart under load', { timeout: SUITE_TIMEOUT, skip }, () => {
  let pg;
  let bia;
  const accounts = []; // { email, token, id }

  before(async () => {
    assert.ok(!missing, `CI=true and ${missing}`);
    pg = await startPostgres();
    bia = new BiaServer({ config: { dsn: pg.dsn, log: { level: 'info' } } });
    await bia.prepare();
    await bia.start();
    for (let i = 0; i < CLIENTS; i++) {
      const email = uniqueEmail(`pgr${i}`);
      const init = await rawRequest('GET', `${bia.publicUrl}/self-service/registration/api`, { headers: JSON_H });
      assert.equal(init.status, 200, describeBody(init));
      const reg = await rawRequest('POST', `${bia.publicUrl}/self-service/registration?flow=${init.json.id}`, {
        headers: JSON_H, body: { method: 'password', password: PASSWORD, traits: { email } },
      });
      assert.equal(reg.status, 200, describeBody(reg));
      accounts.push({ email, token: reg.json.session_token, id: reg.json.identity.id });
    }
  });

  after(async () => {
    // Both run even when the other fails; the cluster is stopped and removed in every case.
    await bia?.close().catch(() => {});
    await pg?.close();
  });

  it('answers 503 envelopes while the database is down and recovers by itself', async () => {
    const log = []; // every load request: { what, started, ended, status, body, error }
    const probes = []; // { t, alive: [pub, adm], ready: [pub, adm], running }
    const t = { downBegin: Infinity, down: Infinity, upBegin: Infinity, up: Infinity, recovered: Infinity };
    let stop = false;
    let created = 0;

    const req = async (what, method, url, opts = {}) => {
      const entry = { what, started: Date.now() };
      log.push(entry);
      try {
        const res = await rawRequest(method, url, { timeoutMs: REQ_TIMEOUT, ...opts });
        Object.assign(entry, { ended: Date.now(), status: res.status, res });
        return res;
      } catch (err) {
        Object.assign(entry, { ended: Date.now(), error: err.message });
        return null;
      }
    };

    const client = async (acc, i) => {
      for (let n = 0; !stop; n++) {
        await req('whoami', 'GET', `${bia.publicUrl}/sessions/whoami`, { headers: { Accept: 'application/json', 'X-Session-Token': acc.token } });
        await req('admin get', 'GET', `${bia.adminUrl}/admin/identities/${acc.id}`, { headers: JSON_H });
        const c = await req('admin create', 'POST', `${bia.adminUrl}/admin/identities`, {
          headers: JSON_H, body: { schema_id: 'default', traits: { email: uniqueEmail(`pgr${i}n${n}`) } },
        });
        if (c?.status === 201) created += 1;
        if (n % 4 === 0) await req('admin list', 'GET', `${bia.adminUrl}/admin/identities?per_page=5`, { headers: JSON_H });
        if (n % 4 === 2) await req('registration init', 'GET', `${bia.publicUrl}/self-service/registration/api`, { headers: JSON_H });
      }
    };

    const monitor = async () => {
      while (!stop) {
        const started = Date.now();
        const get = (url) => rawRequest('GET', url, { timeoutMs: REQ_TIMEOUT }).then((r) => r, (e) => ({ status: 0, text: e.message }));
        const [ap, aa, rp, ra] = await Promise.all([
          get(`${bia.publicUrl}/health/alive`), get(`${bia.adminUrl}/health/alive`),
          get(`${bia.publicUrl}/health/ready`), get(`${bia.adminUrl}/health/ready`),
        ]);
        probes.push({ started, ended: Date.now(), alive: [ap, aa], ready: [rp, ra], running: bia.running });
        await sleep(150);
      }
    };

    const loops = [...accounts.map((acc, i) => client(acc, i)), monitor()];
    try {
      await sleep(1_500);
      t.downBegin = Date.now();
      await pg.stopServer();
      t.down = Date.now();

      // The database is gone: explicit checks of every kind of answer, on top of the load.
      await sleep(300);
      const acc = accounts[0];
      for (const [url, what] of [[`${bia.publicUrl}/health/alive`, 'public alive'], [`${bia.adminUrl}/health/alive`, 'admin alive']]) {
        const r = await rawRequest('GET', url, { timeoutMs: REQ_TIMEOUT });
        assert.equal(r.status, 200, `${what} while the database is down: ${describeBody(r)}`);
      }
      for (const url of [`${bia.publicUrl}/health/ready`, `${bia.adminUrl}/health/ready`]) {
        const r = await rawRequest('GET', url, { timeoutMs: REQ_TIMEOUT });
        assert.equal(r.status, 503, `ready while the database is down: ${describeBody(r)}`);
        assert.equal(typeof r.json?.errors?.database, 'string', `ready names the database: ${describeBody(r)}`);
      }
      expectUnavailable(await rawRequest('GET', `${bia.publicUrl}/sessions/whoami`, {
        timeoutMs: REQ_TIMEOUT, headers: { Accept: 'application/json', 'X-Session-Token': acc.token },
      }), 'whoami');
      expectUnavailable(await rawRequest('GET', `${bia.adminUrl}/admin/identities/${acc.id}`, { timeoutMs: REQ_TIMEOUT, headers: JSON_H }), 'admin get');
      expectUnavailable(await rawRequest('POST', `${bia.adminUrl}/admin/identities`, {
        timeoutMs: REQ_TIMEOUT, headers: JSON_H, body: { schema_id: 'default', traits: { email: uniqueEmail('down') } },
      }), 'admin create');
      expectUnavailable(await rawRequest('GET', `${bia.publicUrl}/self-service/login/api`, { timeoutMs: REQ_TIMEOUT, headers: JSON_H }), 'login init');
      const remaining = DOWN_MS - (Date.now() - t.down);
      if (remaining > 0) await sleep(remaining);

      t.upBegin = Date.now();
      await pg.startServer();
      t.up = Date.now();
      for (;;) {
        const r = await rawRequest('GET', `${bia.publicUrl}/health/ready`, { timeoutMs: REQ_TIMEOUT }).catch(() => null);
        if (r?.status === 200) { t.recovered = Date.now(); break; }
        assert.ok(Date.now() - t.up < RECOVERY_BOUND_MS,
          `ready is not 200 ${RECOVERY_BOUND_MS} ms after PostgreSQL is back (last: ${describeBody(r)})\n${bia.diagnostics()}`);
        await sleep(100);
      }
      await sleep(2_000); // load goes on against the recovered database
    } finally {
      stop = true;
      await Promise.all(loops);
    }

    const createdBefore = created;
    const fmt = (e) => `${e.what} at +${e.started - t.downBegin} ms (${e.ended - e.started} ms): ${e.error || `HTTP ${e.status} ${describeBody(e.res).slice(0, 300)}`}`;
    const during = (e) => e.started >= t.down && e.ended <= t.upBegin;
    const afterRecovery = (e) => e.started >= t.recovered;
    const byWindow = { before: 0, down: 0, up: 0, afterRecovery: 0 };
    for (const e of log) {
      if (e.ended <= t.downBegin) byWindow.before += 1;
      else if (during(e)) byWindow.down += 1;
      else if (afterRecovery(e)) byWindow.afterRecovery += 1;
      else byWindow.up += 1;
    }
    console.log(`# pg-restart: ${log.length} requests ${JSON.stringify(byWindow)}; stop took ${t.down - t.downBegin} ms, `
      + `start ${t.up - t.upBegin} ms, ready again ${t.recovered - t.up} ms after PostgreSQL accepted connections; `
      + `${createdBefore} identities created under load`);

    // No hang, no dropped connection, no 5xx other than 503 — at any moment.
    const broken = log.filter((e) => e.error || (e.status >= 500 && e.status !== 503));
    assert.deepEqual(broken.map(fmt), [], `every request got an answer, never a 5xx other than 503\n${bia.diagnostics()}`);
    // Every 503 is the Kratos envelope.
    for (const e of log.filter((x) => x.status === 503)) expectUnavailable(e.res, fmt(e));
    // While the database was down: 503 only, and the load actually ran then.
    const down = log.filter(during);
    assert.ok(down.length >= CLIENTS, `load ran while the database was down (${down.length} requests)`);
    assert.deepEqual(down.filter((e) => e.status !== 503).map(fmt), [], 'only 503 while the database is down');
    // After the recovery: everything succeeds again.
    const late = log.filter(afterRecovery);
    assert.ok(late.length >= CLIENTS, `load ran after the recovery (${late.length} requests)`);
    assert.deepEqual(late.filter((e) => e.status >= 300).map(fmt), [], 'every request after the recovery succeeds');
    assert.ok(log.filter((e) => e.ended <= t.downBegin).every((e) => e.status < 300), 'every request before the stop succeeded');

    // Health probes: alive always 200, ready 503 while down, the process always there.
    assert.ok(probes.length > 5);
    for (const p of probes) {
      assert.ok(p.running, `Bia was running at +${p.started - t.downBegin} ms\n${bia.diagnostics()}`);
      for (const a of p.alive) assert.equal(a.status, 200, `alive at +${p.started - t.downBegin} ms: ${describeBody(a)}`);
      for (const r of p.ready) assert.ok(r.status === 200 || r.status === 503, `ready at +${p.started - t.downBegin} ms: ${describeBody(r)}`);
      if (p.started >= t.down && p.ended <= t.upBegin) {
        for (const r of p.ready) assert.equal(r.status, 503, `ready while down: ${describeBody(r)}`);
      }
    }
    assert.ok(probes.some((p) => p.started >= t.down && p.ended <= t.upBegin), 'probes ran while the database was down');

    // Recovered state: old tokens, old identities, new writes.
    assert.ok(bia.running, `Bia still running\n${bia.diagnostics()}`);
    for (const acc of accounts) {
      const who = await rawRequest('GET', `${bia.publicUrl}/sessions/whoami`, {
        timeoutMs: REQ_TIMEOUT, headers: { Accept: 'application/json', 'X-Session-Token': acc.token },
      });
      assert.equal(who.status, 200, describeBody(who));
      assert.equal(who.json.identity.id, acc.id);
    }
    const email = uniqueEmail('after');
    const init = await rawRequest('GET', `${bia.publicUrl}/self-service/registration/api`, { headers: JSON_H });
    assert.equal(init.status, 200, describeBody(init));
    const reg = await rawRequest('POST', `${bia.publicUrl}/self-service/registration?flow=${init.json.id}`, {
      headers: JSON_H, body: { method: 'password', password: PASSWORD, traits: { email } },
    });
    assert.equal(reg.status, 200, describeBody(reg));
    const loginInit = await rawRequest('GET', `${bia.publicUrl}/self-service/login/api`, { headers: JSON_H });
    const login = await rawRequest('POST', `${bia.publicUrl}/self-service/login?flow=${loginInit.json.id}`, {
      headers: JSON_H, body: { method: 'password', identifier: accounts[1].email, password: PASSWORD },
    });
    assert.equal(login.status, 200, describeBody(login));
    const created2 = await rawRequest('POST', `${bia.adminUrl}/admin/identities`, {
      headers: JSON_H, body: { schema_id: 'default', traits: { email: uniqueEmail('after-admin') } },
    });
    assert.equal(created2.status, 201, describeBody(created2));
  });
});
