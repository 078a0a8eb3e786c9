# weft record -f on fork_follow.cpp: three traces, each with its own verdict
# (see the program). The first trace records the fork as process.spawn, so
# `weft check` on it reads the run it began: it and its forked child (the
# exec'd program is a trace of its own). -D WEFT=... PROGRAM=... WORK_DIR=...
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(trace "${WORK_DIR}/ff.weft")
execute_process(COMMAND "${WEFT}" record -f -o "${trace}" -- "${PROGRAM}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "weft record -f failed (${rc}): ${err}")
endif()
if(NOT err MATCHES "children: ff\\.[0-9]+\\.fork_follow\\.weft, ff\\.[0-9]+\\.weft" AND
   NOT err MATCHES "children: ff\\.[0-9]+\\.weft, ff\\.[0-9]+\\.fork_follow\\.weft")
  message(FATAL_ERROR "weft record -f did not name the two child traces: ${err}")
endif()
file(GLOB forked "${WORK_DIR}/ff.[0-9]*.weft")
list(FILTER forked EXCLUDE REGEX "\\.fork_follow\\.weft$")
file(GLOB execd "${WORK_DIR}/ff.*.fork_follow.weft")
list(LENGTH forked n_forked)
list(LENGTH execd n_execd)
if(NOT n_forked EQUAL 1 OR NOT n_execd EQUAL 1)
  message(FATAL_ERROR "expected one forked and one exec'd child trace, found: ${forked} / ${execd}")
endif()

function(expect_verdict path json)
  file(WRITE "${WORK_DIR}/expect.json" "${json}")
  execute_process(COMMAND "${WEFT}" check "${path}" --expect "${WORK_DIR}/expect.json" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${path}: not the expected verdict ${json}:\n${out}${err}")
  endif()
endfunction()
expect_verdict("${trace}" [[{"always": [{"kind": "lock-order inversion", "about": "lock_a, lock_b"}]}]])
expect_verdict("${forked}" [[{"always": [{"kind": "lock-order inversion", "about": "lock_a, lock_b"}]}]])
expect_verdict("${execd}" [[{"always": [{"kind": "lock-order inversion", "about": "lock_c, lock_d"}]}]])
