// The App's frame (toolbar, timeline, side panel), opening traces, and
// carrying out commands.
#include "app.hpp"

#include <imgui.h>

#include <cstdio>
#include <type_traits>

namespace weft::viewer {

bool App::open(const std::string& path) {
  try {
    adopt(open_document(path));
    return true;
  } catch (const std::exception& e) {
    // The one-line message of the loader, as `weft` prints it.
    error_ = e.what();
    return false;
  }
}

void App::adopt(std::unique_ptr<Document> doc) {
  std::snprintf(path_, sizeof path_, "%s", doc->path.c_str());
  session_.open(std::move(doc));
  error_.clear();
  gesture_ = TimelineGesture{};
}

void App::apply(const Command& command) {
  if (!session_.apply(command)) return;
  std::visit(
      [&](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, SelectFinding>)
          side_.show(SideTab::Findings);
        else if constexpr (std::is_same_v<C, SelectEvent> || std::is_same_v<C, SelectSpan>)
          side_.show(SideTab::Details);
      },
      command);
}

void App::frame(float width, float height, double dt) {
  const ScreenLayout l = screen_layout(width, height);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::SetNextWindowPos(ImVec2(l.toolbar.x, l.toolbar.y));
  ImGui::SetNextWindowSize(ImVec2(l.toolbar.w, l.toolbar.h));
  if (ImGui::Begin("##toolbar", nullptr, fixed)) toolbar();
  ImGui::End();
  // After the toolbar's replay buttons, before the timeline draws the cursor.
  session_.play(dt);

  ImGui::SetNextWindowPos(ImVec2(l.timeline.x, l.timeline.y));
  ImGui::SetNextWindowSize(ImVec2(l.timeline.w, l.timeline.h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  if (ImGui::Begin("##timeline", nullptr, fixed | ImGuiWindowFlags_NoScrollWithMouse)) timeline(l);
  ImGui::End();
  ImGui::PopStyleVar();

  ImGui::SetNextWindowPos(ImVec2(l.side.x, l.side.y));
  ImGui::SetNextWindowSize(ImVec2(l.side.w, l.side.h));
  if (ImGui::Begin("##side", nullptr, fixed)) side_.draw(session_, [this](const Command& c) { apply(c); });
  ImGui::End();
}

}  // namespace weft::viewer
