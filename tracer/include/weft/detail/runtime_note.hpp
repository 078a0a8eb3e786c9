// An ELF note that says "this module carries weft's tracing runtime".
//
// weft record preloads a library with its own copy of the runtime. A program
// already built with weft's primitives (the static runtime linked in) must
// not be recorded twice: the preload looks for this note in every loaded
// module but itself, through the program headers the loader keeps in
// memory, and steps aside when it finds one. A note, not a symbol, because
// executables export no symbols and stripping keeps notes.
#pragma once

#include <cstdint>

namespace weft::detail {

struct RuntimeNote {
  std::uint32_t name_size = 5;  // "weft" and its NUL
  std::uint32_t desc_size = 4;
  std::uint32_t type = 0x57454654;  // 'WEFT'
  char name[8] = "weft";            // padded to 4 bytes
  std::uint32_t format = 1;         // the note's own version
};
static_assert(sizeof(RuntimeNote) == 24);

inline constexpr std::uint32_t kRuntimeNoteType = 0x57454654;

}  // namespace weft::detail
