// Bia's benchmark driver (started by bench/run.sh, which installs wrk/nginx, builds the release
// binary and bench/tools, installs the better-auth peer and starts a private PostgreSQL).
//
// For each backend (SQLite, then PostgreSQL when BENCH_POSTGRES_DSN is set) it starts Bia in dev
// mode with bcrypt cost 4, seeds 10,000 identities with API sessions (plus browser sessions for
// cookies and settings flows for the flow-fetch scenario), restarts Bia with production settings
// (bcrypt cost 12, no --dev) on the same database and runs the wrk scenarios. nginx serving the
// whoami body gives the ceiling, better-auth the peer. Results: bench/results/<date>.json and a
// markdown table on stdout.
//
// Environment: BENCH_DURATION (s, default 10), BENCH_REPS (3), BENCH_QUICK=1 (2 s, 1 rep, 2,000
// identities), BENCH_IDENTITIES (10000), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
// BENCH_PASSWORD_CONNECTIONS (8), BENCH_POSTGRES_DSN, BENCH_PEER=0 (skip better-auth),
// BENCH_NGINX=0, BENCH_ONLY (comma list of scenario names), BIA_BIN, BENCH_RESULTS_DIR.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH_DIR, '..');
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const DURATION = Number(env.BENCH_DURATION || (QUICK ? 2 : 10));
const REPS = Number(env.BENCH_REPS || (QUICK ? 1 : 3));
const N_IDENTITIES = Number(env.BENCH_IDENTITIES || (QUICK ? 2000 : 10000));
const N_COOKIES = Math.min(1000, N_IDENTITIES);
const N_FLOWS = Math.min(2000, N_IDENTITIES);
// Identities whose password hash is bcrypt-12 (set through the admin API after seeding): the
// password scenarios change only these, so every submit costs what it costs in production —
// one bcrypt-12 verification (the "new password equals the old one" check) + one bcrypt-12 hash.
const N_PW_POOL = Math.min(3000, Math.floor(N_IDENTITIES / 3));
const HASHES_PER_PASSWORD_SUBMIT = 2;
const CONNS = Number(env.BENCH_CONNECTIONS || 64);
const THREADS = Number(env.BENCH_THREADS || 2);
// Enough to keep both offload workers hashing with one submit waiting each; more only lengthen
// the queue (latency = in flight / rate).
const PW_CONNS = Number(env.BENCH_PASSWORD_CONNECTIONS || 4);
const PW_DURATION = Math.max(DURATION, 5);
const ONLY = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : null;
const BIA_BIN = path.resolve(env.BIA_BIN || path.join(REPO, 'build-release', 'bin', 'bia'));
const BCRYPT_RATE_BIN = path.resolve(env.BENCH_BCRYPT_RATE || path.join(REPO, 'build-release', 'bench-tools', 'bcrypt_rate'));
const PEER_DIR = path.join(BENCH_DIR, 'peers', 'better-auth');
const RESULTS_DIR = path.resolve(env.BENCH_RESULTS_DIR || path.join(BENCH_DIR, 'results'));
const SCHEMA = path.join(REPO, 'config', 'identity.schema.json');
const PASSWORD = 'Bench-seed-password-2718';
const COST = 12;
const SEED_COST = 4;
const SEED_CONCURRENCY = 32;
const STARTS = QUICK ? 3 : 5;

// Targets of issue 6 (ratios in one run; 2 cores, wrk on the same machine).
const TARGETS = {
  whoami_vs_nginx: 0.6,
  whoami_p99_ms: 5,
  whoami_vs_peer: 5,
  flow_fetch_vs_nginx: 0.4,
  profile_pairs_per_s: 3000,
  profile_p99_ms: 20,
  password_vs_raw_bcrypt: 0.9,
  mixed_whoami_p99_ms: 10,
  idle_rss_mb: 20,
  startup_ms: 100,
};

const t0 = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);
const want = (name) => !ONLY || ONLY.has(name);

// ---------------------------------------------------------------------------------------------
// Processes

const children = new Set();
function cleanup() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function startProcess(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(child);
  child.output = '';
  const keep = (c) => { child.output = (child.output + c.toString()).slice(-20000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  return child;
}

async function stopProcess(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const r = await Promise.race([child.exited, sleep(graceMs).then(() => null)]);
  if (!r) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

async function status(url, headers = {}) {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

// Polls until every URL answers 200; returns ms since `since` (performance.now()).
async function waitReady(child, urls, since, timeoutMs = 30000, everyMs = 2) {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`process exited during start-up:\n${child.output}`);
    }
    const st = await Promise.all(urls.map((u) => status(u)));
    if (st.every((s) => s === 200)) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms:\n${child.output}`);
    await sleep(everyMs);
  }
}

async function rssKb(pid, field = 'VmRSS') {
  try {
    const s = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const m = s.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// RSS of a process tree (node:cluster primary + workers).
async function treeRssKb(pid) {
  let total = (await rssKb(pid)) || 0;
  try {
    const kids = (await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
    for (const k of kids) total += await treeRssKb(Number(k));
  } catch { /* no children file */ }
  return total;
}

// Runs async jobs with bounded concurrency.
async function pool(n, concurrency, job) {
  let next = 0;
  const results = new Array(n);
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return results;
}

async function request(url, { method = 'GET', headers = {}, body, expect = 200 } = {}) {
  const res = await fetch(url, {
    method,
    headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  if (expect && res.status !== expect) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 500)}`);
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

const setCookies = (headers) => (headers.getSetCookie ? headers.getSetCookie() : []);
const cookiePair = (sc) => sc.split(';')[0];

// ---------------------------------------------------------------------------------------------
// wrk

function wrkVersion() {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  return ((r.stdout || '') + (r.stderr || '')).split('\n')[0].trim();
}

let runSeq = 0;
function runWrk({ url, script, conns = CONNS, threads = THREADS, duration = DURATION, timeout = '5s', vars = {} }) {
  runSeq += 1;
  // Settings scenarios: a new tag (unique passwords) and another slice of identities each run.
  vars = { BENCH_RUN: `r${runSeq}`, BENCH_OFFSET: String(runSeq * 257), ...vars };
  return new Promise((resolve, reject) => {
    const args = ['-t', String(Math.min(threads, conns)), '-c', String(conns), '-d', `${duration}s`, '--latency',
      '--timeout', timeout, '-s', path.join(BENCH_DIR, 'wrk', script), url];
    const child = startProcess('wrk', args, {
      env: { ...env, BENCH_WRK_DIR: path.join(BENCH_DIR, 'wrk'), BENCH_THREADS: String(Math.min(threads, conns)), ...vars },
    });
    child.exited.then(({ code }) => {
      const line = child.output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) {
        reject(new Error(`wrk ${args.join(' ')} failed (code ${code}):\n${child.output}`));
        return;
      }
      const r = JSON.parse(line.slice('BENCH_JSON '.length));
      r.non2xx = r.errors.status;
      resolve(r);
    });
  });
}

// Summary of repetitions: medians of each figure.
function summarise(runs, extra = (r) => ({})) {
  const pick = (f) => median(runs.map(f));
  return {
    reps: runs.length,
    rps: round(pick((r) => r.rps), pick((r) => r.rps) < 100 ? 2 : 0),
    p50_ms: round(pick((r) => r.latency_us.p50) / 1000, 2),
    p99_ms: round(pick((r) => r.latency_us.p99) / 1000, 2),
    errors: runs.reduce((a, r) => a + r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    ...extra(runs, pick),
    runs: runs.map((r) => ({ rps: round(r.rps, 0), p50_ms: r.latency_us.p50 / 1000, p99_ms: r.latency_us.p99 / 1000, requests: r.requests, non2xx: r.non2xx, ...(r.submit_ok !== undefined ? { submit_ok: r.submit_ok, unparsed: r.unparsed } : {}), ...(r.failures ? { failures: r.failures } : {}), ...(r.password_run ? { password: { requests: r.password_run.requests, submit_ok: r.password_run.submit_ok, non2xx: r.password_run.non2xx, failures: r.password_run.failures, timeouts: r.password_run.errors.timeout, p50_ms: r.password_run.latency_us.p50 / 1000 } } : {}) })),
  };
}

const pairExtra = (runs, pick) => ({ submits_per_s: round(pick((r) => Number(r.submit_ok_per_s)), 1) });

async function repeat(name, fn) {
  const runs = [];
  for (let i = 0; i < REPS; i++) {
    runs.push(await fn(i));
    await sleep(300);
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// Bia

function biaConfig({ dsn, publicPort, adminPort, cost }) {
  const pub = `http://127.0.0.1:${publicPort}`;
  const ui = 'http://127.0.0.1:4455';
  return {
    dsn,
    log: { level: 'warning', format: 'json' },
    serve: {
      public: { host: '127.0.0.1', port: publicPort, base_url: `${pub}/` },
      admin: { host: '127.0.0.1', port: adminPort, base_url: `http://127.0.0.1:${adminPort}/` },
    },
    secrets: {
      default: ['bia-bench-default-secret-0123456789abcdef'],
      cookie: ['bia-bench-cookie-secret-0123456789abcdef'],
    },
    session: { lifespan: '24h', cookie: { name: 'ory_kratos_session', persistent: true } },
    identity: { default_schema_id: 'default', schemas: [{ id: 'default', url: `file://${SCHEMA}` }] },
    hashers: { algorithm: 'bcrypt', bcrypt: { cost } },
    selfservice: {
      default_browser_return_url: `${ui}/`,
      allowed_return_urls: [`${ui}/`],
      methods: {
        password: { enabled: true, config: { haveibeenpwned_enabled: false } },
        profile: { enabled: true },
      },
      flows: {
        error: { ui_url: `${ui}/error` },
        // Flows and the privileged window outlive the whole run (the password scenario needs a
        // privileged session; seeding logged everyone in minutes before).
        settings: { ui_url: `${ui}/settings`, lifespan: '6h', privileged_session_max_age: '6h' },
        login: { ui_url: `${ui}/login`, lifespan: '1h' },
        registration: { ui_url: `${ui}/registration`, lifespan: '1h' },
        logout: { after: { default_browser_return_url: `${ui}/login` } },
      },
    },
  };
}

class Bia {
  constructor(dir, dsn) {
    this.dir = dir;
    this.dsn = dsn;
  }

  async prepare() {
    await fs.mkdir(this.dir, { recursive: true });
    this.publicPort = await freePort();
    do { this.adminPort = await freePort(); } while (this.adminPort === this.publicPort);
    this.public = `http://127.0.0.1:${this.publicPort}`;
    this.admin = `http://127.0.0.1:${this.adminPort}`;
  }

  // Starts and waits for /health/ready on both ports; returns ms from spawn to ready.
  async start({ dev, cost }) {
    this.configPath = path.join(this.dir, 'kratos.yml');
    // JSON is YAML: the file is the config object as JSON.
    await fs.writeFile(this.configPath, JSON.stringify(biaConfig({ dsn: this.dsn, publicPort: this.publicPort, adminPort: this.adminPort, cost }), null, 2));
    const args = ['serve', '-c', this.configPath, ...(dev ? ['--dev'] : [])];
    const since = performance.now();
    this.child = startProcess(BIA_BIN, args, { cwd: this.dir });
    return waitReady(this.child, [`${this.public}/health/ready`, `${this.admin}/health/ready`], since);
  }

  async stop() {
    await stopProcess(this.child);
    this.child = null;
  }
}

async function seedBia(bia, files) {
  const email = (i) => `bench-${i}@example.org`;
  let t = performance.now();
  await pool(N_IDENTITIES, SEED_CONCURRENCY, (i) => request(`${bia.admin}/admin/identities`, {
    method: 'POST',
    expect: 201,
    body: {
      schema_id: 'default',
      traits: { email: email(i), name: { first: 'Bench', last: `User ${i}` } },
      credentials: { password: { config: { password: PASSWORD } } },
    },
  }));
  log(`  imported ${N_IDENTITIES} identities in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const tokens = await pool(N_IDENTITIES, SEED_CONCURRENCY, async (i) => {
    const flow = await request(`${bia.public}/self-service/login/api`);
    const r = await request(`${bia.public}/self-service/login?flow=${flow.json.id}`, {
      method: 'POST', body: { method: 'password', identifier: email(i), password: PASSWORD },
    });
    return r.json.session_token;
  });
  log(`  ${N_IDENTITIES} API logins in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const cookies = await pool(N_COOKIES, SEED_CONCURRENCY, async (i) => {
    const flow = await request(`${bia.public}/self-service/login/browser`);
    const csrfCookie = setCookies(flow.headers).map(cookiePair).find((c) => c.startsWith('csrf_token'));
    const csrf = flow.json.ui.nodes.find((n) => n.attributes?.name === 'csrf_token').attributes.value;
    const r = await request(`${bia.public}/self-service/login?flow=${flow.json.id}`, {
      method: 'POST',
      headers: { Cookie: csrfCookie },
      body: { method: 'password', identifier: email(i), password: PASSWORD, csrf_token: csrf },
    });
    const sc = setCookies(r.headers).map(cookiePair).find((c) => c.startsWith('ory_kratos_session='));
    if (!sc) throw new Error(`browser login gave no session cookie: ${r.text.slice(0, 300)}`);
    return sc;
  });
  log(`  ${N_COOKIES} browser logins in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const flows = await pool(N_FLOWS, SEED_CONCURRENCY, async (i) => {
    const r = await request(`${bia.public}/self-service/settings/api`, { headers: { 'X-Session-Token': tokens[i] } });
    return r.json.id;
  });
  log(`  ${N_FLOWS} settings flows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const hash12 = execFileSync(BCRYPT_RATE_BIN, ['hash', String(COST), `${PASSWORD}-12`], { encoding: 'utf8' }).trim();
  const pwPool = Array.from({ length: N_PW_POOL }, (_, k) => N_IDENTITIES - N_PW_POOL + k);
  await pool(pwPool.length, SEED_CONCURRENCY, async (k) => {
    const i = pwPool[k];
    const ident = await request(`${bia.public}/sessions/whoami`, { headers: { 'X-Session-Token': tokens[i] } });
    await request(`${bia.admin}/admin/identities/${ident.json.identity.id}`, {
      method: 'PUT',
      body: {
        schema_id: 'default', state: 'active', traits: ident.json.identity.traits,
        credentials: { password: { config: { hashed_password: hash12 } } },
      },
    });
  });
  log(`  ${N_PW_POOL} identities given a bcrypt-${COST} hash in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const whoami = await request(`${bia.public}/sessions/whoami`, { headers: { 'X-Session-Token': tokens[0] } });
  await fs.writeFile(files.identities, tokens.map((tok, i) => `${tok}\t${email(i)}`).join('\n') + '\n');
  await fs.writeFile(files.passwordIdentities, pwPool.map((i) => `${tokens[i]}\t${email(i)}`).join('\n') + '\n');
  await fs.writeFile(files.whoamiToken, tokens.map((tok) => `GET\t/sessions/whoami\tX-Session-Token: ${tok}\tAccept: application/json`).join('\n') + '\n');
  await fs.writeFile(files.whoamiCookie, cookies.map((c) => `GET\t/sessions/whoami\tCookie: ${c}\tAccept: application/json`).join('\n') + '\n');
  await fs.writeFile(files.flowFetch, flows.map((id, i) => `GET\t/self-service/settings/flows?id=${id}\tX-Session-Token: ${tokens[i]}\tAccept: application/json`).join('\n') + '\n');
  return { whoamiBody: whoami.text };
}

async function benchBia(name, dsn, tmp) {
  const out = { backend: name, scenarios: {} };
  const dir = path.join(tmp, `bia-${name}`);
  const bia = new Bia(dir, dsn);
  await bia.prepare();
  const files = {
    identities: path.join(dir, 'identities.tsv'),
    passwordIdentities: path.join(dir, 'password-identities.tsv'),
    whoamiToken: path.join(dir, 'whoami-token.txt'),
    whoamiCookie: path.join(dir, 'whoami-cookie.txt'),
    flowFetch: path.join(dir, 'flow-fetch.txt'),
  };

  log(`Bia/${name}: seeding (dev mode, bcrypt cost ${SEED_COST})`);
  await bia.start({ dev: true, cost: SEED_COST });
  const seeded = await seedBia(bia, files);
  out.whoami_body_bytes = Buffer.byteLength(seeded.whoamiBody);
  await bia.stop();

  // Start-up to ready on the seeded database, production settings.
  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    starts.push(await bia.start({ dev: false, cost: COST }));
    if (i < STARTS - 1) await bia.stop();
  }
  out.startup_ms = { median: round(median(starts), 1), runs: starts.map((x) => round(x, 1)) };
  await sleep(2000);
  out.idle_rss_mb = round((await rssKb(bia.child.pid)) / 1024, 1);
  log(`Bia/${name}: ready in ${out.startup_ms.median} ms (median of ${STARTS}), idle RSS ${out.idle_rss_mb} MB`);

  const url = bia.public;
  const sc = out.scenarios;
  if (want('whoami_token')) {
    let peak = 0;
    const sampler = setInterval(async () => { peak = Math.max(peak, (await rssKb(bia.child.pid)) || 0); }, 250);
    const runs = await repeat('whoami_token', () => runWrk({ url, script: 'replay.lua', vars: { BENCH_REQUESTS: files.whoamiToken } }));
    clearInterval(sampler);
    sc.whoami_token = summarise(runs);
    out.load_rss_mb = round(peak / 1024, 1);
    out.hwm_rss_mb = round((await rssKb(bia.child.pid, 'VmHWM')) / 1024, 1);
    log(`  whoami (token): ${sc.whoami_token.rps} req/s, p99 ${sc.whoami_token.p99_ms} ms; RSS under load ${out.load_rss_mb} MB`);
  }
  if (want('whoami_cookie')) {
    sc.whoami_cookie = summarise(await repeat('whoami_cookie', () => runWrk({ url, script: 'replay.lua', vars: { BENCH_REQUESTS: files.whoamiCookie } })));
    log(`  whoami (cookie): ${sc.whoami_cookie.rps} req/s, p99 ${sc.whoami_cookie.p99_ms} ms`);
  }
  if (want('flow_fetch')) {
    sc.flow_fetch = summarise(await repeat('flow_fetch', () => runWrk({ url, script: 'replay.lua', vars: { BENCH_REQUESTS: files.flowFetch } })));
    log(`  settings flow fetch: ${sc.flow_fetch.rps} req/s, p99 ${sc.flow_fetch.p99_ms} ms`);
  }
  if (want('profile')) {
    sc.profile = summarise(await repeat('profile', () => runWrk({ url, script: 'settings_pairs.lua', vars: { BENCH_IDENTITIES: files.identities, BENCH_METHOD: 'profile' } })), pairExtra);
    log(`  profile submit: ${sc.profile.submits_per_s} pairs/s (${sc.profile.rps} req/s), p99 ${sc.profile.p99_ms} ms`);
  }
  if (want('password')) {
    sc.password = summarise(await repeat('password', () => runWrk({
      url, script: 'settings_pairs.lua', conns: PW_CONNS, duration: PW_DURATION, timeout: '30s',
      vars: { BENCH_IDENTITIES: files.passwordIdentities, BENCH_METHOD: 'password' },
    })), pairExtra);
    sc.password.hashes_per_submit = HASHES_PER_PASSWORD_SUBMIT;
    sc.password.hashes_per_s = round(sc.password.submits_per_s * HASHES_PER_PASSWORD_SUBMIT, 2);
    log(`  password submit: ${sc.password.submits_per_s} submits/s (${sc.password.hashes_per_s} bcrypt-${COST}/s), p50 ${sc.password.p50_ms} ms`);
  }
  if (want('mixed')) {
    const runs = await repeat('mixed', async () => {
      const pw = runWrk({
        url, script: 'settings_pairs.lua', conns: PW_CONNS, threads: 1, duration: DURATION + 3, timeout: '30s',
        vars: { BENCH_IDENTITIES: files.passwordIdentities, BENCH_METHOD: 'password' },
      });
      await sleep(1500); // let hashing saturate the pool first
      const who = await runWrk({ url, script: 'replay.lua', vars: { BENCH_REQUESTS: files.whoamiToken } });
      const p = await pw;
      return { ...who, password_submits_per_s: Number(p.submit_ok_per_s), password_run: p };
    });
    sc.mixed = summarise(runs, (rs, pick) => ({ password_submits_per_s: round(pick((r) => r.password_submits_per_s), 2) }));
    log(`  mixed: whoami ${sc.mixed.rps} req/s, p99 ${sc.mixed.p99_ms} ms while hashing ${sc.mixed.password_submits_per_s} passwords/s`);
  }
  await bia.stop();
  return { out, whoamiBody: seeded.whoamiBody };
}

// ---------------------------------------------------------------------------------------------
// nginx (the ceiling)

async function benchNginx(tmp, body) {
  const dir = path.join(tmp, 'nginx');
  await fs.mkdir(dir, { recursive: true });
  const port = await freePort();
  await fs.writeFile(path.join(dir, 'whoami.json'), body);
  // `return 200 '…'` answers from memory (the ceiling of PERFORMANCE-NOTES); the body is the
  // whoami answer Bia gave during seeding.
  const literal = body.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const answer = body.includes('$')
    ? `alias ${path.join(dir, 'whoami.json')};`
    : `return 200 '${literal}';`;
  const conf = `
daemon off;
master_process on;
worker_processes ${os.availableParallelism()};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      default_type application/json;
      add_header Cache-Control "private, no-cache, no-store, must-revalidate";
      ${answer}
    }
  }
}
`;
  await fs.writeFile(path.join(dir, 'nginx.conf'), conf);
  const child = startProcess('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log')]);
  await waitReady(child, [`http://127.0.0.1:${port}/sessions/whoami`], performance.now(), 10000, 20);
  const reqs = path.join(dir, 'requests.txt');
  await fs.writeFile(reqs, 'GET\t/sessions/whoami\tX-Session-Token: abcdefghijklmnopqrstuvwxyz012345\tAccept: application/json\n');
  const r = summarise(await repeat('nginx', () => runWrk({ url: `http://127.0.0.1:${port}`, script: 'replay.lua', vars: { BENCH_REQUESTS: reqs } })));
  await stopProcess(child);
  log(`nginx static whoami body: ${r.rps} req/s, p99 ${r.p99_ms} ms`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// better-auth (the peer)

async function benchPeer(tmp) {
  const dir = path.join(tmp, 'better-auth');
  await fs.mkdir(dir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = path.join(dir, 'auth.sqlite');
  const workers = os.availableParallelism();
  // Seeding runs one process: better-auth's sign-up transaction is not retried on SQLITE_BUSY.
  const start = async (cost, nproc = workers) => {
    const since = performance.now();
    const child = startProcess(process.execPath, [path.join(PEER_DIR, 'server.mjs'), '--port', String(port), '--db', db,
      '--workers', String(nproc), '--cost', String(cost)], { cwd: PEER_DIR, env: { ...env, NODE_ENV: 'production' } });
    const ms = await waitReady(child, [`${base}/ok`], since, 60000, 5);
    return { child, ms };
  };
  const out = { scenarios: {}, workers, hash: `bcrypt cost ${COST} (native bcrypt package)`, hashes_per_change_password: 2 };

  log(`better-auth: seeding ${N_IDENTITIES} users (bcrypt cost ${SEED_COST})`);
  let { child } = await start(SEED_COST, 1);
  let t = performance.now();
  const cookies = await pool(N_IDENTITIES, SEED_CONCURRENCY, async (i) => {
    const r = await request(`${base}/api/auth/sign-up/email`, {
      method: 'POST', headers: { Origin: base },
      body: { email: `bench-${i}@example.org`, password: PASSWORD, name: `Bench User ${i}` },
    });
    const c = setCookies(r.headers).map(cookiePair).find((x) => x.startsWith('better-auth.session_token='));
    if (!c) throw new Error(`sign-up gave no session cookie: ${r.text.slice(0, 300)}`);
    return c;
  });
  log(`  ${N_IDENTITIES} sign-ups in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await stopProcess(child);

  // Like Bia's password pool: these users get a bcrypt-12 hash of the seed password, so that a
  // change-password costs one bcrypt-12 verification + one bcrypt-12 hash, as in production.
  const pwPool = Array.from({ length: N_PW_POOL }, (_, k) => N_IDENTITIES - N_PW_POOL + k);
  const emailsFile = path.join(dir, 'password-emails.txt');
  await fs.writeFile(emailsFile, pwPool.map((i) => `bench-${i}@example.org\n`).join(''));
  const hash12 = execFileSync(BCRYPT_RATE_BIN, ['hash', String(COST), PASSWORD], { encoding: 'utf8' }).trim();
  execFileSync(process.execPath, [path.join(PEER_DIR, 'server.mjs'), '--db', db, '--set-hash', hash12, '--emails', emailsFile], { cwd: PEER_DIR, stdio: 'inherit' });

  let ms;
  ({ child, ms } = await start(COST));
  out.startup_ms = round(ms, 1);
  await sleep(2000);
  out.idle_rss_mb = round((await treeRssKb(child.pid)) / 1024, 1);
  const files = {
    session: path.join(dir, 'get-session.txt'),
    update: path.join(dir, 'update-user.txt'),
    password: path.join(dir, 'change-password.txt'),
  };
  const hdr = (c) => `Cookie: ${c}\tOrigin: ${base}\tAccept: application/json`;
  await fs.writeFile(files.session, cookies.map((c) => `GET\t/api/auth/get-session\t${hdr(c)}`).join('\n') + '\n');
  await fs.writeFile(files.update, cookies.map((c, i) => `POST\t/api/auth/update-user\t${hdr(c)}\tContent-Type: application/json\tbody={"name":"Bench Runner ${i}"}`).join('\n') + '\n');
  // The same password again: every request verifies the current one and hashes the new one.
  await fs.writeFile(files.password, pwPool.map((i) => cookies[i]).map((c) => `POST\t/api/auth/change-password\t${hdr(c)}\tContent-Type: application/json\tbody={"currentPassword":"${PASSWORD}","newPassword":"${PASSWORD}"}`).join('\n') + '\n');

  // Sanity: one of each answers 200.
  for (const [name, file] of Object.entries(files)) {
    const line = (await fs.readFile(file, 'utf8')).split('\n')[0].split('\t');
    const headers = Object.fromEntries(line.slice(2).filter((f) => !f.startsWith('body=')).map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1).trim()]));
    const body = line.find((f) => f.startsWith('body='));
    const res = await fetch(`${base}${line[1]}`, { method: line[0], headers, body: body ? body.slice(5) : undefined });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`better-auth ${name}: ${res.status} ${text.slice(0, 300)}`);
  }

  const sc = out.scenarios;
  let peak = 0;
  const sampler = setInterval(async () => { peak = Math.max(peak, await treeRssKb(child.pid)); }, 250);
  sc.get_session = summarise(await repeat('get_session', () => runWrk({ url: base, script: 'replay.lua', vars: { BENCH_REQUESTS: files.session } })));
  clearInterval(sampler);
  out.load_rss_mb = round(peak / 1024, 1);
  log(`  get-session: ${sc.get_session.rps} req/s, p99 ${sc.get_session.p99_ms} ms`);
  sc.update_user = summarise(await repeat('update_user', () => runWrk({ url: base, script: 'replay.lua', vars: { BENCH_REQUESTS: files.update } })));
  log(`  update-user: ${sc.update_user.rps} req/s, p99 ${sc.update_user.p99_ms} ms`);
  sc.change_password = summarise(await repeat('change_password', () => runWrk({ url: base, script: 'replay.lua', conns: PW_CONNS, duration: PW_DURATION, timeout: '30s', vars: { BENCH_REQUESTS: files.password } })));
  log(`  change-password: ${sc.change_password.rps} req/s, p50 ${sc.change_password.p50_ms} ms`);
  await stopProcess(child);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Machine, raw bcrypt, report

function machineInfo() {
  const cpu = os.cpus();
  const ver = (cmd, args) => {
    try {
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      return ((r.stdout || '') + (r.stderr || '')).trim().split('\n')[0];
    } catch {
      return null;
    }
  };
  let peerVersion = null;
  try {
    peerVersion = JSON.parse(readFileSync(path.join(PEER_DIR, 'node_modules', 'better-auth', 'package.json'), 'utf8')).version;
  } catch { /* not installed */ }
  return {
    cpu: cpu[0]?.model,
    cores: os.availableParallelism(),
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    kernel: os.release(),
    load_avg_at_start: os.loadavg().map((x) => round(x, 2)),
    versions: {
      bia: ver(BIA_BIN, ['version']),
      git: ver('git', ['-C', REPO, 'describe', '--always', '--dirty']),
      wrk: wrkVersion(),
      nginx: ver('nginx', ['-v']),
      node: process.version,
      better_auth: peerVersion,
      postgres: env.BENCH_POSTGRES_DSN ? ver('psql', [env.BENCH_POSTGRES_DSN, '-tAc', 'show server_version']) : null,
    },
  };
}

function rawBcrypt() {
  const r = spawnSync(BCRYPT_RATE_BIN, [String(COST), String(os.availableParallelism()), QUICK ? '3' : '6'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bcrypt_rate failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const ratio = (a, b) => (a != null && b ? round(a / b, 2) : null);

function evaluate(result) {
  const checks = [];
  const add = (name, value, target, ok, unit = '') => checks.push({ target: name, value, goal: target, unit, met: value == null ? null : ok });
  const ng = result.nginx?.rps;
  const peer = result.peer?.scenarios;
  for (const b of result.bia) {
    const s = b.scenarios;
    const tag = `[${b.backend}]`;
    if (s.whoami_token) {
      add(`${tag} whoami (token) ≥ 0.6 × nginx`, ratio(s.whoami_token.rps, ng), TARGETS.whoami_vs_nginx, ratio(s.whoami_token.rps, ng) >= TARGETS.whoami_vs_nginx, '×');
      add(`${tag} whoami (token) p99 ≤ 5 ms at ${CONNS} connections`, s.whoami_token.p99_ms, TARGETS.whoami_p99_ms, s.whoami_token.p99_ms <= TARGETS.whoami_p99_ms, 'ms');
    }
    if (s.whoami_cookie && peer?.get_session) {
      const r = ratio(s.whoami_cookie.rps, peer.get_session.rps);
      add(`${tag} whoami (cookie) ≥ 5 × better-auth get-session`, r, TARGETS.whoami_vs_peer, r >= TARGETS.whoami_vs_peer, '×');
    }
    if (s.flow_fetch) add(`${tag} settings flow fetch ≥ 0.4 × nginx`, ratio(s.flow_fetch.rps, ng), TARGETS.flow_fetch_vs_nginx, ratio(s.flow_fetch.rps, ng) >= TARGETS.flow_fetch_vs_nginx, '×');
    if (s.profile && b.backend === 'sqlite') {
      add(`${tag} profile submit ≥ 3,000 pairs/s`, s.profile.submits_per_s, TARGETS.profile_pairs_per_s, s.profile.submits_per_s >= TARGETS.profile_pairs_per_s, '/s');
      add(`${tag} profile p99 ≤ 20 ms`, s.profile.p99_ms, TARGETS.profile_p99_ms, s.profile.p99_ms <= TARGETS.profile_p99_ms, 'ms');
    }
    if (s.password && result.raw_bcrypt) {
      const r = ratio(s.password.hashes_per_s, result.raw_bcrypt.hashes_per_s);
      add(`${tag} password submit: bcrypt-12/s ≥ 0.9 × raw rate`, r, TARGETS.password_vs_raw_bcrypt, r >= TARGETS.password_vs_raw_bcrypt, '×');
    }
    if (s.mixed) add(`${tag} mixed: whoami p99 ≤ 10 ms while hashing`, s.mixed.p99_ms, TARGETS.mixed_whoami_p99_ms, s.mixed.p99_ms <= TARGETS.mixed_whoami_p99_ms, 'ms');
    if (b.backend === 'sqlite') {
      add(`${tag} idle RSS ≤ 20 MB`, b.idle_rss_mb, TARGETS.idle_rss_mb, b.idle_rss_mb <= TARGETS.idle_rss_mb, 'MB');
      add(`${tag} start-up to ready ≤ 100 ms`, b.startup_ms.median, TARGETS.startup_ms, b.startup_ms.median <= TARGETS.startup_ms, 'ms');
    }
  }
  return checks;
}

function markdown(result) {
  const ng = result.nginx?.rps;
  const peer = result.peer?.scenarios || {};
  const f = (x, d = 0) => (x == null ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const lines = [];
  lines.push(`Bia benchmark ${result.date} — ${result.machine.cores} cores (${result.machine.cpu}), wrk ${THREADS} threads, ${CONNS} connections (password: ${PW_CONNS}), ${DURATION} s × ${REPS}, medians`);
  lines.push('');
  lines.push('| scenario | backend | req/s | ops/s | p50 ms | p99 ms | × nginx | × better-auth |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  if (result.nginx) lines.push(`| static whoami body (ceiling) | nginx | ${f(ng)} | | ${f(result.nginx.p50_ms, 2)} | ${f(result.nginx.p99_ms, 2)} | 1.00 | |`);
  const peerFor = { whoami_token: 'get_session', whoami_cookie: 'get_session', profile: 'update_user', password: 'change_password' };
  const label = {
    whoami_token: 'whoami, X-Session-Token', whoami_cookie: 'whoami, cookie', flow_fetch: 'settings flow fetch',
    profile: 'settings profile (init+submit)', password: `settings password, bcrypt ${COST}`, mixed: 'whoami while hashing (mixed)',
  };
  for (const key of Object.keys(label)) {
    for (const b of result.bia) {
      const s = b.scenarios[key];
      if (!s) continue;
      const ops = s.submits_per_s ?? null;
      const p = peerFor[key] && peer[peerFor[key]];
      const vsPeer = p ? ratio(ops ?? s.rps, p.rps) : null;
      lines.push(`| ${label[key]} | Bia ${b.backend} | ${f(s.rps)} | ${ops == null ? '' : f(ops, ops < 100 ? 1 : 0)} | ${f(s.p50_ms, 2)} | ${f(s.p99_ms, 2)} | ${f(ratio(s.rps, ng), 2)} | ${vsPeer == null ? '' : f(vsPeer, 2)} |`);
    }
  }
  const pl = { get_session: 'get-session (cookie)', update_user: 'update-user', change_password: `change-password, bcrypt ${COST} ×2` };
  for (const [k, name] of Object.entries(pl)) {
    const s = peer[k];
    if (s) lines.push(`| ${name} | better-auth | ${f(s.rps)} | ${k === 'get_session' ? '' : f(s.rps, s.rps < 100 ? 1 : 0)} | ${f(s.p50_ms, 2)} | ${f(s.p99_ms, 2)} | ${f(ratio(s.rps, ng), 2)} | |`);
  }
  lines.push('');
  lines.push('| process | backend | start-up to ready ms | idle RSS MB | RSS under whoami MB |');
  lines.push('|---|---|---:|---:|---:|');
  for (const b of result.bia) lines.push(`| Bia | ${b.backend} | ${f(b.startup_ms.median, 1)} | ${f(b.idle_rss_mb, 1)} | ${f(b.load_rss_mb, 1)} |`);
  if (result.peer) lines.push(`| better-auth (${result.peer.workers} workers) | sqlite | ${f(result.peer.startup_ms, 1)} | ${f(result.peer.idle_rss_mb, 1)} | ${f(result.peer.load_rss_mb, 1)} |`);
  if (result.raw_bcrypt) {
    lines.push('');
    lines.push(`Raw bcrypt-${COST} rate (libxcrypt crypt_r, ${result.raw_bcrypt.threads} threads): ${f(result.raw_bcrypt.hashes_per_s, 2)} hashes/s (${f(result.raw_bcrypt.ms_per_hash, 0)} ms per hash per core).`);
  }
  lines.push('');
  lines.push('| target | value | goal | met |');
  lines.push('|---|---:|---:|---|');
  for (const c of result.targets) lines.push(`| ${c.target} | ${c.value == null ? '–' : c.value}${c.unit === '×' ? '×' : ` ${c.unit}`} | ${c.goal}${c.unit === '×' ? '×' : ` ${c.unit}`} | ${c.met == null ? '–' : c.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(BIA_BIN)) throw new Error(`no Bia binary at ${BIA_BIN} (run bench/run.sh, or set BIA_BIN)`);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bia-bench-'));
  const date = new Date().toISOString().slice(0, 10);
  const result = {
    date,
    started_at: new Date().toISOString(),
    settings: { duration_s: DURATION, reps: REPS, connections: CONNS, threads: THREADS, password_connections: PW_CONNS, identities: N_IDENTITIES, bcrypt_cost: COST, quick: QUICK },
    machine: machineInfo(),
    targets_definition: TARGETS,
    bia: [],
  };
  log(`Bia ${result.machine.versions.bia}; ${DURATION} s × ${REPS} per scenario; ${N_IDENTITIES} identities; tmp ${tmp}`);
  try {
    result.raw_bcrypt = rawBcrypt();
    log(`raw bcrypt-${COST}: ${result.raw_bcrypt.hashes_per_s.toFixed(2)} hashes/s on ${result.raw_bcrypt.threads} threads`);

    const backends = [['sqlite', `sqlite://${path.join(tmp, 'bia-sqlite', 'bia.sqlite')}?_fk=true`]];
    if (env.BENCH_POSTGRES_DSN) backends.push(['postgres', env.BENCH_POSTGRES_DSN]);
    let whoamiBody;
    for (const [name, dsn] of backends) {
      const r = await benchBia(name, dsn, tmp);
      result.bia.push(r.out);
      whoamiBody ??= r.whoamiBody;
    }
    if (env.BENCH_NGINX !== '0') result.nginx = await benchNginx(tmp, whoamiBody);
    if (env.BENCH_PEER !== '0') result.peer = await benchPeer(tmp);
  } finally {
    if (!env.BENCH_KEEP_TMP) await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
  result.targets = evaluate(result);
  result.finished_at = new Date().toISOString();
  result.total_s = round((Date.now() - t0) / 1000, 0);
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${date}.json`);
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
  const md = markdown(result);
  console.log(md);
  log(`results: ${path.relative(REPO, file)} (${result.total_s} s in all)`);
}

main().catch((err) => {
  console.error(err.stack || String(err));
  cleanup();
  process.exit(1);
});
