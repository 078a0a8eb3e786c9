// The App's frame: toolbar, timeline, side panel; opening traces and
// selecting findings.
#include "app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "ruler.hpp"
#include "weft/format/bytes.hpp"

namespace weft::viewer {
namespace {

// ImGui 1.86 keys go through the backend's key map.
bool key_pressed(ImGuiKey key) {
  return !ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(key));
}

}  // namespace

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
  doc_ = std::move(doc);
  error_.clear();
  std::snprintf(path_, sizeof path_, "%s", doc_->path.c_str());
  replayer_ = std::make_unique<Replayer>(doc_->model);
  cursor_ = doc_->trace.events.size();  // the state at the end: what was left
  replayer_->seek(cursor_);
  finding_.reset();
  focus_ = Focus{};
  selected_event_.reset();
  selected_span_.reset();
  hovered_span_.reset();
  selection_.reset();
  playing_ = false;
  scroll_ = 0;
  fit_pending_ = true;
  show_pending_.reset();
}

void App::show_time(double begin_ns, double end_ns) {
  show_pending_ = std::make_pair(begin_ns, end_ns);
  fit_pending_ = false;
}

void App::select_finding(std::size_t index) {
  if (!doc_ || index >= doc_->report.findings.size()) return;
  finding_ = index;
  focus_ = focus_of(doc_->report.findings[index], doc_->trace);
  tab_ = SideTab::Findings;
  tab_forced_ = true;
  if (!focus_.events.empty()) {
    // Some context around the proof: a quarter of its length each side,
    // at least a few microseconds.
    const double span = static_cast<double>(focus_.end_ns - focus_.begin_ns);
    const double pad = std::max(span * 0.25, 5000.0);
    show_time(std::max(0.0, static_cast<double>(focus_.begin_ns) - pad), static_cast<double>(focus_.end_ns) + pad);
    // Replay to the last event of the proof: the state panel then shows
    // who holds what at that moment.
    set_cursor(focus_.events.back() + 1);
  }
}

double App::cursor_time() const {
  if (!doc_ || cursor_ == 0 || doc_->trace.events.empty()) return static_cast<double>(doc_ ? doc_->timeline.begin_ns : 0);
  return static_cast<double>(doc_->timeline.time_prefix_max[cursor_ - 1]);
}

void App::set_cursor(std::uint64_t cursor) {
  if (!doc_) return;
  cursor_ = std::min<std::uint64_t>(cursor, doc_->trace.events.size());
  replayer_->seek(cursor_);
}

void App::select_event(std::uint64_t index) {
  selected_event_ = index;
  tab_ = SideTab::Details;
  tab_forced_ = true;
}

void App::frame(float width, float height, double dt) {
  const ScreenLayout l = screen_layout(width, height);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::SetNextWindowPos(ImVec2(l.toolbar.x, l.toolbar.y));
  ImGui::SetNextWindowSize(ImVec2(l.toolbar.w, l.toolbar.h));
  if (ImGui::Begin("##toolbar", nullptr, fixed)) toolbar(l.toolbar, dt);
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(l.timeline.x, l.timeline.y));
  ImGui::SetNextWindowSize(ImVec2(l.timeline.w, l.timeline.h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  if (ImGui::Begin("##timeline", nullptr, fixed | ImGuiWindowFlags_NoScrollWithMouse)) timeline(l);
  ImGui::End();
  ImGui::PopStyleVar();

  ImGui::SetNextWindowPos(ImVec2(l.side.x, l.side.y));
  ImGui::SetNextWindowSize(ImVec2(l.side.w, l.side.h));
  if (ImGui::Begin("##side", nullptr, fixed)) side_panel(l.side);
  ImGui::End();
}

void App::toolbar(const Rect&, double dt) {
  // Row 1: the trace.
  ImGui::SetNextItemWidth(420);
  const bool entered = ImGui::InputTextWithHint("##path", "path/to/trace.weft (or drop a file here)", path_, sizeof path_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open") || entered) && path_[0] != '\0') open(path_);
  ImGui::SameLine();
  if (!error_.empty()) {
    ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "%s", error_.c_str());
  } else if (doc_) {
    const auto& t = doc_->trace;
    ImGui::Text("%s: %zu events, %zu threads, %zu findings", t.info.program.c_str(), t.events.size(), t.threads.size(),
                doc_->report.findings.size());
    if (t.truncated || !t.warnings.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: %s",
                         t.warnings.empty() ? "the trace is truncated" : t.warnings.front().c_str());
    }
  } else {
    ImGui::TextDisabled("no trace open");
  }
  if (!doc_) return;

  // Row 2: zoom and replay.
  if (ImGui::Button("Fit")) fit_pending_ = true;
  ImGui::SameLine();
  if (ImGui::Button("+")) view_.zoom_around(view_.x0 + view_.width / 2, 1.5);
  ImGui::SameLine();
  if (ImGui::Button("-")) view_.zoom_around(view_.x0 + view_.width / 2, 1 / 1.5);
  ImGui::SameLine();
  ImGui::TextDisabled("(right-drag: zoom to a range)");
  ImGui::SameLine();
  ImGui::Checkbox("arrows", &arrows_);
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  const std::uint64_t n = doc_->trace.events.size();
  if (ImGui::Button("|<")) set_cursor(0);
  ImGui::SameLine();
  if (ImGui::Button("<") || key_pressed(ImGuiKey_LeftArrow))
    set_cursor(cursor_ > 0 ? cursor_ - 1 : 0);
  ImGui::SameLine();
  if (ImGui::Button(playing_ ? "Pause" : "Play") ||
      key_pressed(ImGuiKey_Space)) {
    playing_ = !playing_;
    if (playing_ && cursor_ >= n) set_cursor(0);
  }
  ImGui::SameLine();
  if (ImGui::Button(">") || key_pressed(ImGuiKey_RightArrow))
    set_cursor(cursor_ + 1);
  ImGui::SameLine();
  if (ImGui::Button(">|")) set_cursor(n);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  std::uint64_t scrub = cursor_;
  const std::uint64_t lo = 0;
  if (ImGui::SliderScalar("##cursor", ImGuiDataType_U64, &scrub, &lo, &n, "event %llu")) set_cursor(scrub);
  ImGui::SameLine();
  ImGui::Text("at %s", format_duration(cursor_time()).c_str());
  if (cursor_ > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", event_summary(*doc_, cursor_ - 1).c_str());
  }

  if (playing_) {
    // Play the visible time range in play_seconds_, whatever the zoom.
    const double target = cursor_time() + dt * view_.width * view_.ns_per_px / play_seconds_;
    std::uint64_t next = doc_->timeline.first_event_at(static_cast<std::uint64_t>(std::max(0.0, target)));
    if (next <= cursor_) next = cursor_ + 1;  // always move: slow stretches of one event
    set_cursor(next);
    if (cursor_ >= n) playing_ = false;
    // Keep the cursor in view.
    if (cursor_time() > view_.t1_ns()) view_.t0_ns = cursor_time() - view_.width * view_.ns_per_px * 0.1;
  }
}

void App::side_panel(const Rect&) {
  if (!doc_) {
    ImGui::TextWrapped("Open a trace: type its path above and press Enter, drop a .weft file on the window, or start "
                       "with `weft view TRACE`.");
    return;
  }
  if (!ImGui::BeginTabBar("##tabs")) return;
  const auto tab = [&](const char* name, SideTab which, void (App::*draw)()) {
    const ImGuiTabItemFlags flags = tab_forced_ && tab_ == which ? ImGuiTabItemFlags_SetSelected : 0;
    if (ImGui::BeginTabItem(name, nullptr, flags)) {
      if (!tab_forced_) tab_ = which;
      (this->*draw)();
      ImGui::EndTabItem();
    }
  };
  tab("Findings", SideTab::Findings, &App::findings_panel);
  tab("State", SideTab::State, &App::state_panel);
  tab("Details", SideTab::Details, &App::details_panel);
  tab("Lock graph", SideTab::LockGraph, &App::lock_graph_panel);
  tab("Statistics", SideTab::Statistics, &App::stats_panel);
  tab_forced_ = false;
  ImGui::EndTabBar();
}

}  // namespace weft::viewer
