#!/usr/bin/env bash
# `make test`: installs what is missing, builds with warnings as errors, runs the unit and
# database suites (ctest) and the end-to-end suite (Ory's npm clients against build/bin/bia),
# then prints one closing line with the test counts of all suites.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test || exit 1
cmake --preset ci >/dev/null || exit 1
cmake --build --preset ci || exit 1

logs=$(mktemp -d)
# A private PostgreSQL cluster on loopback for the PostgreSQL contract suites and the e2e pass on
# PostgreSQL; stopped on exit, also when tests fail.
pg_started=""
if [[ -z "${BIA_TEST_POSTGRES_DSN:-}" ]]; then
  pg_env=$(scripts/start-postgres.sh) || exit 1
  eval "$pg_env"   # exports BIA_TEST_POSTGRES_DSN and BIA_TEST_POSTGRES_DIR
  pg_started=$BIA_TEST_POSTGRES_DIR
fi
trap 'rm -rf "$logs"; [[ -z "$pg_started" ]] || scripts/stop-postgres.sh "$pg_started"' EXIT
export CI="${CI:-true}"   # a missing PostgreSQL server fails the db suite instead of skipping it
status=0

echo "=== unit + db suites (ctest)"
ctest --preset ci -j2 -V 2>&1 | tee "$logs/ctest.log" | grep -vE "^[0-9]+: " 
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

echo "=== end-to-end suite on SQLite (node --test, Ory clients against build/bin/bia)"
test/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

# The same API suites with Bia on PostgreSQL (hostile/crash/concurrency suites check SQLite
# specifics such as the data file and stay on SQLite).
echo "=== end-to-end suite on PostgreSQL"
BIA_E2E_POSTGRES_DSN="$BIA_TEST_POSTGRES_DSN" test/e2e/run.sh identities.test.js login.test.js \
  settings.test.js settings-webhook.test.js 2>&1 | tee "$logs/e2e-pg.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

# Individual test counts: GoogleTest cases from each binary's summary, node's # pass/# fail.
gt_pass=$(grep -oE '\[  PASSED  \] [0-9]+' "$logs/ctest.log" | awk '{s+=$NF} END {print s+0}')
gt_fail=$(grep -oE '\[  FAILED  \] [0-9]+ test' "$logs/ctest.log" | awk '{s+=$(NF-1)} END {print s+0}')
ctest_fail=$(grep -oE '[0-9]+ tests failed out of' "$logs/ctest.log" | awk '{print $1}' | tail -1)
e2e_pass=$(grep -hoE '^# pass [0-9]+' "$logs/e2e.log" "$logs/e2e-pg.log" | awk '{s+=$3} END {print s+0}')
e2e_fail=$(grep -hoE '^# fail [0-9]+' "$logs/e2e.log" "$logs/e2e-pg.log" | awk '{s+=$3} END {print s+0}')
passed=$((gt_pass + e2e_pass))
failed=$((gt_fail + e2e_fail))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=$(( ${ctest_fail:-0} > 0 ? ${ctest_fail:-1} : 1 )); fi
echo "=== summary: unit+db $gt_pass passed, $gt_fail failed; e2e $e2e_pass passed, $e2e_fail failed"
echo "total: $passed passed, $failed failed"
exit $status
