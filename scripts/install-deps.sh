#!/usr/bin/env bash
# Installs what Bia needs to build, run and test: Debian packages (only those missing) and the
# npm packages of the end-to-end suite. Safe to run any number of times.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also test dependencies (PostgreSQL, clang, npm clients, ...)
#   scripts/install-deps.sh --bench  also benchmark dependencies (wrk, nginx, PostgreSQL, Node.js)
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake pkg-config ninja-build libphonenumber-dev
  libboost1.74-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libpq-dev libssl-dev
  libargon2-dev libcrypt-dev libcurl4-openssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libjsonnet-dev libqrencode-dev libpng-dev libcbor-dev libre2-dev libsodium-dev)
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev sqlite3 postgresql haproxy json-schema-test-suite
  clang-14 libclang-rt-14-dev clang-format clang-tidy python3 nodejs npm chromium)
bench_pkgs=(wrk nginx postgresql nodejs npm)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_pkgs[@]}"); fi
if [[ "${1:-}" == "--bench" ]]; then want+=("${bench_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian on some machines; accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]}")
fi
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  if [[ ! -d test/e2e/node_modules/@ory/client || test/e2e/package.json -nt test/e2e/node_modules/.stamp ]]; then
    (cd test/e2e && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
  fi
fi
echo "install-deps: ok"
