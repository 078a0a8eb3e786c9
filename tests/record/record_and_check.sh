#!/bin/sh
# record_and_check.sh WEFT PROGRAM EXPECT_JSON EXIT_STATUS OUT_DIR
#
# Records PROGRAM with `weft record`, checks that it exits with EXIT_STATUS
# (0, or 86 when weft's watchdog stops it), and, if EXPECT_STOP_MESSAGE is
# set, that weft's stop message says it; then that `weft check` finds
# exactly the findings EXPECT_JSON declares. On a failure it prints what it
# saw: the program's output, the check report and the trace's events.
set -u
weft=$1 program=$2 expect=$3 status=$4 out=$5
name=$(basename "$program")
mkdir -p "$out" || exit 1
trace=$out/$name.weft
log=$out/$name.log
rm -f "$trace" "$log"

"$weft" record -o "$trace" -- "$program" >"$log" 2>&1
got=$?
if [ "$got" -ne "$status" ]; then
  echo "FAIL $name: weft record exited with $got, expected $status"
  cat "$log"
  [ -f "$trace" ] && "$weft" check "$trace"
  exit 1
fi

# A program weft stopped: its stop message names the program's objects as
# the test declares (EXPECT_STOP_MESSAGE, a fixed string), not by ids.
if [ -n "${EXPECT_STOP_MESSAGE:-}" ] && ! grep -qF -- "$EXPECT_STOP_MESSAGE" "$log"; then
  echo "FAIL $name: weft record did not say: $EXPECT_STOP_MESSAGE"
  cat "$log"
  exit 1
fi

if ! "$weft" check "$trace" --expect "$expect" >"$out/$name.check" 2>&1; then
  echo "FAIL $name: weft check $trace --expect $expect"
  cat "$out/$name.check"
  echo "--- program and weft record said:"
  cat "$log"
  echo "--- weft check (all findings):"
  "$weft" check "$trace"
  echo "--- weft dump:"
  "$weft" dump "$trace" | head -n 200
  exit 1
fi
echo "ok $name: exit status $got, findings as $expect declares"
exit 0
