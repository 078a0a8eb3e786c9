# Records cpp20_waits (its semaphores, latch, barrier, atomic wait and
# future wait with the futex, not pthreads) and checks that weft record saw
# them: wakes on the semaphores at the program's own release lines, the
# future's wait at its get(), every such object named by the program's
# variable or by its place in the program, none by libstdc++'s internals.
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
include(${CMAKE_CURRENT_LIST_DIR}/../support/record_dump.cmake)
weft_record_and_dump("${WEFT}" "${PROGRAM}" "${WORK_DIR}/cpp20_waits_events.weft" dump)
weft_marked_lines("${SOURCE}")  # line_release_filled, line_release_free, line_get
# The first release of `filled` finds it at 0 and always wakes (libstdc++
# wakes only then); the others depend on who ran first, and are checked
# where they happened.
set(want "atomic\\.wake +atomic filled +woke [0-9]+ +cpp20_waits\\.cpp:${line_release_filled} ")
if(NOT dump MATCHES "${want}")
  message(FATAL_ERROR "no event matching '${want}' in:\n${dump}")
endif()
foreach(kind IN ITEMS "atomic\\.wake +atomic free_slots" "main +atomic\\.wait\\.(begin|end) +atomic@cpp20_waits\\.cpp")
  string(REGEX MATCHALL "${kind} [^\n]*" seen "${dump}")
  foreach(event IN LISTS seen)
    if(NOT event MATCHES "cpp20_waits\\.cpp:(${line_release_free}|${line_get}) ")
      message(FATAL_ERROR "not at the program's line: ${event}")
    endif()
  endforeach()
endforeach()
string(REGEX MATCHALL "atomic[^\n]*std::[^\n]*" internal "${dump}")
if(internal)
  message(FATAL_ERROR "an atomic named or placed inside the standard library: ${internal}")
endif()
