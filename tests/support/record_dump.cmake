# For the check scripts that record a program with `weft record` and read
# its `weft dump` (tests/preload, tests/record); include()d by them.

# Records PROGRAM into TRACE with WEFT (it must exit 0) and sets DUMP_VAR in
# the caller to `weft dump TRACE`.
function(weft_record_and_dump weft program trace dump_var)
  get_filename_component(dir "${trace}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(REMOVE "${trace}")
  execute_process(COMMAND "${weft}" record -o "${trace}" -- "${program}" RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "weft record failed: ${rc}")
  endif()
  execute_process(COMMAND "${weft}" dump "${trace}" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "weft dump failed: ${rc}")
  endif()
  set(${dump_var} "${dump}" PARENT_SCOPE)
endfunction()

# Sets line_NAME in the caller to the number of the line of SOURCE marked
# "// @NAME" (NAME: lower-case letters, digits, _ and -, a - read as _).
function(weft_marked_lines source)
  file(STRINGS "${source}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(line MATCHES "// @([a-z_0-9-]+)")
      string(REPLACE "-" "_" name "${CMAKE_MATCH_1}")
      set(line_${name} ${n} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()
