# Fails when libweft_preload.so has a dynamic initializer (a per-file
# _GLOBAL__sub_I_ function): see tests/preload/CMakeLists.txt.
find_program(NM nm REQUIRED)
execute_process(COMMAND ${NM} ${LIBRARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm ${LIBRARY} failed (${rc})")
endif()
string(REGEX MATCHALL "_GLOBAL__sub_I_[A-Za-z0-9_.]+" initializers "${symbols}")
if(initializers)
  message(FATAL_ERROR "libweft_preload.so has dynamic initializers, which run after its constructor: ${initializers}")
endif()
message(STATUS "no dynamic initializers in ${LIBRARY}")
