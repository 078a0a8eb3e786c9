#!/usr/bin/env bash
# Everything CI checks, on a fresh machine: install what weft needs, then
# build and run the whole test suite in each preset: the normal build, the
# runtime under ThreadSanitizer and under AddressSanitizer + UBSan (weft's
# runtime is concurrent code: it must be clean under both), and clang++
# (the call-site capture must work in both compilers).
#   scripts/test.sh [PRESET...]     (default: default tsan asan clang)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default tsan asan clang)

jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "== $preset: configure, build, test"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
  echo "== $preset: passed in $((SECONDS - start)) s"
done
