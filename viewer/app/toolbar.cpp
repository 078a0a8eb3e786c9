// The toolbar: row 1 opens a trace and says what it holds; row 2 zooms and
// drives the replay cursor (buttons, the arrow keys and Space, a slider).
#include <imgui.h>

#include "app.hpp"
#include "ruler.hpp"

namespace weft::viewer {
namespace {

// ImGui 1.86 keys go through the backend's key map.
bool key_pressed(ImGuiKey key) {
  return !ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(key));
}

void trace_summary(const Document& doc) {
  const auto& t = doc.trace;
  ImGui::Text("%s: %zu events, %zu threads, %zu findings", t.info.program.c_str(), t.events.size(), t.threads.size(),
              doc.report.findings.size());
  // A run made by weft explore: its times are virtual, and it says how to replay it.
  if (t.schedule) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.55f, 0.8f, 1, 1), "virtual time: weft's scheduler (%s, seed %llu, %zu decisions)",
                       t.schedule->strategy.c_str(), static_cast<unsigned long long>(t.schedule->seed),
                       t.schedule->decisions.size());
  }
  if (t.truncated || !t.warnings.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: %s",
                       t.warnings.empty() ? "the trace is truncated" : t.warnings.front().c_str());
  }
}

void zoom_buttons(ViewState& view, bool& arrows) {
  if (ImGui::Button("Fit")) view.request_fit();
  ImGui::SameLine();
  if (ImGui::Button("+")) view.zoom(1.5);
  ImGui::SameLine();
  if (ImGui::Button("-")) view.zoom(1 / 1.5);
  ImGui::SameLine();
  ImGui::TextDisabled("(right-drag: zoom to a range)");
  ImGui::SameLine();
  ImGui::Checkbox("arrows", &arrows);
}

void replay_controls(const Document& doc, ReplayCursor& cursor) {
  if (ImGui::Button("|<")) cursor.seek(0);
  ImGui::SameLine();
  if (ImGui::Button("<") || key_pressed(ImGuiKey_LeftArrow)) cursor.step_back();
  ImGui::SameLine();
  if (ImGui::Button(cursor.playing() ? "Pause" : "Play") || key_pressed(ImGuiKey_Space)) cursor.toggle_play();
  ImGui::SameLine();
  if (ImGui::Button(">") || key_pressed(ImGuiKey_RightArrow)) cursor.step_forward();
  ImGui::SameLine();
  if (ImGui::Button(">|")) cursor.seek(cursor.size());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  std::uint64_t scrub = cursor.position();
  const std::uint64_t lo = 0, hi = cursor.size();
  if (ImGui::SliderScalar("##cursor", ImGuiDataType_U64, &scrub, &lo, &hi, "event %llu")) cursor.seek(scrub);
  ImGui::SameLine();
  ImGui::Text("at %s", format_duration(cursor.time_ns()).c_str());
  if (cursor.position() > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", event_summary(doc, cursor.position() - 1).c_str());
  }
}

}  // namespace

void App::toolbar() {
  ImGui::SetNextItemWidth(420);
  const bool entered = ImGui::InputTextWithHint("##path", "path/to/trace.weft (or drop a file here)", path_,
                                                sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open") || entered) && path_[0] != '\0') open(path_);
  ImGui::SameLine();
  const Document* doc = session_.document();
  if (!error_.empty()) {
    ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "%s", error_.c_str());
  } else if (doc) {
    trace_summary(*doc);
  } else {
    ImGui::TextDisabled("no trace open");
  }
  if (!doc) return;

  zoom_buttons(session_.view(), arrows_);
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  replay_controls(*doc, session_.cursor());
}

}  // namespace weft::viewer
