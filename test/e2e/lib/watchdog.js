// Loaded into every test file's process (package.json: `node --import ./lib/watchdog.js --test`).
// The runner kills a file that runs longer than --test-timeout (run.sh sets both from
// BIA_E2E_FILE_TIMEOUT_MS), and a file that hangs in a hook or never exits prints nothing more
// after its last finished test. Ten seconds before that kill this watchdog writes to stderr (which
// the runner passes on as `#` lines) what still keeps the process alive: child processes with their
// command lines, listening servers, open sockets and timers, so the log names the culprit.

const timeoutMs = Number(process.env.BIA_E2E_FILE_TIMEOUT_MS || 0);

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
