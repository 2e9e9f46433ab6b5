#!/usr/bin/env bash
# The main job, end to end on the emulated board (QEMU mps2-an386, a Cortex-M4F with the Wio Terminal's
# memory sizes), as a user would run it:
#   1. capture a labelled dataset from the board, label by label: its accelerometer replays the example
#      gesture recordings, streamed over the tml wire protocol with loss and CRC accounting;
#   2. train the conv1d reference model; 3. quantize it to int8; 4. export the C header;
#   5. flash the emulated board with it; 6. run it live on held-out recordings, every prediction checked
#      against the host's int8 prediction for the same window; 7. write the HTML report;
# and print one summary. Installs what it needs and builds tml first.
#
# `./scripts/demo.sh kws` runs the audio path instead: import the Speech Commands clips
# (../shared/datasets/kws-gsc-v2-12 when present, else the shipped datasets/kws-mini), train the dscnn
# preset on MFCC features with augmentation, quantize, export, flash, and run it on the test clips played
# back to back: every prediction checked against the host, detections scored (out/demo-kws).
#
# Outputs go to one folder (default out/demo; TML_DEMO_OUT chooses another). TML_DEMO_QUICK=1 records
# fewer samples and trains fewer epochs (what the test suite runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-gestures}
case "$target" in gestures|kws) ;; *) echo "usage: scripts/demo.sh [gestures|kws]" >&2; exit 2 ;; esac
suffix=""
if [ "$target" = kws ]; then suffix=-kws; fi
out=${TML_DEMO_OUT:-"$here/out/demo$suffix"}
quick=${TML_DEMO_QUICK:-0}
build=${TML_BUILD_DIR:-"$here/build"}

if [ "${TML_DEMO_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building tml (installs missing Debian packages first)"
  "$here/scripts/build.sh" "$build"
fi
tml="$build/tools/tml"
rm -rf "$out"
mkdir -p "$out"
export TML_STATE_DIR="$out/state"   # the emulated board's flash lives here, not in ~/.local/state
dataset="$out/gestures"

if [ "$target" = kws ]; then
  start=$(date +%s)
  source="$here/../shared/datasets/kws-gsc-v2-12"
  [ -d "$source" ] || source=/work/shared/datasets/kws-gsc-v2-12
  epochs=30 augment=4
  if [ "$quick" = 1 ] || [ ! -d "$source" ]; then source="$here/datasets/kws-mini"; fi
  [ "$quick" = 1 ] && epochs=3 augment=1
  echo "== 1. importing $source"
  "$tml" dataset import "$source" --dataset "$out/kws" | head -3
  echo "== 2. training dscnn on MFCC features (augmented x$augment)"
  "$tml" train --dataset "$out/kws" --features mfcc --model dscnn --epochs "$epochs" --batch 64 --augment "$augment" \
    --out "$out/kws.model" --quiet --json "$out/train.json" | grep -E "^(Trained|Test split)"
  echo "== 3. quantizing to int8"
  "$tml" quantize --model "$out/kws.model" --dataset "$out/kws" --out "$out/kws.q.model" | grep -E "^Accuracy" \
    | tee "$out/accuracy.txt"
  echo "== 4. exporting the model header"
  "$tml" export --model "$out/kws.q.model" --out "$out/kws_model.h" | head -1
  echo "== 5. flashing the emulated board"
  "$tml" flash --board sim --model "$out/kws_model.h" | tail -2
  echo "== 6. listening to the test clips, back to back"
  seconds=$(( $(find "$source" -path '*test*' -name '*.wav' | wc -l) + 1 ))
  [ "$seconds" -lt 12 ] && seconds=12
  "$tml" run --port sim --model "$out/kws_model.h" --verify --sim-data "$out/kws" --sim-split test --sim-fast \
    --seconds "$seconds" --quiet --json "$out/run.json" > "$out/run.txt"
  echo
  echo "== summary ($(( $(date +%s) - start )) s)"
  cat "$out/accuracy.txt"
  grep -E "cost per inference|On-board accuracy|detections|Board vs host" "$out/run.txt"
  echo "Outputs (dataset, models, header, run) are in $out"
  exit 0
fi

train_count=18 test_count=6 epochs=30
[ "$quick" = 1 ] && train_count=6 test_count=2 epochs=10
test_seconds=$(( 4 * test_count * 10 ))   # every held-out recording once
start=$(date +%s)

echo "== 1. capturing from the emulated board into $dataset"
for label in circle flick idle updown; do
  "$tml" capture --port sim --sim-label "$label" --sim-split train --sim-fast \
    --label "$label" --seconds 10 --count "$train_count" --split train --dataset "$dataset" --quiet | grep -E "^(Saved|Frames)"
  "$tml" capture --port sim --sim-label "$label" --sim-split test --sim-fast \
    --label "$label" --seconds 10 --count "$test_count" --split test --dataset "$dataset" --quiet | grep -E "^(Saved|Frames)"
done
"$tml" dataset info "$dataset"

echo "== 2. training the conv1d reference model"
"$tml" train --dataset "$dataset" --model conv1d --epochs "$epochs" --out "$out/gestures.model" --quiet \
  --json "$out/train.json"

echo "== 3. quantizing to int8"
"$tml" quantize --model "$out/gestures.model" --dataset "$dataset" --out "$out/gestures.q.model" \
  --json "$out/quantize.json"

echo "== 4. exporting the model header"
"$tml" export --model "$out/gestures.q.model" --out "$out/gestures_model.h"

echo "== 5. flashing the emulated board"
"$tml" flash --board sim --model "$out/gestures_model.h" 

echo "== 6. running live on the held-out recordings"
"$tml" run --port sim --model "$out/gestures_model.h" --verify --sim-data "$dataset" --sim-split test --sim-fast \
  --seconds "$test_seconds" --quiet --json "$out/run.json"

echo "== 7. writing the report"
"$tml" report --dataset "$dataset" --model "$out/gestures.q.model" --run "$out/run.json" --out "$out/report.html"

echo
echo "== summary ($(( $(date +%s) - start )) s)"
"$tml" report --dataset "$dataset" --model "$out/gestures.q.model" --run "$out/run.json" --summary
echo "Outputs (dataset, models, header, report) are in $out"
