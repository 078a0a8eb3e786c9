# Records exceptions_and_once and checks its objects: the program's
# std::once_flag is its one event object, named by its variable, with its
# set and waits at the call_once line; the pthread_once of libgcc_s's
# unwinder, run at the first throw, is not in the trace.
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
include(${CMAKE_CURRENT_LIST_DIR}/../support/record_dump.cmake)
weft_record_and_dump("${WEFT}" "${PROGRAM}" "${WORK_DIR}/exceptions_and_once_objects.weft" dump)
weft_marked_lines("${SOURCE}")  # line_call_once
string(REGEX MATCHALL "object\\.create +event[^\n]*" created "${dump}")
list(LENGTH created count)
if(NOT count EQUAL 1 OR NOT created MATCHES "object\\.create +event init_flag ")
  message(FATAL_ERROR "want one event object, init_flag; found ${count}: ${created}\n${dump}")
endif()
string(REGEX MATCHALL "event\\.(set|wait\\.end) [^\n]*" uses "${dump}")
list(LENGTH uses count)
if(count LESS 3)  # one set, and each of the three workers' wait
  message(FATAL_ERROR "want the once's set and three waits; found ${count}: ${uses}\n${dump}")
endif()
foreach(use IN LISTS uses)
  if(NOT use MATCHES "init_flag" OR NOT use MATCHES "exceptions_and_once\\.cpp:${line_call_once} ")
    message(FATAL_ERROR "an event use that is not the program's once at its call_once line: ${use}")
  endif()
endforeach()
