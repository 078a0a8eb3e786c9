# Records the -O0 program with weft record and checks, in `weft dump` and
# `weft check --format json`, that its events name its own lines (the lines
# marked "@name" in SOURCE), not std_mutex.h or gthr-default.h.
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
include(${CMAKE_CURRENT_LIST_DIR}/../support/record_dump.cmake)
set(trace "${WORK_DIR}/o0_sites.weft")
weft_record_and_dump("${WEFT}" "${PROGRAM}" "${trace}" dump)
execute_process(COMMAND "${WEFT}" check --format json "${trace}" OUTPUT_VARIABLE check)
weft_marked_lines("${SOURCE}")  # line_one_a, line_both, ... of the "@name" markers
get_filename_component(file "${SOURCE}" NAME)

function(expect what regex)
  if(NOT dump MATCHES "${regex}")
    message(FATAL_ERROR "expected ${what} (${regex}) in the dump:\n${dump}")
  endif()
endfunction()
expect("thread-1 taking lock_a at one()" "thread-1 +mutex\\.acquired +mutex lock_a [^\n]*${file}:${line_one_a} \\(one\\(\\)\\)")
expect("thread-1 taking lock_b at one()" "thread-1 +mutex\\.acquired +mutex lock_b [^\n]*${file}:${line_one_b} \\(one\\(\\)\\)")
expect("thread-2 taking lock_b at two()" "thread-2 +mutex\\.acquired +mutex lock_b [^\n]*${file}:${line_two_b} \\(two\\(\\)\\)")
expect("thread-2 taking lock_a at two()" "thread-2 +mutex\\.acquired +mutex lock_a [^\n]*${file}:${line_two_a} \\(two\\(\\)\\)")
expect("thread-3 taking both at both()" "thread-3 +mutex\\.acquired +mutex lock_b [^\n]*${file}:${line_both} \\(both\\(\\)\\)")
expect("the thread created in main()" "main +thread\\.create +thread thread-1 [^\n]*${file}:${line_create} \\(main\\)")
expect("the wait in waiter()" "thread-4 +cond\\.wait[^\n]*${file}:${line_wait} \\(waiter\\(\\)\\)")
# The program's threads never name the standard library's headers.
string(REGEX MATCHALL "thread-[0-9] [^\n]*" program_lines "${dump}")
foreach(line IN LISTS program_lines)
  if(line MATCHES "std_mutex\\.h|gthr-default\\.h|unique_lock\\.h|std_thread\\.h|mutex:[0-9]")
    message(FATAL_ERROR "a standard-library site in the program's thread: ${line}")
  endif()
endforeach()
# The lock-order inversion between one() and two() is reported at their lines.
foreach(name one_a one_b two_a two_b)
  if(NOT check MATCHES "${file}:${line_${name}}")
    message(FATAL_ERROR "expected ${file}:${line_${name}} in weft check's JSON:\n${check}")
  endif()
endforeach()
