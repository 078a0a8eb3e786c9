// Saving what was just rendered as a PNG (glReadPixels + stb_image_write).
#pragma once

#include <string>

namespace weft::viewer {

// Reads the current framebuffer's back buffer (width x height, RGBA) and
// writes it top row first. Returns an error message, empty on success.
std::string save_screenshot(const std::string& path, int width, int height);

}  // namespace weft::viewer
