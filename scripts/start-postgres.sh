#!/usr/bin/env bash
# Starts a private, throw-away PostgreSQL cluster for the database test suites and prints the
# lines to use it:   eval "$(scripts/start-postgres.sh)"   …   scripts/stop-postgres.sh
# The cluster lives in a fresh temp folder, listens on 127.0.0.1 only (free port, unix socket
# inside the folder), requires a random password, and runs with fsync off: it is for tests.
# As root (CI) the server runs as the `postgres` user, because PostgreSQL refuses to run as root.
# Environment: PG_BIN (folder with initdb/pg_ctl), BIA_PG_PORT (fixed port), TMPDIR.
set -euo pipefail

log() { echo "start-postgres: $*" >&2; }
# The server may run as another user who cannot enter the caller's folder.
cd /

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then echo /usr/lib/postgresql/15/bin; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" ]]; then echo "$d"; return; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"; return
  fi
  log "no PostgreSQL server binaries found (install the Debian package postgresql, or set PG_BIN)"
  exit 1
}
bin=$(find_bin)

# PostgreSQL will not run as root: run the server as an unprivileged user instead.
run_as=()
owner=""
if [[ $(id -u) -eq 0 ]]; then
  if id -u postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  if command -v runuser >/dev/null; then run_as=(runuser -u "$owner" --)
  else run_as=(su -s /bin/sh "$owner" -c '"$0" "$@"'); fi
fi
as_owner() { "${run_as[@]}" "$@"; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/bia-pg.XXXXXXXX")
cleanup_on_error() {
  if [[ -f "$dir/data/postmaster.pid" ]]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}
trap cleanup_on_error ERR
chmod 700 "$dir"
if [[ -n "$owner" ]]; then
  chown "$owner" "$dir"
  if ! as_owner test -w "$dir"; then
    log "$owner cannot use $dir (a parent folder is private?); set TMPDIR to a folder like /tmp"
    rm -rf "$dir"
    exit 1
  fi
fi

user=bia
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pwfile"
chmod 600 "$dir/pwfile"
[[ -n "$owner" ]] && chown "$owner" "$dir/pwfile"

if ! as_owner "$bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  log "initdb failed"
  exit 1
fi
rm -f "$dir/pwfile"

cat >>"$dir/data/postgresql.conf" <<EOF
# bia test cluster: loopback only, private socket folder, durability off for speed.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
logging_collector = off
EOF

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports are drawn below the kernel's ephemeral range (source ports of outgoing connections). Inside
# it, a client retrying connect() while the server is down (the restart suite stops and restarts
# it on the same port) can be handed the server's port as its own source port and connect to
# itself (TCP simultaneous open); the server then cannot bind that port again.
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral_low=32768
port_span=$((ephemeral_low - 20000))
((port_span >= 1000)) || port_span=40000  # an unusual range: fall back to any port from 20000

started=""
for attempt in 1 2 3 4 5 6 7 8; do
  if [[ -n "${BIA_PG_PORT:-}" ]]; then port=$BIA_PG_PORT
  else port=$((20000 + (RANDOM * 32768 + RANDOM) % port_span)); fi
  port_free "$port" || continue
  if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 start >/dev/null 2>&1; then
    started=1
    break
  fi
  [[ -n "${BIA_PG_PORT:-}" ]] && break
  log "attempt $attempt on port $port failed, retrying"
done
if [[ -z "$started" ]]; then
  cat "$dir/server.log" >&2 2>/dev/null || true
  log "could not start PostgreSQL"
  rm -rf "$dir"
  exit 1
fi
trap - ERR

# createdb speaks to the server over the private socket with the generated password.
if ! PGPASSWORD="$password" "$bin/createdb" -h "$dir" -p "$port" -U "$user" bia >&2; then
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  log "createdb failed"
  exit 1
fi

log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running in $dir on 127.0.0.1:$port"
echo "export BIA_TEST_POSTGRES_DSN='postgres://$user:$password@127.0.0.1:$port/bia?sslmode=disable'"
echo "export BIA_TEST_POSTGRES_DIR='$dir'"
