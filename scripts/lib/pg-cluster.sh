# Sourced by stop-postgres.sh and restart-postgres.sh: for a cluster folder made by
# start-postgres.sh, sets `bin` (the folder with pg_ctl: $PG_BIN, else the installed version that
# matches DIR/data/PG_VERSION, else pg_ctl on PATH) and `run_as` (a command prefix that runs as the
# data folder's owner when we are root — PostgreSQL refuses to run as root).
pg_cluster_tools() {
  local dir=$1 ver owner
  bin=${PG_BIN:-}
  if [[ -z "$bin" ]]; then
    ver=$(cat "$dir/data/PG_VERSION" 2>/dev/null || echo 15)
    if [[ -x "/usr/lib/postgresql/$ver/bin/pg_ctl" ]]; then bin=/usr/lib/postgresql/$ver/bin
    else bin=$(dirname "$(readlink -f "$(command -v pg_ctl)")"); fi
  fi
  run_as=()
  if [[ $(id -u) -eq 0 ]]; then
    owner=$(stat -c %U "$dir/data")
    if command -v runuser >/dev/null; then run_as=(runuser -u "$owner" --)
    else run_as=(su -s /bin/sh "$owner" -c '"$0" "$@"'); fi
  fi
}
