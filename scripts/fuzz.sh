#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer and UndefinedBehaviorSanitizer)
# into build-fuzz/ and runs each one over its seed corpus.
# Usage: scripts/fuzz.sh [runs per target, default 20000] [extra libFuzzer options...]
#   scripts/fuzz.sh 10000000 -jobs=2      the long run recorded in docs/reliability.md
# Without clang it says so and exits 0 (the replay of the corpora runs in the normal suite anyway).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20000}
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is not installed; skipping the libFuzzer runs (Debian: apt-get install clang)"
  exit 0
fi
build="$here/build-fuzz"
# The importer targets write a file per input: on a memory file system they run about three times faster.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTML_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_targets -j"$(nproc)"
for target in "$build"/fuzz/fuzz_*; do
  name=$(basename "$target")
  name=${name#fuzz_}
  work="$build/corpus/$name"
  mkdir -p "$work" "$build/findings/$name"
  echo "== fuzz $name: $runs runs"
  # New inputs go to the work corpus (not the source tree); a crash lands in findings/ to be kept as a
  # regression in tests/fuzz/regressions/$name/ once fixed.
  rc=0
  "$target" -runs="$runs" -max_len=4096 -artifact_prefix="$build/findings/$name/" -print_final_stats=1 "$@" \
    "$work" "$here/tests/fuzz/corpus/$name" >"$build/fuzz_$name.log" 2>&1 || rc=$?
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|Done)|ERROR|SUMMARY" "$build/fuzz_$name.log" || true
  if [ "$rc" -ne 0 ]; then
    echo "fuzz $name FAILED (exit $rc); see $build/fuzz_$name.log and $build/findings/$name/"
    exit 1
  fi
done
