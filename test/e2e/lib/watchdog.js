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

import { createRequire, syncBuiltinESMExports } from 'node:module';

const timeoutMs = Number(process.env.BIA_E2E_FILE_TIMEOUT_MS || 0);
export const HOOK_TIMEOUT_MS = 180_000;

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
