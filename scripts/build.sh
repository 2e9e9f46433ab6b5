#!/usr/bin/env bash
# Configures and builds tml (host CLI, trainer, tests and the emulated-board firmware) into build/.
# Usage: scripts/build.sh [build-dir] [extra cmake -D options...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
build=${1:-"$here/build"}
shift || true
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
