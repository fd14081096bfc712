#!/usr/bin/env bash
# `make bench`: Bia's benchmark. Installs wrk, nginx, PostgreSQL and Node.js if missing
# (scripts/install-deps.sh --bench), builds the release binary (build-release/bin/bia) and the
# bench tools, installs the better-auth peer (npm ci), starts a private PostgreSQL cluster and runs
# bench/bench.mjs, which writes bench/results/<date>.json and prints a markdown table.
#
# Environment (see bench/README.md): BENCH_DURATION=10 BENCH_REPS=3 BENCH_QUICK=1 (2 s × 1 smoke
# run), BENCH_POSTGRES=0 (SQLite only), BENCH_PEER=0 (no better-auth), BENCH_NGINX=0,
# BENCH_ONLY=whoami_token,profile,… BENCH_BUILD=0 (use the binary as it is), BIA_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/install-deps.sh --bench

if [[ "${BENCH_BUILD:-1}" != 0 ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release
fi
cmake -S bench -B build-release/bench-tools -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release/bench-tools

peer=bench/peers/better-auth
if [[ "${BENCH_PEER:-1}" != 0 ]]; then
  if [[ ! -f $peer/node_modules/.stamp || $peer/package-lock.json -nt $peer/node_modules/.stamp ]]; then
    # better-sqlite3 compiles its addon when no prebuilt binary can be fetched: point node-gyp at
    # the installed Node headers instead of downloading them.
    nodedir=""
    for d in /usr /usr/local; do [[ -f $d/include/node/node.h ]] && { nodedir=$d; break; }; done
    (cd $peer && npm_config_nodedir=$nodedir npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
  fi
fi

pg_dir=""
cleanup() { [[ -n "$pg_dir" ]] && scripts/stop-postgres.sh "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [[ "${BENCH_POSTGRES:-1}" != 0 ]]; then
  eval "$(scripts/start-postgres.sh)"
  pg_dir=$BIA_TEST_POSTGRES_DIR
  # Bia's pool: max_conns defaults to 2 × cores (docs/production.md).
  export BENCH_POSTGRES_DSN=$BIA_TEST_POSTGRES_DSN
fi

node bench/bench.mjs
echo "bench: done in $(($(date +%s) - start)) s" >&2
