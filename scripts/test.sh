#!/usr/bin/env bash
# `make test`: installs what is missing, then
#   1. clang-format check (scripts/check-style.sh) and the layering check (scripts/check-layers.py),
#   2. builds once, with AddressSanitizer + UBSan at -Og and warnings as errors (the asan preset,
#      build-asan/), the server, the client library and every test,
#   3. runs against that build the unit, database, fuzz-replay and client suites (ctest) and the
#      end-to-end suites (Ory's npm clients against build-asan/bin/bia) on SQLite and on a private
#      PostgreSQL cluster, incl. the two-instance scale-out, crash and database-restart suites; any
#      sanitizer report, from a test binary or from a server a suite started, fails the run,
#   4. clang-tidy with the curated checks of .clang-tidy (scripts/check-tidy.sh) over the build's
#      unity units, in the background at the lowest priority (nice 19) from the moment the build is
#      done: the suites of step 3 mostly wait on sockets, timers and the database,
# and prints one closing line with the test counts of all suites. Every stage runs even when an
# earlier one failed; the exit status is non-zero if any failed.
# Each test stage has a hard cap (cap_* below) and so does each test (ctest --timeout, the e2e
# runner's per-file --test-timeout): a hang fails its stage by name instead of stalling CI.
#   BIA_TEST_SANITIZE=0 runs steps 2-3 with the ci preset instead (build/, RelWithDebInfo, no
#   sanitizers) and BIA_TEST_TIDY=0 skips step 4, for a quicker local run (CI runs the default).
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test || exit 1

logs=$(mktemp -d)
t0=$SECONDS
timings=()
stage() { timings+=("$1: $((SECONDS - stage_start)) s"); }
status=0
failed_stages=()
fail() { status=1; failed_stages+=("$1"); }
# Hard caps, in seconds, on the test stages (each a few times its usual length; ctest also caps
# every test at 600 s and the e2e runner every file at 300 s): a stage that hangs is stopped, with
# its process group, and fails by name instead of outliving CI's limit.
cap_ctest=900 cap_e2e=1500 cap_e2e_pg=900
check() {  # stage cap exit-status
  [[ $3 -eq 124 || $3 -eq 137 ]] && echo "=== $1: stopped after its cap of $2 s"
  [[ $3 -eq 0 ]] || fail "$1"
}

stage_start=$SECONDS
echo "=== style (clang-format)"
scripts/check-style.sh || fail style
echo "=== layering (a module includes only modules declared before it in src/CMakeLists.txt)"
python3 scripts/check-layers.py || fail layering
stage style

if [[ "${BIA_TEST_SANITIZE:-1}" != 0 ]]; then
  preset=asan build=build-asan
else
  preset=ci build=build
fi

stage_start=$SECONDS
echo "=== build ($preset preset, $build/)"
cmake --preset "$preset" >/dev/null || exit 1
cmake --build --preset "$preset" || exit 1
stage build

bg_pid=""
if [[ "${BIA_TEST_TIDY:-1}" != 0 ]]; then
  bg_start=$SECONDS
  (
    nice -n 19 scripts/check-tidy.sh --unity "$build" >"$logs/tidy.log" 2>&1
    echo "$? $((SECONDS - bg_start))" >"$logs/tidy.rc"
  ) &
  bg_pid=$!
fi

# A private PostgreSQL cluster on loopback for the PostgreSQL contract suites and the e2e pass on
# PostgreSQL; stopped on exit, also when tests fail.
pg_started=""
if [[ -z "${BIA_TEST_POSTGRES_DSN:-}" ]]; then
  pg_env=$(scripts/start-postgres.sh) || exit 1
  eval "$pg_env"   # exports BIA_TEST_POSTGRES_DSN and BIA_TEST_POSTGRES_DIR
  pg_started=$BIA_TEST_POSTGRES_DIR
fi
trap '[[ -z "$bg_pid" ]] || { pkill -TERM -P "$bg_pid"; kill "$bg_pid"; wait "$bg_pid"; } 2>/dev/null; rm -rf "$logs"; [[ -z "$pg_started" ]] || scripts/stop-postgres.sh "$pg_started"' EXIT
export CI="${CI:-true}"   # a missing PostgreSQL server or haproxy fails a suite instead of skipping it

reports="$logs/sanitizer"
if [[ "$preset" == asan ]]; then
  mkdir -p "$reports"
  # Halt on the first report; reports go to files (one per process) so that a report from a server
  # process that a suite stops is not lost in its captured output. Every process started below
  # inherits these: the test binaries, the servers the e2e suites start, the C++ client's journey.
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:quarantine_size_mb=32:log_path=$reports/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  export LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0"
fi

stage_start=$SECONDS
echo "=== unit + db + fuzz-replay + client suites (ctest --preset $preset)"
timeout -k 30 "$cap_ctest" ctest --preset "$preset" -j2 -V --timeout 600 2>&1 | tee "$logs/ctest.log" | grep -vE "^[0-9]+: "
check ctest "$cap_ctest" "${PIPESTATUS[0]}"
stage ctest

stage_start=$SECONDS
echo "=== end-to-end suite on SQLite (node --test, Ory clients against $build/bin/bia)"
BIA_BIN="$build/bin/bia" timeout -k 30 "$cap_e2e" test/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
check e2e-sqlite "$cap_e2e" "${PIPESTATUS[0]}"
stage e2e-sqlite

# The same API suites and the second-factor suites with Bia on PostgreSQL (hostile/crash/concurrency suites check SQLite
# specifics such as the data file and stay on SQLite), then two instances behind haproxy on one
# database, and a PostgreSQL restart under load (that suite starts its own cluster).
stage_start=$SECONDS
echo "=== end-to-end suite on PostgreSQL"
BIA_BIN="$build/bin/bia" BIA_E2E_POSTGRES_DSN="$BIA_TEST_POSTGRES_DSN" timeout -k 30 "$cap_e2e_pg" test/e2e/run.sh identities.test.js \
  login.test.js settings.test.js settings-webhook.test.js totp.test.js lookup_secret.test.js webauthn.test.js \
  courier.test.js verification-recovery.test.js oidc.test.js whoami-cache.test.js 2>&1 |
  tee "$logs/e2e-pg.log"
check e2e-postgres "$cap_e2e_pg" "${PIPESTATUS[0]}"
stage e2e-postgres

if [[ "$preset" == asan ]]; then
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  if compgen -G "$reports/*" >/dev/null; then
    echo "=== sanitizer reports"
    cat "$reports"/*
    fail sanitizer-report
  else
    echo "=== sanitizer reports: none"
  fi
fi

if [[ "${BIA_TEST_TIDY:-1}" != 0 ]]; then
  stage_start=$SECONDS
  echo "=== clang-tidy (.clang-tidy; in the background since the build)"
  wait "$bg_pid"
  bg_pid=""
  read -r tidy_rc tidy_secs <"$logs/tidy.rc"
  cat "$logs/tidy.log"
  ((tidy_rc == 0)) || fail tidy
  timings+=("tidy (background, nice 19): ended ${tidy_secs} s after the build, waited $((SECONDS - stage_start)) s")
fi

# Individual test counts: GoogleTest cases from each binary's summary, node's # pass/# fail.
ctest_logs=("$logs"/ctest*.log)
e2e_logs=("$logs"/e2e*.log)
gt_pass=$(cat "${ctest_logs[@]}" | grep -oE '\[  PASSED  \] [0-9]+' | awk '{s+=$NF} END {print s+0}')
gt_fail=$(cat "${ctest_logs[@]}" | grep -oE '\[  FAILED  \] [0-9]+ test' | awk '{s+=$(NF-1)} END {print s+0}')
ctest_fail=$(cat "${ctest_logs[@]}" | grep -oE '[0-9]+ tests failed out of' | awk '{s+=$1} END {print s+0}')
e2e_pass=$(cat "${e2e_logs[@]}" | grep -oE '^# pass [0-9]+' | awk '{s+=$3} END {print s+0}')
e2e_fail=$(cat "${e2e_logs[@]}" | grep -oE '^# fail [0-9]+' | awk '{s+=$3} END {print s+0}')
passed=$((gt_pass + e2e_pass))
failed=$((gt_fail + e2e_fail))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=$(( ctest_fail > 0 ? ctest_fail : 1 )); fi
echo "=== stages: ${timings[*]/%/;} total $((SECONDS - t0)) s"
((status)) && echo "=== failed stages: ${failed_stages[*]}"
echo "=== summary: unit+db+fuzz $gt_pass passed, $gt_fail failed; e2e $e2e_pass passed, $e2e_fail failed"
echo "total: $passed passed, $failed failed"
exit $status
