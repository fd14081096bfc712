// better-auth 1.7 on SQLite (better-sqlite3 12, WAL) behind node:http, as the peer of Bia's
// benchmark. The operations compared: GET /api/auth/get-session (cookie), POST
// /api/auth/update-user, POST /api/auth/change-password.
//
//   node server.mjs --port 4500 --db /tmp/x/auth.sqlite [--workers 2] [--cost 12]
//
// --cost is the bcrypt cost of the password hasher: better-auth hashes with scrypt by default;
// for a like-for-like comparison it is given bcrypt (the native `bcrypt` package, which hashes
// on libuv's thread pool) with Bia's cost. The bench seeds with --cost 4 and measures with 12.
// --workers N forks N processes (node:cluster, one per core by default) sharing the port and
// the SQLite file, since one Node process uses one core. Ready when GET /ok answers 200.
//
//   node server.mjs --db PATH --set-hash HASH --emails FILE
// sets the password hash of the users listed in FILE (one e-mail a line) and exits: the bench
// gives the users of its change-password scenario a bcrypt-12 hash this way, as it does for Bia.
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '4500' },
    db: { type: 'string' },
    workers: { type: 'string', default: String(os.availableParallelism()) },
    cost: { type: 'string', default: '12' },
    'set-hash': { type: 'string' },
    emails: { type: 'string' },
  },
});
if (!args.db) {
  console.error('server.mjs: --db PATH is required');
  process.exit(2);
}
const port = Number(args.port);
const workers = Math.max(1, Number(args.workers));
const cost = Number(args.cost);

async function makeAuth() {
  const [{ betterAuth }, { default: Database }, bcrypt] = await Promise.all([
    import('better-auth'),
    import('better-sqlite3'),
    import('bcrypt'),
  ]);
  const db = new Database(args.db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const auth = betterAuth({
    database: db,
    baseURL: `http://127.0.0.1:${port}`,
    secret: 'bia-bench-peer-secret-0123456789abcdef0123456789',
    logger: { level: 'error' },
    telemetry: { enabled: false },
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      password: {
        hash: (password) => bcrypt.hash(password, cost),
        verify: ({ hash, password }) => bcrypt.compare(password, hash),
      },
    },
    // Sessions are read from the database on every get-session (no cookie cache), as Bia does.
    session: { expiresIn: 60 * 60 * 24, updateAge: 60 * 60 * 24, cookieCache: { enabled: false } },
    advanced: { useSecureCookies: false, disableCSRFCheck: true },
  });
  return { auth, db };
}

async function migrate() {
  const { auth } = await makeAuth();
  const { getMigrations } = await import('better-auth/db/migration');
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}

async function serve() {
  const { auth } = await makeAuth();
  const { toNodeHandler } = await import('better-auth/node');
  const handler = toNodeHandler(auth);
  const server = http.createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    handler(req, res);
  });
  server.keepAliveTimeout = 65000;
  server.listen(port, '127.0.0.1');
}

if (args['set-hash']) {
  const [{ default: Database }, fs] = await Promise.all([import('better-sqlite3'), import('node:fs')]);
  const db = new Database(args.db);
  const emails = fs.readFileSync(args.emails, 'utf8').split('\n').filter(Boolean);
  const update = db.prepare(
    "UPDATE account SET password = ? WHERE providerId = 'credential' AND userId = (SELECT id FROM user WHERE email = ?)");
  let changed = 0;
  db.transaction(() => {
    for (const e of emails) changed += update.run(args['set-hash'], e).changes;
  })();
  db.close();
  if (changed !== emails.length) {
    console.error(`server.mjs: updated ${changed} of ${emails.length} accounts`);
    process.exit(1);
  }
  process.exit(0);
}

if (cluster.isPrimary) {
  await migrate();
  if (workers === 1) {
    await serve();
  } else {
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on('exit', (w, code, signal) => {
      console.error(`server.mjs: worker ${w.process.pid} exited (${code ?? signal})`);
      process.exit(1);
    });
    const stop = () => {
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }
} else {
  await serve();
}
