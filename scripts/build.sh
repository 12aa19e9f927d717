#!/usr/bin/env bash
# Configure and build sre.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
#   SRE_TARGET=sre scripts/build.sh      the sre binary only
# BUILD_DIR defaults to `build` (relative to the repository root); the build
# type is Release unless the extra args set CMAKE_BUILD_TYPE (later -D wins).
# Safe to rerun: reconfigures and builds only what changed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BUILD_DIR=build
if [[ $# -gt 0 && "$1" != -* ]]; then
  BUILD_DIR=$1
  shift
fi
# Relative build dirs are taken from the repository root.
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"

echo "build: configuring $BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
# SRE_TARGET=sre builds that target only (the quickstart's first step); default: everything.
echo "build: building ${SRE_TARGET:-everything} with $(nproc) jobs"
cmake --build "$BUILD_DIR" -j"$(nproc)" ${SRE_TARGET:+--target "$SRE_TARGET"}
echo "build: done ($BUILD_DIR)"
