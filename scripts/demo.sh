#!/usr/bin/env bash
# The main job, on a fresh machine: install what weft needs, build it, trace
# a scenario (two tasks taking two locks in opposite orders, until they
# deadlock), check the trace, and open it in the viewer. Without a display
# the viewer renders one frame off-screen (under Xvfb) into a PNG instead.
#   scripts/demo.sh [SCENARIO]      (default: lock-order-deadlock; see `weft list`)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default

scenario=${1:-lock-order-deadlock}
bin=./build/default/bin
mkdir -p build/demo
trace=build/demo/$scenario.weft
echo "== weft run $scenario: the scenario, traced (a deadlock is stopped by weft's watchdog)"
"$bin/weft" run "$scenario" -o "$trace"
echo "== weft check $trace"
"$bin/weft" check "$trace" || true   # exit status 1: it found what the lesson is about
if [ -n "${DISPLAY:-}" ]; then
  echo "== weft view $trace"
  "$bin/weft" view "$trace"
else
  png=build/demo/$scenario.png
  echo "== no display: weft view $trace --select-finding 1 --screenshot $png (under Xvfb)"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$bin/weft" view "$trace" --select-finding 1 --screenshot "$png"
  echo "wrote $png"
fi
