# Warnings and sanitizer flags shared by every weft target.

add_library(weft_warnings INTERFACE)
target_compile_options(weft_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(WEFT_WERROR)
  target_compile_options(weft_warnings INTERFACE -Werror)
endif()

if(WEFT_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(WEFT_TSAN_BUILD=1)
elseif(WEFT_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(WEFT_ASAN_BUILD=1)
  # ASan's instrumentation makes GCC's -Wmaybe-uninitialized fire on
  # std::regex and std::function internals at -O1 (the asan preset's level:
  # see CMakePresets.json); the other presets keep the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
elseif(NOT WEFT_SANITIZER STREQUAL "")
  message(FATAL_ERROR "WEFT_SANITIZER must be '', 'thread' or 'address', not '${WEFT_SANITIZER}'")
endif()
