# Writes weft(1) and weft-view(1) from the programs' own --help texts, so the
# manual cannot drift from the commands: run at build time as
#   cmake -DWEFT=<weft> -DWEFT_VIEW=<weft-view> -DOUT_DIR=<dir> -DVERSION=<v> -P WeftManPage.cmake
# weft(1): `weft --help`, then one section per command with `weft CMD --help`.

function(weft_help out)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "weft man page: `${cmd}` failed (${rc}): ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Help text as roff: literal lines (.nf), backslashes and leading dots
# escaped, hyphens as \- so that flags can be searched for and copied.
function(weft_roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(REGEX REPLACE "\n+$" "" text "${text}")
  set(${out} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

foreach(var WEFT WEFT_VIEW OUT_DIR VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "weft man page: -D${var}= is required")
  endif()
endforeach()

weft_help(top "${WEFT}" --help)
# The commands: the first word of each line of the "commands:" block.
string(REGEX MATCH "commands:\n(.*)\n\noptions:" block "${top}")
string(REGEX MATCHALL "\n  [a-z][a-z-]*" names "\n${CMAKE_MATCH_1}")
if(NOT names)
  message(FATAL_ERROR "weft man page: no commands in `weft --help`")
endif()

set(page ".TH WEFT 1 \"\" \"weft ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nweft \\- record, check and view what the threads of a program do\n")
string(APPEND page ".SH SYNOPSIS\n.B weft\n.I COMMAND\n[\\fIARGS\\fR...]\n")
string(APPEND page ".SH DESCRIPTION\n")
weft_roff(roff "${top}")
string(APPEND page "${roff}")
string(APPEND page ".SH COMMANDS\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  weft_help(help "${WEFT}" ${name} --help)
  weft_roff(roff "${help}")
  string(APPEND page ".SS weft ${name}\n${roff}")
endforeach()
string(APPEND page ".SH SEE ALSO\n.BR weft\\-view (1)\n")
file(WRITE "${OUT_DIR}/weft.1" "${page}")

weft_help(view "${WEFT_VIEW}" --help)
set(page ".TH WEFT-VIEW 1 \"\" \"weft ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nweft\\-view \\- timelines of a weft trace's threads and locks, its findings, replay\n")
string(APPEND page ".SH SYNOPSIS\n.B weft\\-view\n[\\fITRACE\\fR] [\\fIOPTIONS\\fR]\n")
string(APPEND page ".SH DESCRIPTION\n")
weft_roff(roff "${view}")
string(APPEND page "${roff}.SH SEE ALSO\n.BR weft (1)\n")
file(WRITE "${OUT_DIR}/weft-view.1" "${page}")
