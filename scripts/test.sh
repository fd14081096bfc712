#!/usr/bin/env bash
# `make test`: installs what is missing, builds with warnings as errors, runs the unit and
# database suites (ctest) and the end-to-end suite (Ory's npm clients against build/bin/bia).
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test || exit 1
cmake --preset ci >/dev/null || exit 1
cmake --build --preset ci || exit 1

failed=0
summary=()
run_suite() {  # name, command...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then summary+=("$name: ok"); else summary+=("$name: FAILED"); failed=$((failed + 1)); fi
}
run_suite "unit+db (ctest)" ctest --preset ci -j2
run_suite "e2e (node, @ory clients)" test/e2e/run.sh

echo "=== summary"
printf '%s\n' "${summary[@]}"
passed=$(( ${#summary[@]} - failed ))
echo "suites: $passed passed, $failed failed"
exit $(( failed > 0 ))
