#!/usr/bin/env bash
# The main job, end to end on the emulated board (QEMU mps2-an386, Cortex-M4F):
#   1. start the board replaying the example gesture recordings and capture a labelled dataset from it,
#      label by label, through the tml wire protocol;
#   2. print the dataset summary.
# Installs what it needs and builds tml first. Outputs go to one folder (default out/demo; set
# TML_DEMO_OUT to choose). TML_DEMO_QUICK=1 records fewer samples (what the test suite runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${TML_DEMO_OUT:-"$here/out/demo"}
quick=${TML_DEMO_QUICK:-0}
build=${TML_BUILD_DIR:-"$here/build"}

if [ "${TML_DEMO_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building tml (installs missing Debian packages first)"
  "$here/scripts/build.sh" "$build"
fi
tml="$build/tools/tml"
rm -rf "$out"
mkdir -p "$out"
dataset="$out/gestures"

train_count=18 test_count=6
[ "$quick" = 1 ] && train_count=3 test_count=1

echo "== capturing from the emulated board into $dataset"
for label in circle flick idle updown; do
  # The emulated accelerometer replays the example recordings of this label; each 10 s sample is one
  # recording, captured over the board's serial link with loss and CRC accounting.
  "$tml" capture --port sim --sim-label "$label" --sim-split train --sim-fast \
    --label "$label" --seconds 10 --count "$train_count" --split train --dataset "$dataset" --quiet
  "$tml" capture --port sim --sim-label "$label" --sim-split test --sim-fast \
    --label "$label" --seconds 10 --count "$test_count" --split test --dataset "$dataset" --quiet
done

echo "== dataset summary"
"$tml" dataset info "$dataset"
echo "== done: outputs in $out"
