# Records the optimized lambda program (lambda_sites.cpp) and checks that
# its locks are at the line marked "@lambda", its unlocks at "@unlock".
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
include(${CMAKE_CURRENT_LIST_DIR}/../support/record_dump.cmake)
weft_record_and_dump("${WEFT}" "${PROGRAM}" "${WORK_DIR}/lambda_sites.weft" dump)
weft_marked_lines("${SOURCE}")  # line_lambda, line_unlock
get_filename_component(file "${SOURCE}" NAME)
string(REGEX MATCHALL "thread-1 +mutex\\.(acquired|released) [^\n]*" locks "${dump}")
list(LENGTH locks count)
if(count LESS 2000)
  message(FATAL_ERROR "expected 1000 locks and unlocks on thread-1, found ${count}:\n${dump}")
endif()
foreach(line IN LISTS locks)
  if(line MATCHES "acquired" AND NOT line MATCHES "${file}:${line_lambda} ")
    message(FATAL_ERROR "a lock in the lambda not at ${file}:${line_lambda}: ${line}")
  elseif(line MATCHES "released" AND NOT line MATCHES "${file}:${line_unlock} ")
    message(FATAL_ERROR "an unlock in the lambda not at ${file}:${line_unlock}: ${line}")
  endif()
endforeach()
