#!/usr/bin/env bash
# Installs every Debian package tml needs to build, test and run the emulated board.
# Idempotent: when everything is present it only checks and returns (about a second). ccache speeds up
# rebuilds and lets the Wio Terminal build test compile the vendored Seeed core once per machine.
# Usage: scripts/install-deps.sh [--bench] [--report]
#   --bench   also the benchmark peers (PyTorch from Python and LibTorch; torchaudio for the audio front end's
#             reference features, tests/golden/gen_torchaudio_features.py; scikit-learn for bench_anomaly)
#   --report  also Chromium, for the HTML report test
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config git
  libserialport-dev libeigen3-dev libcxxopts-dev nlohmann-json3-dev libspdlog-dev catch2 zlib1g-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib binutils-arm-none-eabi
  qemu-system-arm bossa-cli ccache clang socat
)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch python3-torchaudio python3-numpy python3-sklearn libtorch-dev) ;;
    --report) packages+=(chromium) ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
