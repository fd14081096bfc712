// PostgreSQL helpers for the scale-out and restart suites: private throw-away clusters made by
// scripts/start-postgres.sh (stopped with scripts/stop-postgres.sh, also when a test fails),
// stop/start on the same port with scripts/restart-postgres.sh, and fresh databases on a shared
// server.
//
//   const pg = await startPostgres();        // { dsn, dir, port }
//   await pg.stopServer(); await pg.startServer();   // same data dir and port
//   await pg.close();                        // stop + remove the folder
//   const dsn = createDatabase(baseDsn, 'name');     // CREATE DATABASE, DSN pointing at it
//   const why = postgresMissing();           // null, or why no cluster can be started here

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './server.js';

const SCRIPTS = path.join(REPO_ROOT, 'scripts');

function run(script, args, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    execFile(path.join(SCRIPTS, script), args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${script} ${args.join(' ')} failed: ${err.message}\n${stderr}`;
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function hasInitdb() {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb'));
  try {
    for (const v of readdirSync('/usr/lib/postgresql')) {
      if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return true;
    }
  } catch { /* no Debian layout */ }
  return spawnSync('sh', ['-c', 'command -v initdb && command -v pg_ctl']).status === 0;
}

/** null when a private cluster can be started (initdb, pg_ctl, psql present), else the reason. */
export function postgresMissing() {
  if (!hasInitdb()) return 'no PostgreSQL server binaries (initdb/pg_ctl; Debian package postgresql, or PG_BIN)';
  if (spawnSync('psql', ['--version']).status !== 0) return 'no psql (Debian package postgresql-client)';
  return null;
}

export class PostgresCluster {
  constructor(dsn, dir) {
    this.dsn = dsn;
    this.dir = dir;
    this.port = Number(new URL(dsn).port);
  }

  /** pg_ctl stop -m fast (waits until the server is gone). */
  async stopServer() { await run('restart-postgres.sh', [this.dir, 'stop']); }

  /** Starts the stopped server again on the same data dir and port (waits until it accepts). */
  async startServer() { await run('restart-postgres.sh', [this.dir, 'start']); }

  /** Stops the server and removes its folder; safe to call twice. */
  async close() {
    if (!this.dir) return;
    const dir = this.dir;
    this.dir = undefined;
    await run('stop-postgres.sh', [dir]);
  }
}

/** Starts a private cluster (loopback, random password, fsync off). */
export async function startPostgres() {
  const { stdout } = await run('start-postgres.sh', [], 120_000);
  const dsn = stdout.match(/BIA_TEST_POSTGRES_DSN='([^']+)'/)?.[1];
  const dir = stdout.match(/BIA_TEST_POSTGRES_DIR='([^']+)'/)?.[1];
  if (!dsn || !dir) throw new Error(`start-postgres.sh printed no DSN/DIR:\n${stdout}`);
  return new PostgresCluster(dsn, dir);
}

/** Creates database `name` on the server of `baseDsn` (drops it first) and returns its DSN. */
export function createDatabase(baseDsn, name) {
  for (const sql of [`DROP DATABASE IF EXISTS "${name}"`, `CREATE DATABASE "${name}"`]) {
    const r = spawnSync('psql', [baseDsn, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.stderr || r.error}`);
  }
  const url = new URL(baseDsn);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name` on the server of `baseDsn`; errors are ignored (cleanup). */
export function dropDatabase(baseDsn, name) {
  spawnSync('psql', [baseDsn, '-q', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { encoding: 'utf8', timeout: 30_000 });
}
