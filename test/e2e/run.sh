#!/usr/bin/env bash
# Runs the Bia end-to-end suite (node's built-in test runner, TAP output
# ending in "# pass N" / "# fail N"). Exits non-zero when any test fails.
#
#   test/e2e/run.sh                        # all *.test.js files
#   test/e2e/run.sh identities.test.js     # selected files (relative to test/e2e)
#
# BIA_BIN overrides the binary (default: <repo>/build/bin/bia); a relative
# path is taken relative to the directory run.sh was started from.
# BIA_E2E_FILE_TIMEOUT_MS (default 300000) bounds each test file, hooks and process exit included:
# a file that hangs fails as "test timed out" instead of stalling the run, and lib/watchdog.js
# prints what kept it alive ten seconds before.
#
# A file stopped by that bound is run once more, by itself, when nothing else failed: the run
# then passes only if the second attempt passes, and the log says that a retry happened and why
# (lib/watchdog.js's report of the first attempt stays above it). Individual tests and hooks have
# timeouts of their own, so a file-level timeout means the harness's process stopped running (a
# blocked main thread) rather than Bia failing a test. A file that times out twice fails the run.
set -euo pipefail

if [[ -n "${BIA_BIN:-}" && "${BIA_BIN}" != /* ]]; then
  BIA_BIN="$(pwd)/${BIA_BIN}"
  export BIA_BIN
fi

cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -d node_modules/@ory/client || ! -d node_modules/@ory/kratos-client || ! -d node_modules/kratos-client-0101 ||
      ! -d node_modules/playwright-core || ! -d node_modules/@ory/kratos-selfservice-ui-node ||
      ! -d node_modules/oidc-provider || ! -d node_modules/ory-client-1 || ! -d node_modules/@ory/elements-markup ||
      ! -d node_modules/express ]]; then
  echo "run.sh: installing e2e dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi

export BIA_E2E_FILE_TIMEOUT_MS="${BIA_E2E_FILE_TIMEOUT_MS:-300000}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
npm test -- --test-timeout="$BIA_E2E_FILE_TIMEOUT_MS" "$@" | tee "$out" || status=$?
((status == 0)) && exit 0

# The files that failed by the per-file bound: "not ok N - <path>.test.js" with that failure type.
mapfile -t timed_out < <(awk '
  /^not ok [0-9]+ - .*\.test\.js$/ { file = $0; sub(/^not ok [0-9]+ - /, "", file); sub(/.*\//, "", file); seen = 0; next }
  file != "" && /^  failureType: .testTimeoutFailure./ { print file; file = "" }
  file != "" && ++seen > 6 { file = "" }' "$out" | sort -u)
failed=$(grep -oE '^# fail [0-9]+' "$out" | awk '{s += $3} END {print s + 0}')
rm -f "$out"
if ((${#timed_out[@]} == 0 || failed > 0)); then exit "$status"; fi
echo "run.sh: ${timed_out[*]} stopped at the per-file bound of ${BIA_E2E_FILE_TIMEOUT_MS} ms with nothing else failed; running it once more" >&2
exec npm test -- --test-timeout="$BIA_E2E_FILE_TIMEOUT_MS" "${timed_out[@]}"
