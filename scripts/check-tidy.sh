#!/usr/bin/env bash
# clang-tidy with the curated checks of .clang-tidy over Bia's hand-written sources (src/ and the
# client's hand-written files; tests, fuzz targets and generated client code are left out to keep
# `make test` short). Part of `make test`; exits 1 on any finding and prints the findings.
#
#   scripts/check-tidy.sh --unity [BUILD_DIR]       (make test: build-asan/, the build's unity units)
#   scripts/check-tidy.sh [BUILD_DIR] [FILE...]     (one unit per file; BUILD_DIR non-unity)
#
# --unity analyses the combined translation units a unity preset (ci, asan) compiled (BUILD_DIR, default
# build/): each library's 16-file unit is parsed once instead of each file with all its headers,
# about a seventh of the CPU. Findings are reported for the hand-written .cpp files the units
# include, as in per-file mode (headers are not reported in either); bugprone-suspicious-include,
# which every unit's generated #include of a .cpp trips, is replaced by a plain search for
# hand-written #includes of .cpp files. The script fails when a hand-written file is in no unit.
# Without --unity it reads build-tidy/, a folder configured (not built) here with one translation
# unit per source file — what a developer runs on the files they changed.
set -uo pipefail
cd "$(dirname "$0")/.."
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || { echo "check-tidy: clang-tidy not installed" >&2; exit 2; }
mapfile -t handwritten < <(git ls-files -- 'src/*.cpp' 'client/src/*.cpp' | grep -vE '(_test|_dbtest|_fuzz)\.cpp$|/generated/')
tidy_args=(--quiet --extra-arg=-Wno-unknown-warning-option --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1
  --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1)

if [[ "${1:-}" == --unity ]]; then
  build="${2:-build}"
  [[ -f "$build/compile_commands.json" ]] || { echo "check-tidy: $build/compile_commands.json missing (build the ci preset first)" >&2; exit 2; }
  # The units of the library targets (not tests, fuzz replays, examples or the client's e2e
  # program), and any hand-written file a target compiles on its own.
  # (The list goes through a variable: a failure inside `mapfile < <(…)` would not reach the `||`.)
  unit_list=$(python3 - "$build" "${handwritten[@]}" <<'PY'
import json, os, re, sys
build, wanted = sys.argv[1], set(os.path.abspath(f) for f in sys.argv[2:])
units, covered = [], set()
for entry in json.load(open(os.path.join(build, "compile_commands.json"))):
    f = os.path.abspath(os.path.join(entry.get("directory", ""), entry["file"]))
    if "/Unity/" in f:
        target = f.split("/CMakeFiles/")[-1].split("/")[0]
        if re.search(r"_(test|dbtest|fuzz_replay|e2e)\.dir$|_example_", target):
            continue
        included = [os.path.abspath(m) for m in re.findall(r'#include "([^"]+\.cpp)"', open(f).read())]
        if not any(i in wanted for i in included):
            continue
        units.append(f)
        covered.update(included)
    elif f in wanted:
        units.append(f)
        covered.add(f)
missing = sorted(wanted - covered)
if missing:
    print("check-tidy: in no unit of " + build + ": " + " ".join(missing), file=sys.stderr)
    sys.exit(1)
print("\n".join(units))
PY
  ) || exit 2
  mapfile -t units <<<"$unit_list"
  ((${#units[@]} > 0)) && [[ -n "${units[0]}" ]] || { echo "check-tidy: no unity unit in $build" >&2; exit 2; }
  root=$(pwd)
  tidy_args+=(--checks=-bugprone-suspicious-include "--header-filter=^${root}/(src/.*|client/src/[^/]*)\.cpp$")
  files=("${units[@]}")
  if included_cpp=$(git grep -nE '#include[[:space:]]*"[^"]+\.cpp"' -- 'src/*' 'client/*'); then
    echo "$included_cpp"
    echo "check-tidy: hand-written sources include .cpp files (bugprone-suspicious-include)"
    exit 1
  fi
else
  build="${1:-build-tidy}"
  shift || true
  if [[ "$build" == build-tidy ]]; then
    cmake -S . -B build-tidy -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBIA_BUILD_TESTS=ON \
      -DCMAKE_UNITY_BUILD=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null || exit 2
  fi
  [[ -f "$build/compile_commands.json" ]] || { echo "check-tidy: $build/compile_commands.json missing (configure first)" >&2; exit 2; }
  if (($#)); then
    files=("$@")
  else
    files=("${handwritten[@]}")
  fi
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export tidy build out
# One clang-tidy per unit, nproc at a time; a unit with findings leaves its log behind.
# (xargs appends the unit after the clang-tidy arguments.)
printf '%s\0' "${files[@]}" | xargs -0 -P "${TIDY_JOBS:-$(nproc)}" -n1 bash -c '
  unit="${!#}"
  log="$out/$(echo "$unit" | tr / _).log"
  "$tidy" -p "$build" "${@:1:$#-1}" "$unit" >"$log" 2>&1 && rm -f "$log"' _ "${tidy_args[@]}"
status=0
for log in "$out"/*.log; do
  [[ -e "$log" ]] || continue
  grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Use -system-headers' "$log"
  status=1
done
((status)) && { echo "check-tidy: findings above (fix them, or NOLINT(check) with a reason)"; exit 1; }
if [[ -n "${units+x}" ]]; then
  echo "check-tidy: clean (${#handwritten[@]} files in ${#units[@]} units)"
else
  echo "check-tidy: clean (${#files[@]} files)"
fi
