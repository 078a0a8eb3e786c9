#include "window.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cstdio>
#include <string>

#include "palette.hpp"
#include "screenshot.hpp"

namespace weft::viewer {
namespace {

std::string glfw_error;  // the last GLFW error, for the one-line message

void on_glfw_error(int, const char* description) { glfw_error = description ? description : "unknown GLFW error"; }

void on_drop(GLFWwindow* window, int count, const char** paths) {
  if (count > 0) static_cast<App*>(glfwGetWindowUserPointer(window))->open(paths[0]);
}

// Frames rendered before a screenshot is taken: ImGui settles window
// sizes and the tab bar's selection over the first frames.
constexpr int kScreenshotFrames = 4;

}  // namespace

int run_window(App& app, const Options& options) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "weft-view: cannot open a window: %s\n", glfw_error.c_str());
    return 2;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  if (options.screenshot) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  const auto title_of = [&app] { return app.document() ? "weft view - " + app.document()->path : std::string("weft view"); };
  std::string title = title_of();
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, title.c_str(), nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "weft-view: cannot open a window: %s\n", glfw_error.c_str());
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.screenshot ? 0 : 1);
  glfwSetWindowUserPointer(window, &app);
  glfwSetDropCallback(window, on_drop);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini left in the user's directory
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 150");

  int status = 0;
  for (int frame = 0; !glfwWindowShouldClose(window); ++frame) {
    if (options.screenshot)
      glfwPollEvents();
    else  // idle when nothing moves; a load's progress bar at 10 frames a second (the load needs the CPU more)
      glfwWaitEventsTimeout(app.playing() ? 0.0 : app.loading() ? 0.1 : 0.25);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.frame(io.DisplaySize.x, io.DisplaySize.y, io.DeltaTime);
    if (std::string now = title_of(); now != title) {  // a load finished
      title = std::move(now);
      glfwSetWindowTitle(window, title.c_str());
    }
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(red_of(colors::background) / 255.0f, green_of(colors::background) / 255.0f,
                 blue_of(colors::background) / 255.0f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (options.screenshot && frame + 1 == kScreenshotFrames) {
      glFinish();
      if (const std::string err = save_screenshot(*options.screenshot, fw, fh); !err.empty()) {
        std::fprintf(stderr, "weft-view: %s\n", err.c_str());
        status = 2;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  // Closed while loading: the load stops at the end of the part under way.
  app.cancel_load();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace weft::viewer
