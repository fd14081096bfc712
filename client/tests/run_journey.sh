#!/usr/bin/env bash
# Starts build/bin/bia on two free loopback ports with a temporary SQLite database and a short
# settings-flow lifespan, then runs the client's journey test against it.
#   run_journey.sh <journey-test-binary> <bia-binary> [gtest args…]
# Exits 77 (CTest: skipped) when the bia binary does not exist.
set -euo pipefail
journey=$1 bia=$2
shift 2
if [[ ! -x "$bia" ]]; then
  echo "run_journey.sh: no bia binary at $bia; skipping" >&2
  exit 77
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  [[ -n "${BIA_JOURNEY_KEEP_TMP:-}" ]] || rm -rf "$tmp"
}
trap cleanup EXIT

read -r public_port admin_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks: s.close()')
public_url=http://127.0.0.1:$public_port
admin_url=http://127.0.0.1:$admin_port
lifespan_ms=3000

cat >"$tmp/kratos.yml" <<YAML
dsn: "sqlite://$tmp/bia.sqlite?_fk=true"
log:
  level: info
  format: text
serve:
  public:
    host: 127.0.0.1
    port: $public_port
    base_url: "$public_url/"
  admin:
    host: 127.0.0.1
    port: $admin_port
    base_url: "$admin_url/"
identity:
  default_schema_id: default
  schemas:
    - id: default
      url: "file://$here/fixtures/identity.schema.json"
secrets:
  default:
    - "bia-client-journey-secret-0123456789"
hashers:
  algorithm: bcrypt
  bcrypt:
    cost: 4
selfservice:
  default_browser_return_url: "http://127.0.0.1:4455/"
  allowed_return_urls:
    - "http://127.0.0.1:4455/"
  methods:
    password:
      enabled: true
      config:
        haveibeenpwned_enabled: false
    profile:
      enabled: true
  flows:
    error:
      ui_url: "http://127.0.0.1:4455/error"
    login:
      ui_url: "http://127.0.0.1:4455/login"
      lifespan: 10m
    registration:
      ui_url: "http://127.0.0.1:4455/registration"
    settings:
      ui_url: "http://127.0.0.1:4455/settings"
      lifespan: 3s
      privileged_session_max_age: 15m
YAML

"$bia" serve -c "$tmp/kratos.yml" --dev >"$tmp/bia.log" 2>&1 &
pid=$!
ready() {
  python3 - "$admin_url/health/alive" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=1) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}
for _ in $(seq 1 150); do
  if ready; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "bia exited early:" >&2; cat "$tmp/bia.log" >&2; exit 1; fi
  sleep 0.1
done
ready || { echo "bia did not become ready:" >&2; tail -60 "$tmp/bia.log" >&2; exit 1; }

status=0
BIA_PUBLIC_URL=$public_url BIA_ADMIN_URL=$admin_url BIA_SETTINGS_FLOW_LIFESPAN_MS=$lifespan_ms \
  "$journey" "$@" || status=$?
if [[ $status -ne 0 ]]; then echo "--- bia log (last 60 lines)" >&2; tail -60 "$tmp/bia.log" >&2; fi
exit $status
