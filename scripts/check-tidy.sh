#!/usr/bin/env bash
# clang-tidy with the curated checks of .clang-tidy over Bia's hand-written sources (src/ and the
# client's hand-written files; tests, fuzz targets and generated client code are left out to keep
# `make test` short). It reads the compile commands of build-tidy/, a folder configured (not built)
# here with one translation unit per source file: the ci and asan presets build in unity mode, whose
# compile_commands.json names the combined units rather than the files. Part of `make test`; exits 1
# on any finding and prints the findings.
#
#   scripts/check-tidy.sh [BUILD_DIR] [FILE...]     (BUILD_DIR: a configured non-unity build folder)
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-tidy}"
shift || true
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || { echo "check-tidy: clang-tidy not installed" >&2; exit 2; }
if [[ "$build" == build-tidy ]]; then
  cmake -S . -B build-tidy -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBIA_BUILD_TESTS=ON \
    -DCMAKE_UNITY_BUILD=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null || exit 2
fi
[[ -f "$build/compile_commands.json" ]] || { echo "check-tidy: $build/compile_commands.json missing (configure first)" >&2; exit 2; }

if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- 'src/*.cpp' 'client/src/*.cpp' | grep -vE '(_test|_dbtest|_fuzz)\.cpp$|/generated/')
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export tidy build out
# One clang-tidy per file, nproc at a time; a file with findings leaves its log behind.
printf '%s\0' "${files[@]}" | xargs -0 -P "${TIDY_JOBS:-$(nproc)}" -n1 bash -c '
  log="$out/$(echo "$1" | tr / _).log"
  "$tidy" -p "$build" --quiet --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 "$1" >"$log" 2>&1 && rm -f "$log"' _
status=0
for log in "$out"/*.log; do
  [[ -e "$log" ]] || continue
  grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Use -system-headers' "$log"
  status=1
done
((status)) && { echo "check-tidy: findings above (fix them, or NOLINT(check) with a reason)"; exit 1; }
echo "check-tidy: clean (${#files[@]} files)"
