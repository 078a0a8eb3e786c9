#!/usr/bin/env bash
# weft next to the alternatives, in one command: installs what is missing,
# builds the default preset, then runs weft-compare, which times the same
# workloads untraced (std), traced by weft, the std program under
# `weft record`, under ThreadSanitizer and under Helgrind, and prints the
# ratios, trace size per event, peak memory, the goals met or missed, and
# `weft check` / viewer times on a 10 M-event trace.
#   scripts/compare.sh [--quick] [--markdown] [--no-helgrind] [--only WORKLOAD] [--rounds N] [--scale]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default
exec ./build/default/bench/weft-compare "$@"
