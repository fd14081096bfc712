#!/usr/bin/env bash
# `make test`: installs what is missing, then
#   1. clang-format check (scripts/check-style.sh) and the layering check (scripts/check-layers.py),
#   2. builds with warnings as errors (build/) and runs the unit, database and fuzz-replay suites
#      (ctest) and the end-to-end suites (Ory's npm clients against build/bin/bia) on SQLite and on a
#      private PostgreSQL cluster, incl. the two-instance scale-out and the database-restart suites,
#   3. builds again with AddressSanitizer + UBSan (build-asan/) and runs the unit/db/fuzz-replay
#      suites and the API, hostile-input and concurrency e2e suites against the sanitized binary;
#      any sanitizer report fails the run,
#   4. clang-tidy with the curated checks of .clang-tidy (scripts/check-tidy.sh),
# The sanitizer build and clang-tidy only need CPU, while the suites of step 2 mostly wait on sockets,
# timers and the database: both run in the background at the lowest priority (nice 19) from the
# moment the first build is done, so the two cores stay busy and the foreground suites keep theirs.
# and prints one closing line with the test counts of all suites. Every stage runs even when an
# earlier one failed; the exit status is non-zero if any failed.
#   BIA_TEST_SANITIZE=0 / BIA_TEST_TIDY=0 skip stages 3 / 4 for a quicker local run (CI runs all).
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

stage_start=$SECONDS
echo "=== style (clang-format)"
scripts/check-style.sh || fail style
echo "=== layering (a module includes only modules declared before it in src/CMakeLists.txt)"
python3 scripts/check-layers.py || fail layering
stage style

stage_start=$SECONDS
echo "=== build (ci preset: RelWithDebInfo, -Werror)"
cmake --preset ci >/dev/null || exit 1
cmake --build --preset ci || exit 1
stage build

bg_start=$SECONDS
bg_pid=""
if [[ "${BIA_TEST_SANITIZE:-1}" != 0 || "${BIA_TEST_TIDY:-1}" != 0 ]]; then
  (
    if [[ "${BIA_TEST_SANITIZE:-1}" != 0 ]]; then
      { nice -n 19 cmake --preset asan >/dev/null && nice -n 19 cmake --build --preset asan; } >"$logs/asan-build.log" 2>&1
      echo "$? $((SECONDS - bg_start))" >"$logs/asan-build.rc"
    fi
    if [[ "${BIA_TEST_TIDY:-1}" != 0 ]]; then
      nice -n 19 scripts/check-tidy.sh --unity build >"$logs/tidy.log" 2>&1
      echo "$? $((SECONDS - bg_start))" >"$logs/tidy.rc"
    fi
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

stage_start=$SECONDS
echo "=== unit + db + fuzz-replay suites (ctest)"
ctest --preset ci -j2 -V 2>&1 | tee "$logs/ctest.log" | grep -vE "^[0-9]+: "
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail ctest
stage ctest

stage_start=$SECONDS
echo "=== end-to-end suite on SQLite (node --test, Ory clients against build/bin/bia)"
test/e2e/run.sh 2>&1 | tee "$logs/e2e.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail e2e-sqlite
stage e2e-sqlite

# The same API suites and the second-factor suites with Bia on PostgreSQL (hostile/crash/concurrency suites check SQLite
# specifics such as the data file and stay on SQLite), then two instances behind haproxy on one
# database, and a PostgreSQL restart under load (that suite starts its own cluster).
stage_start=$SECONDS
echo "=== end-to-end suite on PostgreSQL"
BIA_E2E_POSTGRES_DSN="$BIA_TEST_POSTGRES_DSN" test/e2e/run.sh identities.test.js login.test.js \
  settings.test.js settings-webhook.test.js totp.test.js lookup_secret.test.js webauthn.test.js \
  courier.test.js verification-recovery.test.js oidc.test.js whoami-cache.test.js 2>&1 |
  tee "$logs/e2e-pg.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || fail e2e-postgres
stage e2e-postgres

if [[ "${BIA_TEST_SANITIZE:-1}" != 0 ]]; then
  stage_start=$SECONDS
  echo "=== build with AddressSanitizer + UBSan (asan preset, build-asan/; in the background since the first build)"
  while [[ ! -f "$logs/asan-build.rc" ]]; do sleep 2; done
  read -r asan_rc asan_secs <"$logs/asan-build.rc"
  tail -n 3 "$logs/asan-build.log"
  ((asan_rc == 0)) || { grep -E "FAILED|error" "$logs/asan-build.log" | head -n 50; }
  timings+=("asan-build (background, nice 19): ${asan_secs} s, waited $((SECONDS - stage_start)) s")
  if ((asan_rc == 0)); then
    stage_start=$SECONDS
    reports="$logs/sanitizer"
    mkdir -p "$reports"
    # halt on the first report; reports go to files so that a report from a server process that the
    # e2e suite stops is not lost in its captured output.
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:quarantine_size_mb=32:log_path=$reports/asan"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
    export LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0"
    echo "=== unit + db + fuzz-replay suites under ASan + UBSan"
    # The timing test (dummy verify ≈ real verify) measures bcrypt against an instrumented build.
    GTEST_FILTER='-HashPool.DummyVerifyTakesAsLongAsARealVerification' \
      ctest --preset asan -j2 -L 'unit|db|fuzz' -V 2>&1 | tee "$logs/ctest-asan.log" | grep -vE "^[0-9]+: "
    [[ ${PIPESTATUS[0]} -eq 0 ]] || fail ctest-asan
    stage ctest-asan
    stage_start=$SECONDS
    echo "=== end-to-end suites against the sanitized binary (build-asan/bin/bia)"
    BIA_SANITIZED=1 BIA_BIN=build-asan/bin/bia test/e2e/run.sh identities.test.js login.test.js \
      settings.test.js settings-webhook.test.js hostile.test.js concurrency.test.js totp.test.js \
      lookup_secret.test.js webauthn.test.js builtin-ui.test.js courier.test.js verification-recovery.test.js \
      oidc.test.js 2>&1 |
      tee "$logs/e2e-asan.log"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || fail e2e-asan
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    if compgen -G "$reports/*" >/dev/null; then
      echo "=== sanitizer reports"
      cat "$reports"/*
      fail sanitizer-report
    fi
    stage e2e-asan
  else
    fail asan-build
  fi
fi

if [[ "${BIA_TEST_TIDY:-1}" != 0 ]]; then
  stage_start=$SECONDS
  echo "=== clang-tidy (.clang-tidy; in the background since the sanitizer build)"
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
