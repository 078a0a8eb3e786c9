#!/usr/bin/env bash
# The main job, on a fresh machine: install what weft needs, build it, trace
# a scenario (three threads printing A, B, C in turn) and show its events.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default

mkdir -p build/demo
trace=build/demo/abc_turns.weft
echo "== running the ABC scenario under tracing"
WEFT_TRACE="$trace" ./build/default/bin/scenarios/abc-turns
echo "== weft dump $trace"
./build/default/bin/weft dump "$trace"
