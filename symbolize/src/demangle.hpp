// C++ symbol names as people read them.
#pragma once

#include <string>
#include <string_view>

namespace weft::symbolize {

// Longest name kept: template-heavy C++ names run to thousands of characters
// and would swamp every report line and tooltip they appear in.
inline constexpr std::size_t kMaxNameLength = 200;

// "_ZN5Cache3getEv" -> "Cache::get()"; names that are not mangled C++ (C
// functions, main) come back as they are. Either way capped at
// kMaxNameLength, with "..." marking the cut.
std::string demangle(std::string_view name);

}  // namespace weft::symbolize
