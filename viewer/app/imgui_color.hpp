// The palette's packed colors as ImGui's float colors, for text.
#pragma once

#include <imgui.h>

#include <cstdint>

#include "palette.hpp"

namespace weft::viewer {

inline ImVec4 rgba_f(std::uint32_t c) {
  return ImVec4(red_of(c) / 255.0f, green_of(c) / 255.0f, blue_of(c) / 255.0f, 1.0f);
}

}  // namespace weft::viewer
