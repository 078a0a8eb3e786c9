#!/usr/bin/env bash
# weft's libFuzzer targets (tests/fuzz): build them with clang++ in
# build/fuzz, run them from a copy of the committed seed corpus.
#
#   scripts/fuzz.sh build                  configure build/fuzz, build the targets only
#   scripts/fuzz.sh run TARGET SECONDS [LIBFUZZER-ARG...]
#                                          one target for SECONDS, on one core
#   scripts/fuzz.sh ci [SECONDS]           build, then every target for SECONDS (default 60),
#                                          as many at a time as there are cores
#
# Targets: fuzz_trace_reader, fuzz_check, fuzz_export. New inputs go to a
# temporary copy of tests/fuzz/corpus (plus tests/fuzz/regressions, the
# inputs of fixed crashes), which is never written to (set
# WEFT_FUZZ_WORK=DIR to keep the grown corpus in DIR instead). A crash, a
# timeout or a leak fails the run (non-zero exit) and leaves its input in
# build/fuzz/artifacts/; reproduce it with
#   build/fuzz/tests/fuzz/TARGET build/fuzz/artifacts/TARGET-crash-<sha1>
# WEFT_FUZZ_BUILD_DIR=DIR builds and runs in DIR instead of build/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${WEFT_FUZZ_BUILD_DIR:-build/fuzz}
targets=(fuzz_trace_reader fuzz_check fuzz_export)
artifacts=$build_dir/artifacts

build() {
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWEFT_BUILD_FUZZER=ON -DWEFT_BUILD_BENCH=OFF -DWEFT_WERROR=ON >/dev/null
  cmake --build "$build_dir" --target weft_fuzzers -j "${WEFT_FUZZ_BUILD_JOBS:-$(nproc)}"
}

# run TARGET SECONDS [ARG...]
run() {
  local target=$1 seconds=$2
  shift 2
  local exe=$build_dir/tests/fuzz/$target
  [ -x "$exe" ] || { echo "fuzz.sh: $exe is not built (scripts/fuzz.sh build)" >&2; return 2; }
  local work=${WEFT_FUZZ_WORK:-}
  local temp=""
  if [ -z "$work" ]; then
    temp=$(mktemp -d "${TMPDIR:-/tmp}/weft-fuzz-$target.XXXXXX")
    work=$temp
  fi
  mkdir -p "$work" "$artifacts"
  # The seeds, and the inputs that once failed (each is run first, again).
  cp -n tests/fuzz/corpus/* tests/fuzz/regressions/* "$work"/
  local marker
  marker=$(mktemp "${TMPDIR:-/tmp}/weft-fuzz-start.XXXXXX")
  local log=$build_dir/logs/$target.log
  mkdir -p "$build_dir/logs"
  echo "== fuzz: $target for $seconds s (log: $log)"
  local status=0
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$exe" -dict=tests/fuzz/weft.dict -max_len=16384 -timeout=30 -max_total_time="$seconds" \
      -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$@" "$work" >"$log" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
  else
    tail -n 60 "$log" >&2
    echo "== fuzz: $target FAILED (exit $status); the input that failed:" >&2
    find "$artifacts" -type f -newer "$marker" -name "$target-*" -printf '   %p\n' >&2
    echo "   reproduce: $exe <that file>" >&2
  fi
  rm -f "$marker"
  [ -z "$temp" ] || rm -rf "$temp"
  return "$status"
}

case "${1:-}" in
  build) build ;;
  run)
    [ $# -ge 3 ] || { echo "usage: scripts/fuzz.sh run TARGET SECONDS [LIBFUZZER-ARG...]" >&2; exit 2; }
    shift
    run "$@"
    ;;
  ci)
    # The targets side by side, one per core (WEFT_FUZZ_JOBS=N for N at a
    # time): each still gets SECONDS of a core of its own. What each prints
    # is kept apart and shown in turn.
    seconds=${2:-60}
    build
    jobs=${WEFT_FUZZ_JOBS:-$(nproc)}
    mkdir -p "$build_dir/logs"
    failed=0
    running=0
    for target in "${targets[@]}"; do
      if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
      fi
      run "$target" "$seconds" >"$build_dir/logs/$target.summary" 2>&1 &
      running=$((running + 1))
    done
    while [ "$running" -gt 0 ]; do
      wait -n || failed=1
      running=$((running - 1))
    done
    for target in "${targets[@]}"; do cat "$build_dir/logs/$target.summary"; done
    exit "$failed"
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
