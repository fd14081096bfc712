#!/usr/bin/env bash
# Stops and/or starts again a cluster made by scripts/start-postgres.sh, on the same data folder
# and the same port, for tests of how Bia behaves while its database is away.
#   scripts/restart-postgres.sh DIR stop       pg_ctl stop -m fast (remembers the port in DIR/port)
#   scripts/restart-postgres.sh DIR start      start again on the remembered port
#   scripts/restart-postgres.sh DIR [restart]  both
# As root the server runs as the owner of DIR/data (PostgreSQL refuses to run as root).
# Refuses folders that do not look like one of ours. Environment: PG_BIN.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "restart-postgres: $*" >&2; }

dir=${1:-}
action=${2:-restart}
if [[ -z "$dir" || ! -d "$dir/data" ]]; then
  log "usage: $0 DIR [stop|start|restart] (DIR made by start-postgres.sh)"
  exit 2
fi
case "$(basename "$dir")" in
  bia-pg.*) ;;
  *) log "refusing $dir: not a folder made by start-postgres.sh"; exit 2 ;;
esac
# The server may run as another user who cannot enter the caller's folder.
cd /

source "$here/lib/pg-cluster.sh"
pg_cluster_tools "$dir"
as_owner() { "${run_as[@]}" "$@"; }

stop() {
  if [[ ! -f "$dir/data/postmaster.pid" ]]; then
    log "not running"
    return 0
  fi
  # Line 4 of postmaster.pid is the port; start-postgres.sh passes it on the command line only.
  sed -n 4p "$dir/data/postmaster.pid" >"$dir/port"
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null; then
    log "fast stop failed; stopping immediately"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null
  fi
}

start() {
  if [[ ! -s "$dir/port" ]]; then
    log "no remembered port in $dir/port (stop it with this script first)"
    exit 1
  fi
  local port
  port=$(tr -dc 0-9 <"$dir/port")
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 start >/dev/null; then
    tail -20 "$dir/server.log" >&2 || true
    log "could not start PostgreSQL on port $port"
    exit 1
  fi
}

case "$action" in
  stop) stop ;;
  start) start ;;
  restart) stop; start ;;
  *) log "unknown action $action (stop, start or restart)"; exit 2 ;;
esac
