// Nothing grows without bound (issue 13): every anonymous GET /self-service/login/browser stores a
// flow, so expired flows must go again. 10,000 anonymous browser login-flow inits with a 2 s
// lifespan fill the SQLite file; once they expired, `bia cleanup sql` (and, on a restarted server,
// the background cleanup) deletes them in small batches, the flow table is back to zero rows and
// the file, after VACUUM, is back near its size before the flood — while whoami, polled all the
// time with a valid session token, answers 200 every time. Also: a paused password change is
// sealed at rest (its bytes are nowhere in the database files) and its container is gone once
// used.
//
// SQLite only (it measures the SQLite file): skipped when BIA_E2E_POSTGRES_DSN selects PostgreSQL.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Browser, setCookies } from './lib/browser.js';
import { biaBinary, header, startBia, uniqueEmail } from './lib/server.js';

const FLOWS = 10_000;
const CONCURRENCY = 16;
const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = `sealed-at-rest-${process.pid}-passphrase`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const onPostgres = !!process.env.BIA_E2E_POSTGRES_DSN;

function sqlite(dbPath, sql) {
  return execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', dbPath, sql], {
    encoding: 'utf8', timeout: 60_000,
  }).trim();
}

function loginFlowRows(dbPath) {
  return Number(sqlite(dbPath, 'SELECT COUNT(*) FROM selfservice_login_flows'));
}

/** VACUUM, then fold the WAL back into the main file: the size of what the rows really need. */
function vacuumedSize(dbPath) {
  sqlite(dbPath, 'VACUUM');
  sqlite(dbPath, 'PRAGMA wal_checkpoint(TRUNCATE)');
  return fs.statSync(dbPath).size;
}

/** One GET over a keep-alive agent; resolves { status, headers, body }. */
function get(agent, url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers, timeout: 15_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: GET ${url}`)));
    req.on('error', reject);
  });
}

/** `count` anonymous browser login-flow inits, `CONCURRENCY` at a time; each must be a 303. */
async function floodLoginInits(bia, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const bad = [];
  const worker = async () => {
    while (next < count) {
      next += 1;
      const res = await get(agent, `${bia.publicUrl}/self-service/login/browser`, { Accept: 'text/html' });
      if (res.status !== 303) bad.push(res.status);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} login inits did not answer 303`);
}

/** Polls whoami until stop(); every answer must be 200. */
function pollWhoami(bia, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const state = { ok: 0, failures: [], done: false };
  const loop = async () => {
    while (!state.done) {
      try {
        const res = await get(agent, `${bia.publicUrl}/sessions/whoami`, { 'X-Session-Token': token, Accept: 'application/json' });
        if (res.status === 200) state.ok += 1;
        else state.failures.push(`${res.status} ${res.body.slice(0, 200)}`);
      } catch (err) {
        state.failures.push(String(err));
      }
      await sleep(5);
    }
  };
  const loops = [loop(), loop()];
  state.stop = async () => {
    state.done = true;
    await Promise.all(loops);
    agent.destroy();
    return state;
  };
  return state;
}

function runCli(args, env = {}) {
  return new Promise((resolve) => {
    execFile(biaBinary(), args, { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function registerApi(bia) {
  const { data: flow } = await bia.frontendApi.createNativeRegistrationFlow();
  const { data } = await bia.frontendApi.updateRegistrationFlow({
    flow: flow.id,
    updateRegistrationFlowBody: { method: 'password', password: PASSWORD, traits: { email: uniqueEmail('cleanup') } },
  });
  assert.ok(data.session_token, 'the registration issued a session token');
  return data.session_token;
}

describe('storage: expired data is deleted and the database shrinks back', { timeout: 180_000, skip: onPostgres && 'SQLite only' }, () => {
  let bia;
  let dbPath;
  let token;
  before(async () => {
    bia = await startBia({
      config: {
        log: { level: 'info' },
        // No background pass here: `bia cleanup sql` does the first round.
        database: { cleanup: { interval: '0s' } },
        selfservice: {
          methods: { profile: { enabled: false } },
          flows: {
            login: { lifespan: '2s' },
            settings: { privileged_session_max_age: '1s' },
          },
        },
      },
    });
    dbPath = bia.ctx.dbPath;
    token = await registerApi(bia);
  });
  after(async () => { await bia?.close(); });

  it(`${FLOWS} expired anonymous login flows: bia cleanup sql empties the table, VACUUM gives the space back, whoami never fails`, async () => {
    const startSize = vacuumedSize(dbPath);
    const startRows = loginFlowRows(dbPath);
    const whoami = pollWhoami(bia, token);
    try {
      const t0 = Date.now();
      await floodLoginInits(bia, FLOWS);
      const floodMs = Date.now() - t0;
      const rows = loginFlowRows(dbPath);
      assert.ok(rows >= startRows + FLOWS, `every init stored a flow (${rows} rows)`);
      const grown = fs.statSync(dbPath).size + (fs.existsSync(`${dbPath}-wal`) ? fs.statSync(`${dbPath}-wal`).size : 0);

      await sleep(2_500);  // every flow is past its 2 s lifespan now
      const t1 = Date.now();
      const cli = await runCli(['cleanup', 'sql', '-c', bia.configPath, '--sleep', '1ms',
        '--database.cleanup.sleep.tables', '0s']);
      const cleanupMs = Date.now() - t1;
      assert.equal(cli.code, 0, `${cli.stdout}\n${cli.stderr}`);
      assert.match(cli.stdout, /100 per batch/);
      assert.match(cli.stdout, new RegExp(`login_flows: ${rows} deleted`), cli.stdout);
      assert.equal(loginFlowRows(dbPath), 0, 'the flow table is empty again');
      assert.equal(Number(sqlite(dbPath, 'SELECT COUNT(*) FROM sessions')), 1, 'the live session stays');

      const endSize = vacuumedSize(dbPath);
      console.log(`# cleanup: ${FLOWS} inits in ${floodMs} ms, db+wal grew to ${grown} bytes; `
        + `cleanup took ${cleanupMs} ms; vacuumed size ${startSize} → ${endSize} bytes; whoami ok=${whoami.ok}`);
      assert.ok(grown > startSize * 4, `the flood grew the database (${startSize} → ${grown} bytes)`);
      assert.ok(endSize <= startSize + 64 * 1024, `the database shrank back (${startSize} → ${endSize} bytes)`);
    } finally {
      const w = await whoami.stop();
      assert.deepEqual(w.failures.slice(0, 5), [], `${w.failures.length} whoami answers were not 200`);
      assert.ok(w.ok >= 20, `whoami was polled throughout (${w.ok} answers)`);
    }
  });

  it('a paused password change is sealed at rest, and its container is gone once used', async () => {
    // A browser registration, then a settings flow once the session is no longer privileged.
    const browser = new Browser(bia.publicUrl);
    const email = uniqueEmail('sealed');
    const init = await browser.get('/self-service/registration/browser', { json: true });
    const csrf = (flow) => flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
    const reg = await browser.post(init.json.ui.action, {
      form: { csrf_token: csrf(init.json), method: 'password', 'traits.email': email, password: PASSWORD },
    });
    assert.equal(reg.status, 303, reg.text);
    const settings = await browser.get('/self-service/settings/browser', { json: true });
    assert.equal(settings.status, 200, settings.text);
    await sleep(1_200);
    const paused = await browser.post(settings.json.ui.action, {
      form: { csrf_token: csrf(settings.json), method: 'password', password: NEW_PASSWORD },
    });
    assert.equal(paused.status, 303, paused.text);
    assert.ok(setCookies(paused).some((c) => c.name === 'ory_kratos_continuity'), 'continuity cookie set');

    // Stored, but not readable: neither the column nor any byte of the database files holds it.
    assert.equal(Number(sqlite(dbPath, 'SELECT COUNT(*) FROM continuity_containers')), 1);
    const payload = sqlite(dbPath, 'SELECT payload FROM continuity_containers');
    assert.match(payload, /^\{"sealed":\["[A-Za-z0-9_-]+"\]\}$/);
    for (const file of [dbPath, `${dbPath}-wal`]) {
      if (!fs.existsSync(file)) continue;
      assert.equal(fs.readFileSync(file).indexOf(NEW_PASSWORD), -1, `${path.basename(file)} holds the new password`);
    }

    // Re-authenticate and come back: the change is applied and the container deleted.
    const login = await browser.get(header(paused, 'location'), { json: true });
    assert.equal(login.status, 200, login.text);
    const done = await browser.post(login.json.ui.action, {
      form: { csrf_token: csrf(login.json), method: 'password', identifier: email, password: PASSWORD },
    });
    assert.equal(done.status, 303, done.text);
    const resumed = await browser.get(header(done, 'location'));
    assert.equal(resumed.status, 303, resumed.text);
    const fin = await browser.get(`/self-service/settings/flows?id=${settings.json.id}`, { json: true });
    assert.equal(fin.json.state, 'success');
    assert.equal(Number(sqlite(dbPath, 'SELECT COUNT(*) FROM continuity_containers')), 0, 'the used container is gone');
  });

  it('serve deletes expired flows in the background, at database.cleanup.interval', async () => {
    await bia.restart({
      config: {
        database: { cleanup: { interval: '1s', sleep: { batches: '1ms', tables: '0s' } } },
        selfservice: { flows: { login: { lifespan: '1s' } } },
      },
    });
    await sleep(1_500);
    const whoami = pollWhoami(bia, token);
    try {
      await floodLoginInits(bia, 2_000);
      assert.ok(loginFlowRows(dbPath) > 0);
      const deadline = Date.now() + 20_000;
      let rows;
      while ((rows = loginFlowRows(dbPath)) > 0 && Date.now() < deadline) await sleep(250);
      assert.equal(rows, 0, 'the background cleanup emptied the flow table');
      assert.match(bia.logs().stderr + bia.logs().stdout, /database cleanup/);
    } finally {
      const w = await whoami.stop();
      assert.deepEqual(w.failures.slice(0, 5), [], `${w.failures.length} whoami answers were not 200`);
    }
    // Stopping the server also stops the cleanup thread, promptly.
    const t0 = Date.now();
    const stopped = await bia.stop();
    assert.equal(stopped.code, 0);
    assert.ok(Date.now() - t0 < 4_000, 'serve stopped promptly');
  });
});
