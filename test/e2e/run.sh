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
exec npm test -- --test-timeout="$BIA_E2E_FILE_TIMEOUT_MS" "$@"
