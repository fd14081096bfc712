// Loaded into every test file's process (package.json: `node --import ./lib/watchdog.js --test`).
//
// 1. Hooks get a timeout. In Node 20 a describe's `timeout` covers its tests but not its
//    before/after hooks, so a hook that never settles (a server that never starts, a close that
//    never ends) would hold its file until the runner's per-file kill, with nothing in the log
//    after the last finished test. Every hook without a timeout of its own now fails after
//    HOOK_TIMEOUT_MS, and TAP names its suite ("failed running before hook").
// 2. The runner kills a file that runs longer than --test-timeout (run.sh sets both from
//    BIA_E2E_FILE_TIMEOUT_MS). Ten seconds before that kill this watchdog writes to stderr (which
//    the runner passes on as `#` lines) what still keeps the process alive: child processes with
//    their command lines, listening servers, open sockets and timers, so the log names the culprit.
// 3. A main thread that stops running JavaScript (a synchronous call that never returns) can
//    print nothing, not even (2). A worker thread watches a heartbeat the main thread writes every
//    second; when it is BLOCKED_REPORT_MS old, the worker writes to stderr what the kernel says the
//    main thread is doing (state, wchan, syscall, kernel stack when readable), the process's child
//    processes ("running" with no syscall means a busy loop in JavaScript or native code).

import { createRequire, syncBuiltinESMExports } from 'node:module';
import { Worker } from 'node:worker_threads';

const timeoutMs = Number(process.env.BIA_E2E_FILE_TIMEOUT_MS || 0);
const HOOK_TIMEOUT_MS = 180_000;
const BLOCKED_REPORT_MS = Number(process.env.BIA_E2E_BLOCKED_REPORT_MS || 60_000);

// `import { before } from 'node:test'` reads the builtin's exports, which syncBuiltinESMExports()
// updates from the CommonJS module object.
const nodeTest = createRequire(import.meta.url)('node:test');
for (const name of ['before', 'after', 'beforeEach', 'afterEach']) {
  const hook = nodeTest[name];
  nodeTest[name] = (fn, options) => hook(fn, { timeout: HOOK_TIMEOUT_MS, ...options });
}
syncBuiltinESMExports();

function describeHandle(h) {
  const kind = h?.constructor?.name ?? typeof h;
  try {
    if (kind === 'ChildProcess') return `ChildProcess pid ${h.pid}: ${(h.spawnargs ?? []).join(' ').slice(0, 300)}`;
    if (kind === 'Server') {
      const a = h.address();
      return `Server listening on ${a && typeof a === 'object' ? `${a.address}:${a.port}` : a}`;
    }
    if (kind === 'Socket') {
      if (h.remotePort) return `Socket ${h.localAddress}:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}`;
      return `Socket (fd ${h._handle?.fd ?? '?'})`;
    }
  } catch {
    // a handle half torn down: its kind is enough
  }
  return kind;
}

function report() {
  const handles = typeof process._getActiveHandles === 'function' ? process._getActiveHandles() : [];
  const lines = [
    `watchdog: ${process.argv[1] ?? 'test file'} still running ${Math.round(process.uptime())} s after start;`
      + ' the runner kills it in 10 s. It is kept alive by:',
    ...handles.map((h) => `watchdog:   ${describeHandle(h)}`),
    `watchdog:   resources: ${process.getActiveResourcesInfo().join(', ')}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

// Only inside the runner's per-file child processes (NODE_TEST_CONTEXT is set there), never in the
// runner itself; unref'd so that it never keeps a finished file alive.
if (process.env.NODE_TEST_CONTEXT && timeoutMs > 20_000) {
  setTimeout(report, timeoutMs - 10_000).unref();
}

// The blocked-thread report (3). beat[0]: seconds of uptime at the main thread's last heartbeat.
const WORKER_SOURCE = `
const { readFileSync, readdirSync, writeSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const { beat, pid, file, reportAfterS } = workerData;
const read = (p) => { try { return readFileSync(p, 'utf8').trim(); } catch (e) { return '(' + e.code + ')'; } };
const out = (lines) => writeSync(2, lines.map((l) => 'watchdog:   ' + l).join('\\n') + '\\n');
let reported = false;
setInterval(() => {
  const now = Math.floor(process.uptime());
  const last = Atomics.load(beat, 0);
  if (reported || now - last < reportAfterS) return;
  reported = true;
  const t = '/proc/' + pid + '/task/' + pid;
  const lines = [
    'the main thread of ' + file + ' has run no JavaScript for ' + (now - last) + ' s (since ' + last + ' s after start)',
    'stat: ' + read(t + '/stat'),
    'wchan: ' + read(t + '/wchan') + '; syscall: ' + read(t + '/syscall'),
    ...read(t + '/stack').split('\\n').slice(0, 12).map((l) => 'kernel stack: ' + l),
  ];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(d)) continue;
      const st = read('/proc/' + d + '/stat');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (f[1] === String(pid)) {
        lines.push('child ' + d + ' (state ' + f[0] + '): ' + read('/proc/' + d + '/cmdline').split('\\0').join(' ').slice(0, 300));
      }
    }
  } catch {}
  out(lines);
}, 1000);
`;

if (process.env.NODE_TEST_CONTEXT) {
  const beat = new Int32Array(new SharedArrayBuffer(4));
  setInterval(() => Atomics.store(beat, 0, Math.floor(process.uptime())), 1000).unref();
  new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { beat, pid: process.pid, file: process.argv[1] ?? 'test file', reportAfterS: BLOCKED_REPORT_MS / 1000 },
    stdout: false,
    stderr: false,
  }).unref();
}
