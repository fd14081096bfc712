// Process harness for the Bia e2e suites.
//
//   const bia = await startBia({ config: { ...deep-merged overrides } });
//   bia.publicUrl, bia.adminUrl          // "http://127.0.0.1:<port>" (no trailing slash)
//   bia.v0public / bia.v0admin           // @ory/client 0.2.0-alpha.60 V0alpha2Api
//   bia.g1public / bia.g1admin           // @ory/kratos-client 0.10.1 V0alpha2Api
//   bia.identityApi / bia.frontendApi    // @ory/kratos-client 26.2.0 (admin / public)
//   await bia.restart();                 // same config file, data dir and ports
//   await bia.close();                   // stop + remove the temp dir
//   bia.pid, await bia.rssBytes()        // child process id / VmRSS in bytes (Linux)
//   startBia({ watchCourier: true })     // serve --watch-courier: deliver queued mail (see smtp-sink.js)
//
// Environment:
//   BIA_BIN              path of the server binary (default <repo>/build/bin/bia)
//   BIA_E2E_KEEP_TMP=1   keep temp dirs (config, sqlite file) after close()
//   BIA_E2E_VERBOSE=1    mirror the server's stdout/stderr to this process' stderr
//   BIA_E2E_LOG_LEVEL    log.level written into the config (default "debug")

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Configuration as OryClientConfiguration, V0alpha2Api as OryClientV0alpha2Api } from '@ory/client';
import {
  Configuration as KratosConfiguration,
  FrontendApi as KratosFrontendApi,
  IdentityApi as KratosIdentityApi,
} from '@ory/kratos-client';
import {
  Configuration as G1Configuration,
  V0alpha2Api as G1V0alpha2Api,
} from 'kratos-client-0101';

export * from './expect.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const FIXTURES_DIR = path.join(E2E_DIR, 'fixtures');
export const DEFAULT_SCHEMA_PATH = path.join(FIXTURES_DIR, 'identity.schema.json');
export const UI_BASE = 'http://127.0.0.1:4455';
export const DEFAULT_SECRET = 'bia-e2e-secret-0123456789abcdefg'.padEnd(32, 'x').slice(0, 32);

const READY_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 5000;
const LOG_CAP = 4 * 1024 * 1024; // bytes kept per stream

/** Path of the binary under test. */
export function biaBinary() {
  return process.env.BIA_BIN ? path.resolve(process.env.BIA_BIN) : path.join(REPO_ROOT, 'build', 'bin', 'bia');
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, release). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Two distinct free ports. */
export async function freePorts(n = 2) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

// ---------------------------------------------------------------------------
// Config

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Deep merge for config overrides: plain objects merge recursively, arrays
 * and scalars replace, and a value of `undefined` deletes the key.
 */
export function deepMerge(base, override) {
  if (!isPlainObject(override)) return structuredClone(override);
  const out = isPlainObject(base) ? structuredClone(base) : {};
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) {
      delete out[k];
    } else if (isPlainObject(v) && isPlainObject(out[k])) {
      out[k] = deepMerge(out[k], v);
    } else {
      out[k] = structuredClone(v);
    }
  }
  return out;
}

/**
 * The DSN of one server instance: a SQLite file in its temp dir, or — when BIA_E2E_POSTGRES_DSN
 * points at a PostgreSQL server (make test sets it for the PostgreSQL pass) — a database of its
 * own on that server, created on first use and named after the temp dir (so restarts reuse it).
 */
export function instanceDsn(ctx) {
  const base = process.env.BIA_E2E_POSTGRES_DSN;
  if (!base) return `sqlite://${ctx.dbPath}?_fk=true`;
  const name = `e2e_${path.basename(ctx.dir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
  const url = new URL(base);
  const r = spawnSync('psql', [base, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE "${name}"`], { encoding: 'utf8' });
  if (r.status !== 0 && !/already exists/.test(r.stderr || '')) {
    throw new Error(`cannot create database ${name}: ${r.stderr || r.error}`);
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Points a config at a UI served on `uiBase` (another origin) for every flow, with Bia's public
 * URL at `localhost` (WebAuthn refuses IP addresses as relying-party ids). For mutateConfig.
 */
export function pointAtUi(cfg, ctx, uiBase) {
  cfg.serve.public.base_url = `http://localhost:${ctx.publicPort}/`;
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
}

/** The default kratos.yml content (as an object) for one server instance. */
export function defaultConfig(ctx) {
  const ui = (p) => `${UI_BASE}${p}`;
  return {
    dsn: instanceDsn(ctx),
    log: {
      level: process.env.BIA_E2E_LOG_LEVEL || 'debug',
      format: 'text',
    },
    serve: {
      public: {
        host: '127.0.0.1',
        port: ctx.publicPort,
        base_url: `${ctx.publicUrl}/`,
      },
      admin: {
        host: '127.0.0.1',
        port: ctx.adminPort,
        base_url: `${ctx.adminUrl}/`,
      },
    },
    identity: {
      default_schema_id: 'default',
      schemas: [
        { id: 'default', url: `file://${ctx.schemaPath}` },
      ],
    },
    secrets: {
      default: [DEFAULT_SECRET],
    },
    hashers: {
      algorithm: 'bcrypt',
      bcrypt: { cost: 4 },
    },
    courier: {
      smtp: {
        connection_uri: 'smtp://e2e:e2e@127.0.0.1:1025/?disable_starttls=true',
      },
    },
    selfservice: {
      default_browser_return_url: ui('/'),
      allowed_return_urls: [ui('/')],
      methods: {
        password: {
          enabled: true,
          config: {
            haveibeenpwned_enabled: false,
          },
        },
      },
      flows: {
        error: { ui_url: ui('/error') },
        settings: {
          ui_url: ui('/settings'),
          privileged_session_max_age: '15m',
        },
        recovery: { enabled: true, ui_url: ui('/recovery') },
        verification: { enabled: true, ui_url: ui('/verification') },
        logout: { after: { default_browser_return_url: ui('/login') } },
        login: { ui_url: ui('/login'), lifespan: '10m' },
        registration: {
          ui_url: ui('/registration'),
          lifespan: '10m',
          after: { password: { hooks: [{ hook: 'session' }] } },
        },
      },
    },
  };
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_\-]*$/;

function yamlKey(k) {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function yamlScalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write non-finite number ${v} to YAML`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  // JSON double-quoted strings are valid YAML double-quoted scalars.
  return JSON.stringify(String(v));
}

function isCollection(v) {
  return v !== null && typeof v === 'object';
}

function isEmptyCollection(v) {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function yamlLines(v, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isCollection(item) && !isEmptyCollection(item)) {
        const sub = yamlLines(item, indent + 2);
        // Compact form: "- " replaces the indentation of the first line.
        lines.push(`${pad}- ${sub[0].slice(indent + 2)}`, ...sub.slice(1));
      } else if (isCollection(item)) {
        lines.push(`${pad}- ${Array.isArray(item) ? '[]' : '{}'}`);
      } else {
        lines.push(`${pad}- ${yamlScalar(item)}`);
      }
    }
  } else {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) continue;
      if (isCollection(val) && !isEmptyCollection(val)) {
        lines.push(`${pad}${yamlKey(k)}:`, ...yamlLines(val, indent + 2));
      } else if (isCollection(val)) {
        lines.push(`${pad}${yamlKey(k)}: ${Array.isArray(val) ? '[]' : '{}'}`);
      } else {
        lines.push(`${pad}${yamlKey(k)}: ${yamlScalar(val)}`);
      }
    }
  }
  return lines;
}

/** Serialises a JSON-like value as block-style YAML. */
export function toYaml(value) {
  if (!isCollection(value)) return `${yamlScalar(value)}\n`;
  if (isEmptyCollection(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  return `${yamlLines(value, 0).join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// Clients

/** Ready-made SDK clients for the given base URLs (no trailing slash). */
export function makeClients(publicUrl, adminUrl) {
  const kratosPublic = new KratosConfiguration({ basePath: publicUrl });
  const kratosAdmin = new KratosConfiguration({ basePath: adminUrl });
  return {
    // @ory/client 0.2.0-alpha.60: positional arguments, e.g. adminGetIdentity(id, includeCredential?)
    v0public: new OryClientV0alpha2Api(new OryClientConfiguration({ basePath: publicUrl })),
    v0admin: new OryClientV0alpha2Api(new OryClientConfiguration({ basePath: adminUrl })),
    // @ory/kratos-client 0.10.1 (G1): positional arguments as well
    g1public: new G1V0alpha2Api(new G1Configuration({ basePath: publicUrl })),
    g1admin: new G1V0alpha2Api(new G1Configuration({ basePath: adminUrl })),
    // @ory/kratos-client 26.2.0 (G2): one request-parameters object, e.g. getIdentity({ id })
    identityApi: new KratosIdentityApi(kratosAdmin),
    frontendApi: new KratosFrontendApi(kratosPublic),
  };
}

// ---------------------------------------------------------------------------
// Process handling

const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

class OutputBuffer {
  constructor(name, mirror) {
    this.name = name;
    this.mirror = mirror;
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
  }

  push(chunk) {
    if (this.mirror) process.stderr.write(chunk);
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > LOG_CAP && this.chunks.length > 1) {
      const c = this.chunks.shift();
      this.size -= c.length;
      this.dropped += c.length;
    }
  }

  text() {
    const s = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped ? `[… ${this.dropped} bytes dropped …]\n${s}` : s;
  }

  clear() {
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
  }
}

function tail(text, max = 6000) {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

async function probe(url, timeoutMs = 1000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: 'application/json' } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Resolves with the value of `promise`, or null after `ms`. */
function within(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const ADDR_IN_USE = /address already in use|EADDRINUSE|Address in use/i;

export class BiaServer {
  /**
   * @param {object} [opts]
   * @param {object} [opts.config]        deep-merged over defaultConfig(ctx)
   * @param {function} [opts.mutateConfig] (cfg, ctx) => cfg|undefined, runs after the merge
   * @param {string|function} [opts.configText] raw file content (or (ctx) => content); bypasses the object
   * @param {'yaml'|'json'} [opts.configFormat] default 'yaml' (file kratos.yml / kratos.json)
   * @param {string} [opts.schemaPath]    identity schema file (default fixtures/identity.schema.json)
   * @param {string[]|function} [opts.args] argv after the binary (default ['serve','-c',file,'--dev'])
   * @param {boolean} [opts.watchCourier] add --watch-courier to the default serve argv
   * @param {object} [opts.env]           extra environment variables
   * @param {number} [opts.readyTimeoutMs] default 15000
   */
  constructor(opts = {}) {
    this.opts = opts;
    this.bin = opts.bin || biaBinary();
    this.child = null;
    this.stdout = new OutputBuffer('stdout', !!process.env.BIA_E2E_VERBOSE);
    this.stderr = new OutputBuffer('stderr', !!process.env.BIA_E2E_VERBOSE);
    this.history = []; // { code, signal } of previous runs
  }

  /** Creates the temp dir, picks ports and writes the config file. */
  async prepare() {
    if (!existsSync(this.bin)) {
      throw new Error(`Bia binary not found at ${this.bin} (build it first or set BIA_BIN)`);
    }
    this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bia-e2e-'));
    await this.#choosePorts();
    await this.writeConfig();
    return this;
  }

  async #choosePorts() {
    [this.publicPort, this.adminPort] = await freePorts(2);
    this.publicUrl = `http://127.0.0.1:${this.publicPort}`;
    this.adminUrl = `http://127.0.0.1:${this.adminPort}`;
    Object.assign(this, makeClients(this.publicUrl, this.adminUrl));
  }

  /** Values available to config builders. */
  get ctx() {
    return {
      dir: this.dir,
      dbPath: path.join(this.dir, 'bia.sqlite'),
      publicPort: this.publicPort,
      adminPort: this.adminPort,
      publicUrl: this.publicUrl,
      adminUrl: this.adminUrl,
      schemaPath: path.resolve(this.opts.schemaPath || DEFAULT_SCHEMA_PATH),
    };
  }

  /** The effective config object (before serialisation). */
  buildConfig() {
    const ctx = this.ctx;
    let cfg = deepMerge(defaultConfig(ctx), this.opts.config || {});
    if (this.opts.mutateConfig) {
      const r = this.opts.mutateConfig(cfg, ctx);
      if (r !== undefined) cfg = r;
    }
    return cfg;
  }

  /**
   * (Re)writes the config file. `overrides` (same shape as the constructor's
   * config/mutateConfig/configText options) are merged into this.opts first.
   */
  async writeConfig(overrides = {}) {
    if (overrides.config) this.opts.config = deepMerge(this.opts.config || {}, overrides.config);
    if (overrides.mutateConfig) this.opts.mutateConfig = overrides.mutateConfig;
    if (overrides.configText !== undefined) this.opts.configText = overrides.configText;
    const fmt = this.opts.configFormat || 'yaml';
    this.configPath = path.join(this.dir, fmt === 'json' ? 'kratos.json' : 'kratos.yml');
    let text;
    if (this.opts.configText !== undefined) {
      text = typeof this.opts.configText === 'function' ? this.opts.configText(this.ctx) : String(this.opts.configText);
      this.config = undefined;
    } else {
      this.config = this.buildConfig();
      text = fmt === 'json' ? `${JSON.stringify(this.config, null, 2)}\n` : toYaml(this.config);
    }
    this.configText = text;
    await fs.writeFile(this.configPath, text);
    return this.configPath;
  }

  get args() {
    const a = this.opts.args;
    if (typeof a === 'function') return a(this.configPath, this.ctx);
    if (Array.isArray(a)) return a;
    return ['serve', '-c', this.configPath, '--dev', ...(this.opts.watchCourier ? ['--watch-courier'] : [])];
  }

  /** Spawns the process (without waiting for readiness). */
  spawn() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      throw new Error('Bia is already running');
    }
    this.stdout.clear();
    this.stderr.clear();
    const child = spawn(this.bin, this.args, {
      cwd: this.dir,
      env: { ...process.env, ...(this.opts.env || {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    liveChildren.add(child);
    this.spawnError = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        const r = { code, signal };
        this.history.push(r);
        resolve(r);
      });
      // spawn failures (EACCES, ENOENT, ...) emit 'error' and no 'exit'
      child.once('error', (err) => {
        this.spawnError = err;
        if (child.pid === undefined) {
          liveChildren.delete(child);
          resolve({ code: null, signal: null, error: err });
        }
      });
    });
    child.stdout.on('data', (c) => this.stdout.push(c));
    child.stderr.on('data', (c) => this.stderr.push(c));
    return child;
  }

  /** OS process id of the running server (undefined when not running). */
  get pid() {
    return this.running ? this.child.pid : undefined;
  }

  /** Resident set size of the running server in bytes (Linux /proc), or undefined. */
  async rssBytes() {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    try {
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
      const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  get running() {
    return !!this.child && this.child.pid !== undefined && !this.spawnError
      && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines of stdout/stderr, for assertion messages. */
  diagnostics() {
    return `--- bia stderr ---\n${tail(this.stderr.text())}\n--- bia stdout ---\n${tail(this.stdout.text(), 2000)}`;
  }

  logs() {
    return { stdout: this.stdout.text(), stderr: this.stderr.text() };
  }

  /** Polls GET /health/ready on both ports until both answer 200. */
  async waitReady(timeoutMs = this.opts.readyTimeoutMs ?? READY_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    const urls = [`${this.publicUrl}/health/ready`, `${this.adminUrl}/health/ready`];
    for (;;) {
      if (this.spawnError) {
        throw new Error(`could not start ${this.bin}: ${this.spawnError.message}`);
      }
      if (!this.running) {
        const { code, signal } = await this.exited;
        const err = new Error(`Bia exited during start-up (code ${code}, signal ${signal})\n${this.diagnostics()}`);
        err.exit = { code, signal };
        throw err;
      }
      const statuses = await Promise.all(urls.map((u) => probe(u)));
      if (statuses.every((s) => s === 200)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`Bia not ready within ${timeoutMs} ms (health/ready: public ${statuses[0] || 'no answer'}, admin ${statuses[1] || 'no answer'})\n${this.diagnostics()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Spawns and waits until ready. If the process dies at start-up because a
   * port was taken in the meantime, new ports are picked (up to 3 attempts).
   */
  async start() {
    for (let attempt = 1; ; attempt++) {
      this.spawn();
      try {
        await this.waitReady();
        return this;
      } catch (err) {
        const portClash = err.exit && ADDR_IN_USE.test(this.stderr.text());
        if (!portClash || attempt >= 3 || this.opts.configText !== undefined) throw err;
        await this.#choosePorts();
        await this.writeConfig();
      }
    }
  }

  /** SIGTERM, wait for exit, SIGKILL after 5 s. Returns { code, signal }. */
  async stop({ graceMs = STOP_GRACE_MS } = {}) {
    if (!this.child) return null;
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const r = await within(this.exited, graceMs);
    if (r) return r;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Stop, optionally rewrite the config, start again with the same data dir and ports. */
  async restart(overrides) {
    await this.stop();
    if (overrides) await this.writeConfig(overrides);
    return this.start();
  }

  /** Stop and remove the temp dir (kept when BIA_E2E_KEEP_TMP=1). */
  async close() {
    await this.stop();
    if (this.dir && !process.env.BIA_E2E_KEEP_TMP) {
      await fs.rm(this.dir, { recursive: true, force: true });
    }
  }
}

/** Prepares and starts a server; see BiaServer for options. */
export async function startBia(opts = {}) {
  const server = new BiaServer(opts);
  await server.prepare();
  try {
    await server.start();
  } catch (err) {
    await server.close().catch(() => {});
    throw err;
  }
  return server;
}

/**
 * Runs the binary once to completion (for start-up/CLI tests). Same options
 * as BiaServer plus timeoutMs (default 15 s; the process is killed after it).
 * Resolves { code, signal, stdout, stderr, timedOut, configText }.
 */
export async function runBia(opts = {}) {
  const server = new BiaServer(opts);
  await server.prepare();
  try {
    server.spawn();
    const timeoutMs = opts.timeoutMs ?? 15000;
    let r = await within(server.exited, timeoutMs);
    let timedOut = false;
    if (!r) {
      timedOut = true;
      r = await server.stop();
    }
    if (server.spawnError) throw server.spawnError;
    return {
      code: r.code,
      signal: r.signal,
      timedOut,
      stdout: server.stdout.text(),
      stderr: server.stderr.text(),
      configText: server.configText,
    };
  } finally {
    await server.close();
  }
}
