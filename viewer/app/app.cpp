// The App's frame (toolbar, timeline, side panel), opening traces, and
// carrying out commands.
#include "app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "weft/format/bytes.hpp"

namespace weft::viewer {

void App::open(std::vector<std::string> paths, LoadDone done) {
  load_.reset();  // cancels the one under way, if any
  if (!paths.empty()) std::snprintf(path_, sizeof path_, "%s", paths.front().c_str());
  load_done_ = std::move(done);
  load_ = std::make_unique<AsyncLoad>(std::move(paths));
}

void App::finish_load() {
  if (!load_ || !load_->finished()) return;
  const std::unique_ptr<AsyncLoad> load = std::move(load_);
  const LoadDone done = std::move(load_done_);
  load_done_ = nullptr;
  std::string error;
  try {
    if (std::unique_ptr<Document> doc = load->take()) adopt(std::move(doc));
  } catch (const open_cancelled&) {
    return;  // cancel_load() forgot the load; this one was replaced
  } catch (const format::format_error& e) {
    // The one-line message of the loader, as `weft` prints it.
    error = e.what();
  } catch (const std::exception& e) {
    error = "error: " + load->path() + ": " + e.what();
  }
  if (!error.empty()) error_ = error;
  if (done) done(*this, error);
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
  finish_load();
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
  if (ImGui::Begin("##timeline", nullptr, fixed | ImGuiWindowFlags_NoScrollWithMouse)) {
    if (load_)
      load_progress(l);
    else
      timeline(l);
  }
  ImGui::End();
  ImGui::PopStyleVar();

  ImGui::SetNextWindowPos(ImVec2(l.side.x, l.side.y));
  ImGui::SetNextWindowSize(ImVec2(l.side.w, l.side.h));
  if (ImGui::Begin("##side", nullptr, fixed)) side_.draw(session_, [this](const Command& c) { apply(c); });
  ImGui::End();
}

void App::load_progress(const ScreenLayout& l) {
  const LoadProgress p = load_->progress();
  const float w = std::min(560.0f, l.timeline.w - 40);
  ImGui::SetCursorScreenPos(ImVec2(l.timeline.x + (l.timeline.w - w) / 2, l.timeline.y + l.timeline.h / 3));
  ImGui::BeginGroup();
  ImGui::TextUnformatted(("opening " + load_->path()).c_str());
  ImGui::ProgressBar(static_cast<float>(p.fraction), ImVec2(w, 0), p.describe().c_str());
  if (ImGui::Button("Cancel")) cancel_load();
  ImGui::EndGroup();
}

}  // namespace weft::viewer
