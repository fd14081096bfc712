#!/usr/bin/env bash
# Installs bia-client from the build tree into a scratch prefix, then builds and runs a consumer
# twice: once through the CMake package (find_package(BiaClient), bia::client) and once through
# pkg-config (bia-client). Usage: install_test.sh <cmake> <build-dir> <consumer-src> <scratch> <c++> [flags]
# [flags] go to the consumer's compile and link: a sanitized build's library (make test's asan
# preset) needs its consumers to link the sanitizer runtimes (-fsanitize=address,undefined).
set -euo pipefail
cmake_bin=$1 build_dir=$2 consumer_src=$3 scratch=$4 cxx=$5 flags=${6:-}
rm -rf "$scratch"
mkdir -p "$scratch"
prefix=$scratch/prefix

"$cmake_bin" --install "$build_dir" --prefix "$prefix" --component bia_client >"$scratch/install.log"
test -f "$prefix/include/bia/client/client.hpp"
test -f "$prefix/include/bia/client/apis/v0alpha2_api.hpp"
pc_file=$(find "$prefix" -name bia-client.pc | head -1)
config_file=$(find "$prefix" -name BiaClientConfig.cmake | head -1)
test -n "$pc_file" && test -n "$config_file"
if find "$prefix/include" -name '*.cpp' | grep -q .; then echo "sources were installed" >&2; exit 1; fi

# 1. CMake package
"$cmake_bin" -S "$consumer_src" -B "$scratch/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$scratch/configure.log"
"$cmake_bin" --build "$scratch/cmake-build" >"$scratch/build.log"
"$scratch/cmake-build/consumer"

# 2. pkg-config
export PKG_CONFIG_PATH="$(dirname "$pc_file")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists bia-client
test "$(pkg-config --modversion bia-client)" = "0.1.0"
# shellcheck disable=SC2046
# (the rpath matters only for a shared build installed outside the loader's search path)
"$cxx" -std=c++20 -O1 $flags "$consumer_src/main.cpp" -o "$scratch/pkgconfig-consumer" $(pkg-config --cflags --libs bia-client) \
  -Wl,-rpath,"$(pkg-config --variable=libdir bia-client)"
"$scratch/pkgconfig-consumer"
echo "install test: CMake package and pkg-config consumers built and ran"
