#!/usr/bin/env bash
# Stops a cluster started by scripts/start-postgres.sh and removes its folder.
#   scripts/stop-postgres.sh [DIR]     (DIR defaults to $BIA_TEST_POSTGRES_DIR)
# Refuses folders that do not look like one of ours, so a wrong argument cannot delete data.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "stop-postgres: $*" >&2; }

dir=${1:-${BIA_TEST_POSTGRES_DIR:-}}
if [[ -z "$dir" ]]; then
  log "nothing to stop (give the folder or set BIA_TEST_POSTGRES_DIR)"
  exit 0
fi
if [[ ! -d "$dir" ]]; then
  log "$dir is already gone"
  exit 0
fi
case "$(basename "$dir")" in
  bia-pg.*) ;;
  *) log "refusing to remove $dir: not a folder made by start-postgres.sh"; exit 1 ;;
esac

if [[ -f "$dir/data/postmaster.pid" ]]; then
  source "$here/lib/pg-cluster.sh"
  pg_cluster_tools "$dir"
  # fast = roll back open transactions and disconnect clients; immediate if that stalls.
  if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1; then
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
fi
rm -rf "$dir"
log "stopped and removed $dir"
