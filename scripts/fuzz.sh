#!/usr/bin/env bash
# Builds every libFuzzer target (test/fuzz/**/<stem>_fuzz.cpp) with clang-14 and
# -fsanitize=fuzzer,address,undefined into build-fuzz/, then runs each one in turn
# for the given number of seconds on its seed corpus (<stem>_fuzz_corpus/ beside it).
#
#   scripts/fuzz.sh 600                 # 10 minutes per target
#   scripts/fuzz.sh 60 config message   # only the named targets (stems)
#
# The seed corpus is then minimised: hand-written seeds stay, and libFuzzer's inputs are replaced
# by the smallest set (-merge=1 -use_counters=0) adding edge coverage over them;
# crashers are written to build-fuzz/crashers/<stem>/ and copied into the corpus folder
# as crash-* so the g++ replay (ctest -L fuzz) keeps them as regression inputs.
# One fuzzing process at a time (the machine is shared). Exit status is non-zero when a
# target crashed. Logs: build-fuzz/logs/<stem>.log (last line has the execution count).
# clang-14 notes: -fno-sanitize=function (UBSan's function-type check cannot compile C++20
# coroutines: "Cannot represent a difference across sections"); Boost.Asio needs
# BOOST_ASIO_HAS_CO_AWAIT/STD_COROUTINE spelled out with clang + libstdc++.
set -euo pipefail

seconds="${1:?usage: scripts/fuzz.sh SECONDS [STEM...]}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build-fuzz"
jobs="${FUZZ_BUILD_JOBS:-2}"

cmake -S "${root}" -B "${build}" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer -DBOOST_ASIO_HAS_CO_AWAIT=1 -DBOOST_ASIO_HAS_STD_COROUTINE=1" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DBIA_BUILD_TESTS=OFF -DBIA_FUZZ=ON >/dev/null

mapfile -t sources < <(cd "${root}" && find test/fuzz -name '*_fuzz.cpp' | sort)
targets=()
for src in "${sources[@]}"; do
  stem="$(basename "${src}" _fuzz.cpp)"
  if (($# == 0)) || [[ " $* " == *" ${stem} "* ]]; then targets+=("${src}"); fi
done
((${#targets[@]})) || { echo "fuzz.sh: no matching targets" >&2; exit 2; }

names=()
for src in "${targets[@]}"; do names+=("$(basename "${src}" .cpp)"); done
cmake --build "${build}" -j "${jobs}" --target "${names[@]}"

mkdir -p "${build}/logs"
status=0
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
for src in "${targets[@]}"; do
  stem="$(basename "${src}" _fuzz.cpp)"
  corpus="${root}/$(dirname "${src}")/${stem}_fuzz_corpus"
  work="${build}/corpus/${stem}"
  crashers="${build}/crashers/${stem}"
  mkdir -p "${corpus}" "${work}" "${crashers}"
  log="${build}/logs/${stem}.log"
  echo "fuzz.sh: ${stem} for ${seconds}s (corpus ${corpus#"${root}"/})"
  set +e
  "${build}/bin/${stem}_fuzz" "${work}" "${corpus}" \
    -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="${crashers}/" -print_final_stats=1 >"${log}" 2>&1
  rc=$?
  set -e
  grep -E "stat::number_of_executed_units|stat::new_units_added" "${log}" | sed "s/^/  ${stem}: /" || true
  # Keep the seed corpus small (it is replayed by ctest): the hand-written seeds (descriptive
  # names) stay; libFuzzer's inputs (40-hex names) are replaced by a minimal set that adds edge
  # coverage over them (-use_counters=0: hit counts do not earn a file). The full working corpus
  # stays in build-fuzz/corpus/<stem> for the next run.
  fresh="${build}/merge/${stem}"
  rm -rf "${fresh}" && mkdir -p "${fresh}"
  find "${corpus}" -maxdepth 1 -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' ! -name 'crash-*' ! -name 'timeout-*' \
    ! -name 'oom-*' -exec cp {} "${fresh}/" \;
  if "${build}/bin/${stem}_fuzz" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 \
    "${fresh}" "${corpus}" "${work}" >>"${log}" 2>&1; then
    find "${corpus}" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
    find "${fresh}" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -exec cp {} "${corpus}/" \;
    echo "  ${stem}: seed corpus now $(find "${corpus}" -type f | wc -l) files"
  else
    echo "  ${stem}: corpus merge failed (seed corpus unchanged); see ${log}" >&2
  fi
  for c in "${crashers}"/crash-* "${crashers}"/timeout-* "${crashers}"/oom-*; do
    [[ -e "${c}" ]] || continue
    [[ -e "${corpus}/$(basename "${c}")" ]] && continue
    cp "${c}" "${corpus}/" && echo "  ${stem}: kept $(basename "${c}") in the corpus"
  done
  if ((rc != 0)); then
    echo "fuzz.sh: ${stem} FAILED (exit ${rc}); see ${log}" >&2
    tail -n 40 "${log}" >&2
    status=1
  fi
done
exit "${status}"
