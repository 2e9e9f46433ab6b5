#!/usr/bin/env bash
# Builds everything and runs the whole test suite: first the release build (all tests, including the
# end-to-end runs on the emulated board), then an AddressSanitizer/UBSan build of the same tests
# without the [slow] ones, then a short libFuzzer run of every fuzz target (scripts/fuzz.sh, with clang).
# Exits non-zero if anything fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$here/scripts/install-deps.sh" --report   # Chromium for the report's rendering test
echo "== release build and tests"
"$here/scripts/build.sh" "$here/build"
ctest --test-dir "$here/build" -j"$jobs" --output-on-failure --timeout 900

echo "== sanitizer build (ASan + UBSan) and tests"
# -O1 without debug info: the quickest build whose tests still run fast under the sanitizers.
"$here/scripts/build.sh" "$here/build-asan" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
  -DTML_SANITIZE=ON -DTML_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$here/build-asan" -j"$jobs" --output-on-failure --timeout 900

echo "== fuzz targets (libFuzzer, ASan + UBSan): a short bounded run of each, when clang is installed"
"$here/scripts/fuzz.sh" 20000
echo "== all tests passed"
