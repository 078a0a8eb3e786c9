// The window: GLFW + OpenGL 3 + the ImGui backends, the event loop, file
// drops, and the off-screen screenshot mode.
#pragma once

#include "app.hpp"
#include "options.hpp"

namespace weft::viewer {

// Runs the viewer until its window closes, or renders one screenshot when
// options.screenshot is set. Returns the process's exit status.
int run_window(App& app, const Options& options);

}  // namespace weft::viewer
