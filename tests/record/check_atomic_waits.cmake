# Records cpp20_waits (its semaphores, latch, barrier, atomic wait and
# future wait with the futex, not pthreads) and checks that weft record saw
# them: wakes on the semaphores at the program's own release lines, the
# future's wait at its get(), every such object named by the program's
# variable or by its place in the program, none by libstdc++'s internals.
# -D WEFT=... PROGRAM=... SOURCE=... WORK_DIR=...
file(MAKE_DIRECTORY "${WORK_DIR}")
set(trace "${WORK_DIR}/cpp20_waits_events.weft")
file(REMOVE "${trace}")
execute_process(COMMAND "${WEFT}" record -o "${trace}" -- "${PROGRAM}" RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "weft record failed: ${rc}")
endif()
execute_process(COMMAND "${WEFT}" dump "${trace}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "weft dump failed: ${rc}")
endif()
file(STRINGS "${SOURCE}" lines)
set(n 0)
foreach(line IN LISTS lines)
  math(EXPR n "${n} + 1")
  if(line MATCHES "// @release-filled")
    set(line_filled ${n})
  elseif(line MATCHES "// @release-free")
    set(line_free ${n})
  elseif(line MATCHES "// @get")
    set(line_get ${n})
  endif()
endforeach()
# The first release of `filled` finds it at 0 and always wakes (libstdc++
# wakes only then); the others depend on who ran first, and are checked
# where they happened.
set(want "atomic\\.wake +atomic filled +woke [0-9]+ +cpp20_waits\\.cpp:${line_filled} ")
if(NOT dump MATCHES "${want}")
  message(FATAL_ERROR "no event matching '${want}' in:\n${dump}")
endif()
foreach(kind IN ITEMS "atomic\\.wake +atomic free_slots" "main +atomic\\.wait\\.(begin|end) +atomic@cpp20_waits\\.cpp")
  string(REGEX MATCHALL "${kind} [^\n]*" seen "${dump}")
  foreach(event IN LISTS seen)
    if(NOT event MATCHES "cpp20_waits\\.cpp:(${line_free}|${line_get}) ")
      message(FATAL_ERROR "not at the program's line: ${event}")
    endif()
  endforeach()
endforeach()
string(REGEX MATCHALL "atomic[^\n]*std::[^\n]*" internal "${dump}")
if(internal)
  message(FATAL_ERROR "an atomic named or placed inside the standard library: ${internal}")
endif()
