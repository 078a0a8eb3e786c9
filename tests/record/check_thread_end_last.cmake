# Records thread_exit_destructors and reads its dump: what each thread did
# in its thread_local and pthread key destructors is in the trace, before
# the thread's end, and nothing was dropped. (weft used to record the end
# as the thread's function returned: the thread_local flush came after it,
# and the key destructors' events were lost as "buffers full".)
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST)
include(${CMAKE_CURRENT_LIST_DIR}/../support/record_dump.cmake)
set(trace "${WORK_DIR}/thread_exit_destructors_ends.weft")
weft_record_and_dump("${WEFT}" "${PROGRAM}" "${trace}" dump)
weft_marked_lines("${SOURCE}")  # line_flush, line_key_destructor

execute_process(COMMAND "${WEFT}" dump "${trace}" OUTPUT_QUIET ERROR_VARIABLE warnings)
if(warnings MATCHES "dropped")
  message(FATAL_ERROR "events were dropped: ${warnings}")
endif()

# Every destructor's lock: three thread_local flushes, two rounds of the key
# destructor on each of the three counters.
string(REGEX MATCHALL "mutex\\.acquired +mutex [^\n]*totals_lock[^\n]*thread_exit_destructors\\.cpp:${line_flush} " flushes "${dump}")
string(REGEX MATCHALL "mutex\\.acquired +mutex [^\n]*totals_lock[^\n]*thread_exit_destructors\\.cpp:${line_key_destructor} " rounds "${dump}")
list(LENGTH flushes flush_count)
list(LENGTH rounds round_count)
if(NOT flush_count EQUAL 3 OR NOT round_count EQUAL 6)
  message(FATAL_ERROR "want 3 flushes and 6 key destructor rounds under totals_lock; found ${flush_count} and ${round_count}\n${dump}")
endif()

# Nothing of a thread after its thread.end.
string(REGEX MATCHALL "\n +[0-9.]+ +[^ ]+ +[a-z_.]+" events "${dump}")
set(ended "")
foreach(event IN LISTS events)
  string(REGEX MATCH "^\n +[0-9.]+ +([^ ]+) +([a-z_.]+)$" _ "${event}")
  set(thread "${CMAKE_MATCH_1}")
  if(thread IN_LIST ended)
    message(FATAL_ERROR "${thread} has an event after its thread.end: ${CMAKE_MATCH_2}\n${dump}")
  endif()
  if(CMAKE_MATCH_2 STREQUAL "thread.end")
    list(APPEND ended "${thread}")
  endif()
endforeach()
list(LENGTH ended end_count)
if(end_count LESS 6)
  message(FATAL_ERROR "want six thread ends (main, three counters, the notifier, the keeper); found ${ended}\n${dump}")
endif()
