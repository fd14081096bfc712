// Scale-out (issue 7): two Bia instances on ONE PostgreSQL database behind haproxy.
//
// haproxy (generated config, loopback ports, `balance roundrobin`) adds `X-Bia-Instance: <server>`
// to every answer, and a request header `X-Bia-Route: bia1|bia2` pins a request to one instance,
// so each step can name — and assert — the instance that served it. Both instances share the
// configuration that matters across instances: the secrets (session and CSRF cookies, continuity
// containers) and serve.public.base_url (the load balancer's URL).
//
//  * flows cross instances: a login (API and browser with cookies) initialised on one instance is
//    fetched and completed on the other, a settings flow created on one is fetched and submitted
//    on the other, and whoami answers on both;
//  * a session revoked on one instance (API logout, DELETE /sessions/{id}, browser logout, admin
//    DELETE /admin/identities/{id}/sessions) is refused by the other on the very next request;
//  * steady load (8 clients looping whoami + settings profile submits) while one instance gets
//    SIGKILL: the survivor keeps serving and no more requests fail than were in flight at the kill
//    (at most one per client) — haproxy's health checks and `retry-on` + `redispatch` move the rest.
//
// Database: with BIA_TEST_POSTGRES_DSN set (make test), a fresh database on that server (dropped
// afterwards); otherwise a private cluster from scripts/start-postgres.sh (stopped afterwards).
// Without haproxy or PostgreSQL binaries the suite is skipped — unless CI=true, then it fails.
// HAPROXY_BIN names the haproxy binary (default: /usr/sbin/haproxy or haproxy on PATH).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import { createDatabase, dropDatabase, postgresMissing, startPostgres } from './lib/postgres.js';
import {
  BiaServer,
  DEFAULT_SECRET,
  UI_BASE,
  describeBody,
  expectErrorEnvelope,
  expectStatus,
  freePort,
  header,
  makeClients,
  rawRequest,
  uniqueEmail,
} from './lib/server.js';

const SUITE_TIMEOUT = 120_000;
const PASSWORD = 'scale out password 4 tests';
const CLIENTS = 8;
const LOAD_BEFORE_KILL_MS = 2500;
const LOAD_AFTER_KILL_MS = 4000;
const REQ_TIMEOUT = 15_000; // a request that takes longer counts as a failure (a hang)
const NAMES = ['bia1', 'bia2'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pin = (name) => ({ headers: { 'X-Bia-Route': name } });
const servedBy = (res) => header(res, 'x-bia-instance');
const node = (flow, name) => flow.ui.nodes.find((n) => n.attributes.name === name);

function findHaproxy() {
  if (process.env.HAPROXY_BIN) return existsSync(process.env.HAPROXY_BIN) ? process.env.HAPROXY_BIN : null;
  for (const p of ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const haproxyBin = findHaproxy();
const missing = !haproxyBin ? 'haproxy is not installed (Debian package haproxy)'
  : (process.env.BIA_TEST_POSTGRES_DSN ? null : postgresMissing());
const skip = missing && process.env.CI !== 'true' ? `scale-out suite skipped: ${missing}` : false;

function haproxyConfig({ port, servers, socket }) {
  return `global
  maxconn 512
  nbthread 1
  stats socket ${socket} mode 600 level admin

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 10s
  timeout check 2s
  # A request whose server refused the connection, closed it without an answer (SIGKILL) or did
  # not answer in time goes to another server; redispatch on every retry, not only the last.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend public
  bind 127.0.0.1:${port}
  default_backend bia

backend bia
  balance roundrobin
  option httpchk GET /health/alive
  http-check expect status 200
  default-server inter 250ms fastinter 100ms downinter 500ms fall 2 rise 2
  # Tests pin a request with X-Bia-Route; a pinned server that is down is skipped.
  use-server bia1 if { req.hdr(x-bia-route) -m str bia1 }
  use-server bia2 if { req.hdr(x-bia-route) -m str bia2 }
  http-response set-header X-Bia-Instance %s
${servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`).join('\n')}
`;
}

/** `show stat` over the stats socket → { svname: { status, retries, redispatches, … } } of backend bia. */
function haproxyStats(socket) {
  return new Promise((resolve, reject) => {
    let out = '';
    const c = net.createConnection(socket, () => c.end('show stat\n'));
    c.setEncoding('utf8');
    c.on('data', (d) => { out += d; });
    c.on('error', reject);
    c.on('close', () => {
      const lines = out.split('\n').filter(Boolean);
      const head = (lines.shift() || '').replace(/^#\s*/, '').split(',');
      const stats = {};
      for (const line of lines) {
        const f = line.split(',');
        const row = Object.fromEntries(head.map((h, i) => [h, f[i]]));
        if (row.pxname === 'bia') stats[row.svname] = row;
      }
      resolve(stats);
    });
  });
}

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn().catch((e) => e);
    if (last === true) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(100);
  }
}

describe('scale-out: two instances on one PostgreSQL database behind haproxy', { timeout: SUITE_TIMEOUT, skip }, () => {
  let pg; // own cluster, when no shared server was given
  let shared; // { base, name } of the database made on the shared server
  let dir;
  let lbUrl;
  let socket;
  let haproxy;
  let haproxyLog = '';
  const bias = []; // [bia1, bia2]
  let lb; // Ory clients against the load balancer

  const diagnostics = () => `${bias.map((b, i) => `=== ${NAMES[i]}\n${b.diagnostics()}`).join('\n')}\n=== haproxy\n${haproxyLog.slice(-3000)}`;

  before(async () => {
    assert.ok(!missing, `CI=true and ${missing}`);
    let dsn;
    if (process.env.BIA_TEST_POSTGRES_DSN) {
      shared = { base: process.env.BIA_TEST_POSTGRES_DSN, name: `scaleout_${process.pid}_${Date.now()}` };
      dsn = createDatabase(shared.base, shared.name);
    } else {
      pg = await startPostgres();
      dsn = pg.dsn;
    }
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bia-scaleout-'));
    socket = path.join(dir, 'haproxy.sock');
    const lbPort = await freePort();
    lbUrl = `http://127.0.0.1:${lbPort}`;
    const secrets = { default: [DEFAULT_SECRET], cookie: [`cookie-${DEFAULT_SECRET}`], cipher: [DEFAULT_SECRET] };
    for (let i = 0; i < 2; i++) {
      const b = new BiaServer({
        config: {
          dsn,
          log: { level: 'info' },
          secrets,
          serve: { public: { base_url: `${lbUrl}/` } },
        },
      });
      await b.prepare();
      bias.push(b);
    }
    // Both start at once on an empty database: the migrations race (one applies, one skips).
    await Promise.all(bias.map((b) => b.start()));

    const cfg = path.join(dir, 'haproxy.cfg');
    await fs.writeFile(cfg, haproxyConfig({
      port: lbPort, socket, servers: bias.map((b, i) => ({ name: NAMES[i], port: b.publicPort })),
    }));
    const check = spawnSync(haproxyBin, ['-c', '-f', cfg], { encoding: 'utf8' });
    assert.equal(check.status, 0, `haproxy -c: ${check.stdout}${check.stderr}`);
    haproxy = spawn(haproxyBin, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout.on('data', (d) => { haproxyLog += d; });
    haproxy.stderr.on('data', (d) => { haproxyLog += d; });
    await waitFor('haproxy to see both instances UP', async () => {
      if (haproxy.exitCode !== null) throw new Error(`haproxy exited: ${haproxyLog}`);
      const s = await haproxyStats(socket);
      return NAMES.every((n) => s[n]?.status === 'UP') || JSON.stringify(Object.values(s).map((r) => [r.svname, r.status]));
    }, 15_000);
    lb = makeClients(lbUrl, bias[0].adminUrl);
  });

  after(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const gone = new Promise((r) => haproxy.once('exit', r));
      haproxy.kill('SIGKILL');
      await gone;
    }
    await Promise.all(bias.map((b) => b.close().catch(() => {})));
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    if (shared) dropDatabase(shared.base, shared.name);
    if (pg) await pg.close();
  });

  async function registerApi(email = uniqueEmail('scale')) {
    const init = await lb.frontendApi.createNativeRegistrationFlow({}, pin('bia1'));
    assert.equal(servedBy(init), 'bia1');
    const done = await lb.frontendApi.updateRegistrationFlow({
      flow: init.data.id,
      updateRegistrationFlowBody: { method: 'password', password: PASSWORD, traits: { email } },
    }, pin('bia2'));
    assert.equal(servedBy(done), 'bia2');
    return { email, token: done.data.session_token, identity: done.data.identity, session: done.data.session };
  }

  async function loginApi(email, initOn, submitOn) {
    const init = await lb.frontendApi.createNativeLoginFlow({}, pin(initOn));
    assert.equal(servedBy(init), initOn);
    const done = await lb.frontendApi.updateLoginFlow({
      flow: init.data.id, updateLoginFlowBody: { method: 'password', identifier: email, password: PASSWORD },
    }, pin(submitOn));
    assert.equal(servedBy(done), submitOn);
    return done.data;
  }

  async function whoami(token, on) {
    const res = await expectStatus(lb.frontendApi.toSession({ xSessionToken: token }, pin(on)), 200, `whoami on ${on}`);
    assert.equal(servedBy(res), on);
    return res.data;
  }

  async function refusedOn(token, on, what) {
    const res = await rawRequest('GET', `${lbUrl}/sessions/whoami`, {
      headers: { Accept: 'application/json', 'X-Session-Token': token, 'X-Bia-Route': on },
    });
    assert.equal(servedBy(res), on);
    expectErrorEnvelope(res, 401);
    return what;
  }

  it('round robin: unpinned requests alternate between both instances', async () => {
    const seen = [];
    for (let i = 0; i < 6; i++) {
      const res = await rawRequest('GET', `${lbUrl}/health/ready`);
      assert.equal(res.status, 200, describeBody(res));
      seen.push(servedBy(res));
    }
    assert.deepEqual([...new Set(seen)].sort(), NAMES, `instances seen: ${seen}`);
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `roundrobin alternates: ${seen}`);
  });

  it('API flows cross instances: register, login, settings and whoami each on the other instance', async () => {
    const reg = await registerApi();
    const session = await loginApi(reg.email, 'bia2', 'bia1');
    assert.ok(session.session_token);
    const a = await whoami(session.session_token, 'bia1');
    const b = await whoami(session.session_token, 'bia2');
    assert.equal(a.id, session.session.id);
    assert.equal(b.id, session.session.id);

    // Settings: created on bia2, fetched on bia1, submitted on bia1 — then read on bia2.
    const init = await lb.frontendApi.createNativeSettingsFlow({ xSessionToken: session.session_token }, pin('bia2'));
    assert.equal(servedBy(init), 'bia2');
    const fetched = await lb.frontendApi.getSettingsFlow({ id: init.data.id, xSessionToken: session.session_token }, pin('bia1'));
    assert.equal(servedBy(fetched), 'bia1');
    assert.equal(fetched.data.id, init.data.id);
    const done = await lb.frontendApi.updateSettingsFlow({
      flow: init.data.id,
      xSessionToken: session.session_token,
      updateSettingsFlowBody: { method: 'profile', traits: { email: reg.email, name: { first: 'Crossed' } } },
    }, pin('bia1'));
    assert.equal(servedBy(done), 'bia1');
    assert.equal(done.data.state, 'success');
    const after = await whoami(session.session_token, 'bia2');
    assert.equal(after.identity.traits.name.first, 'Crossed');
    const admin = await bias[1].identityApi.getIdentity({ id: reg.identity.id });
    assert.equal(admin.data.traits.name.first, 'Crossed');
  });

  it('a session revoked on one instance is refused by the other on the next request', async () => {
    const reg = await registerApi();
    // 1. API logout on bia1 → bia2 refuses the token at once.
    const s1 = await loginApi(reg.email, 'bia1', 'bia2');
    await whoami(s1.session_token, 'bia2');
    const out = await lb.frontendApi.performNativeLogout({ performNativeLogoutBody: { session_token: s1.session_token } }, pin('bia1'));
    assert.equal(out.status, 204);
    assert.equal(servedBy(out), 'bia1');
    await refusedOn(s1.session_token, 'bia2', 'after API logout on bia1');
    await refusedOn(s1.session_token, 'bia1', 'after API logout on bia1');

    // 2. DELETE /sessions/{id} (another session of the same identity) on bia2 → bia1 refuses it.
    const s2 = await loginApi(reg.email, 'bia2', 'bia1');
    await whoami(s2.session_token, 'bia1');
    const del = await rawRequest('DELETE', `${lbUrl}/sessions/${s2.session.id}`, {
      headers: { 'X-Session-Token': reg.token, 'X-Bia-Route': 'bia2' },
    });
    assert.equal(del.status, 204, describeBody(del));
    assert.equal(servedBy(del), 'bia2');
    await refusedOn(s2.session_token, 'bia1', 'after DELETE /sessions/{id} on bia2');

    // 3. Admin API of bia1 revokes every session of the identity → bia2 refuses them.
    const s3 = await loginApi(reg.email, 'bia1', 'bia1');
    await whoami(s3.session_token, 'bia2');
    await whoami(reg.token, 'bia2');
    const adminDel = await rawRequest('DELETE', `${bias[0].adminUrl}/admin/identities/${reg.identity.id}/sessions`);
    assert.equal(adminDel.status, 204, describeBody(adminDel));
    await refusedOn(s3.session_token, 'bia2', 'after admin revoke on bia1');
    await refusedOn(reg.token, 'bia2', 'after admin revoke on bia1');
  });

  it('browser flows with cookies cross instances: login, settings, logout', async () => {
    const { email } = await registerApi();
    const browser = new Browser(lbUrl);
    const get = (url, on, opts = {}) => browser.get(url, { ...opts, headers: { 'X-Bia-Route': on } });
    const post = (url, on, opts = {}) => browser.post(url, { ...opts, headers: { 'X-Bia-Route': on } });

    // Login: initialised on bia1 (CSRF cookie), fetched on bia2, submitted on bia1.
    const init = await get('/self-service/login/browser', 'bia1');
    assert.equal(init.status, 303, init.text);
    assert.equal(servedBy(init), 'bia1');
    const flowId = new URL(header(init, 'location')).searchParams.get('flow');
    const fetched = await get(`/self-service/login/flows?id=${flowId}`, 'bia2', { json: true });
    assert.equal(fetched.status, 200, fetched.text);
    assert.equal(servedBy(fetched), 'bia2');
    const flow = fetched.json;
    assert.ok(flow.ui.action.startsWith(`${lbUrl}/`), `ui.action on the load balancer: ${flow.ui.action}`);
    const login = await post(flow.ui.action, 'bia1', {
      form: { csrf_token: node(flow, 'csrf_token').attributes.value, method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(login.status, 303, login.text);
    assert.equal(servedBy(login), 'bia1');
    assert.ok(setCookies(login).some((c) => c.name === 'ory_kratos_session'), 'session cookie set');
    for (const on of NAMES) {
      const who = await get('/sessions/whoami', on, { json: true });
      assert.equal(who.status, 200, `${on}: ${who.text}`);
      assert.equal(servedBy(who), on);
      assert.equal(who.json.identity.traits.email, email);
    }

    // Settings (plain form): created on bia2, fetched on bia1, submitted on bia2.
    const sInit = await get('/self-service/settings/browser', 'bia2');
    assert.equal(sInit.status, 303, sInit.text);
    const sId = new URL(header(sInit, 'location')).searchParams.get('flow');
    const sFlow = await get(`/self-service/settings/flows?id=${sId}`, 'bia1', { json: true });
    assert.equal(sFlow.status, 200, sFlow.text);
    const saved = await post(sFlow.json.ui.action, 'bia2', {
      form: { csrf_token: node(sFlow.json, 'csrf_token').attributes.value, method: 'profile', 'traits.email': email, 'traits.name.first': 'Browsed' },
    });
    assert.equal(saved.status, 303, saved.text);
    assert.equal(servedBy(saved), 'bia2');
    const who = await get('/sessions/whoami', 'bia1', { json: true });
    assert.equal(who.json.identity.traits.name.first, 'Browsed');

    // Logout: URL from bia1, followed on bia2; the old cookie is refused by bia1 at once.
    const cookie = browser.cookieHeader();
    const urlRes = await get('/self-service/logout/browser', 'bia1', { json: true });
    assert.equal(urlRes.status, 200, urlRes.text);
    const out = await get(urlRes.json.logout_url, 'bia2');
    assert.equal(out.status, 303, out.text);
    assert.equal(servedBy(out), 'bia2');
    assert.equal(header(out, 'location'), `${UI_BASE}/login`);
    for (const on of NAMES) {
      const res = await rawRequest('GET', `${lbUrl}/sessions/whoami`, {
        headers: { Accept: 'application/json', Cookie: cookie, 'X-Bia-Route': on },
      });
      assert.equal(servedBy(res), on);
      expectErrorEnvelope(res, 401);
    }
  });

  it('steady load: SIGKILL of one instance fails at most the requests in flight on it', { timeout: 90_000 }, async () => {
    // One account per client, so settings submits never race each other on one identity.
    const accounts = [];
    for (let i = 0; i < CLIENTS; i++) accounts.push(await registerApi(uniqueEmail(`load${i}`)));

    const stats = { ok: 0, failures: [], byInstance: { before: {}, after: {} }, phase: 'before' };
    let stop = false;
    const count = (res) => {
      const name = servedBy(res) || '?';
      const bucket = stats.byInstance[stats.phase];
      bucket[name] = (bucket[name] || 0) + 1;
    };
    const call = async (what, method, url, { headers = {}, body, want = 200 } = {}) => {
      const started = stats.phase;
      try {
        const res = await rawRequest(method, url, {
          headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
          body: body ? JSON.stringify(body) : undefined,
          timeoutMs: REQ_TIMEOUT,
        });
        count(res);
        if (res.status === want) { stats.ok += 1; return res; }
        stats.failures.push(`${what} (${started}): HTTP ${res.status} from ${servedBy(res)}: ${describeBody(res).slice(0, 300)}`);
      } catch (err) {
        stats.failures.push(`${what} (${started}): ${err.message}`);
      }
      return null;
    };

    const client = async (acc, i) => {
      const h = { 'X-Session-Token': acc.token };
      for (let n = 0; !stop; n++) {
        await call('whoami', 'GET', `${lbUrl}/sessions/whoami`, { headers: h });
        const init = await call('settings init', 'GET', `${lbUrl}/self-service/settings/api`, { headers: h });
        if (!init) continue;
        await call('settings submit', 'POST', `${lbUrl}/self-service/settings?flow=${init.json.id}`, {
          headers: h, body: { method: 'profile', traits: { email: acc.email, name: { first: `c${i}n${n}` } } },
        });
      }
    };

    const loops = accounts.map((acc, i) => client(acc, i));
    await sleep(LOAD_BEFORE_KILL_MS);
    stats.phase = 'after';
    const victim = bias[1];
    const exited = victim.exited;
    victim.child.kill('SIGKILL');
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL');
    const killedAt = Date.now();
    await sleep(LOAD_AFTER_KILL_MS);
    stop = true;
    await Promise.all(loops);
    const st = await haproxyStats(socket);
    const report = `ok ${stats.ok}, failed ${stats.failures.length}; before the kill ${JSON.stringify(stats.byInstance.before)}, `
      + `after ${JSON.stringify(stats.byInstance.after)}; haproxy: bia2 ${st.bia2?.status}, retries ${st.bia1?.wretr}/${st.bia2?.wretr}, `
      + `redispatches ${st.bia1?.wredis}/${st.bia2?.wredis}`;
    console.log(`# scaleout: ${report}`);

    assert.ok((stats.byInstance.before.bia1 || 0) > 0 && (stats.byInstance.before.bia2 || 0) > 0,
      `both instances served before the kill: ${report}`);
    assert.ok((stats.byInstance.after.bia1 || 0) > 20, `the survivor kept serving after the kill: ${report}`);
    assert.ok(stats.failures.length <= CLIENTS,
      `at most one failure per client (the request in flight at the kill): ${report}\n${stats.failures.join('\n')}\n${diagnostics()}`);
    assert.ok(bias[0].running, `the survivor is still running\n${diagnostics()}`);
    assert.equal(victim.running, false);

    // haproxy has marked the killed instance DOWN; every request now lands on the survivor.
    await waitFor('haproxy to mark bia2 DOWN', async () => {
      const s = await haproxyStats(socket);
      return s.bia2?.status?.startsWith('DOWN') || s.bia2?.status;
    }, 10_000);
    for (const acc of accounts) {
      const res = await rawRequest('GET', `${lbUrl}/sessions/whoami`, {
        headers: { Accept: 'application/json', 'X-Session-Token': acc.token },
      });
      assert.equal(res.status, 200, describeBody(res));
      assert.equal(servedBy(res), 'bia1');
      assert.match(res.json.identity.traits.name.first, /^c\d+n\d+$/);
    }
    console.log(`# scaleout: ${Date.now() - killedAt} ms from the kill to the end of the checks`);
  });
});
