#!/usr/bin/env bash
# Everything CI checks, on a fresh machine: install what weft needs, then
# build and run the whole test suite in each preset: the normal build, the
# runtime under ThreadSanitizer and under AddressSanitizer + UBSan (weft's
# runtime is concurrent code: it must be clean under both), and clang++
# (the call-site capture must work in both compilers). Last, `fuzz`: the
# libFuzzer targets of tests/fuzz built with clang++ in build/fuzz and run
# for a minute each from the committed seed corpus (scripts/fuzz.sh ci); a
# crash fails it and leaves its input in build/fuzz/artifacts/.
#   scripts/test.sh [STAGE...]      (default: default tsan asan clang fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default tsan asan clang fuzz)

jobs=$(nproc)
for preset in "${presets[@]}"; do
  start=$SECONDS
  if [ "$preset" = fuzz ]; then
    echo "== fuzz: configure, build the fuzz targets, run each for ${WEFT_FUZZ_SECONDS:-60} s"
    ./scripts/fuzz.sh ci "${WEFT_FUZZ_SECONDS:-60}"
    echo "== fuzz: passed in $((SECONDS - start)) s"
    continue
  fi
  echo "== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
  echo "== $preset: passed in $((SECONDS - start)) s"
done
