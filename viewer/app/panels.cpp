// The side panel's text views: findings with their explanations, the
// replay state at the cursor, and the details of the selected event.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "app.hpp"
#include "palette.hpp"
#include "ruler.hpp"
#include "weft/analysis/finding.hpp"
#include "weft/format/schema.hpp"

namespace weft::viewer {
namespace {

ImVec4 rgba_f(std::uint32_t c) {
  return ImVec4(red_of(c) / 255.0f, green_of(c) / 255.0f, blue_of(c) / 255.0f, 1.0f);
}

}  // namespace

void App::findings_panel() {
  const auto& trace = doc_->trace;
  if (trace.truncated || !trace.warnings.empty()) {
    for (const std::string& w : trace.warnings) ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: %s", w.c_str());
    if (trace.truncated && trace.warnings.empty())
      ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: the trace is truncated; showing what it holds");
    ImGui::Separator();
  }
  const auto& findings = doc_->report.findings;
  if (findings.empty()) {
    ImGui::TextWrapped("No findings: no data race, deadlock, lock-order inversion, hang or misuse in this trace.");
    return;
  }
  const float rows = static_cast<float>(findings.size()) * ImGui::GetTextLineHeightWithSpacing() + 12;
  ImGui::BeginChild("##list", ImVec2(0, std::min(rows, ImGui::GetContentRegionAvail().y * 0.4f)), true);
  for (std::size_t k = 0; k < findings.size(); ++k) {
    const analysis::Finding& f = findings[k];
    const std::string item = "[" + std::to_string(k + 1) + "] " + std::string(analysis::finding_kind_name(f.kind)) +
                             ": " + f.title + (f.count > 1 ? " (x" + std::to_string(f.count) + ")" : "");
    ImGui::PushStyleColor(ImGuiCol_Text, f.severity == analysis::Severity::Error ? ImVec4(1, 0.55f, 0.55f, 1)
                                                                                   : ImVec4(1, 0.8f, 0.4f, 1));
    if (ImGui::Selectable(item.c_str(), finding_ == k)) select_finding(k);
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
  if (!finding_) {
    ImGui::TextDisabled("Select a finding to zoom to its events.");
    return;
  }
  const analysis::Finding& f = findings[*finding_];
  ImGui::TextColored(rgba_f(colors::highlight), "%s", f.title.c_str());
  ImGui::TextWrapped("%s", f.explanation.c_str());
  ImGui::Separator();
  std::string threads;
  for (std::uint32_t t : focus_.threads) threads += (threads.empty() ? "" : ", ") + thread_label(*doc_, t);
  ImGui::TextWrapped("threads: %s", threads.c_str());
  std::string objects;
  for (std::uint32_t o : focus_.objects) objects += (objects.empty() ? "" : ", ") + trace.object_label(o);
  if (!objects.empty()) ImGui::TextWrapped("objects: %s", objects.c_str());
  for (std::uint32_t s : f.sites) ImGui::BulletText("%s", trace.site_label(s).c_str());
  if (!f.cycle.empty()) {
    ImGui::Text("cycle:");
    for (const analysis::LockEdge& e : f.cycle)
      ImGui::BulletText("%s took %s while holding %s", thread_label(*doc_, e.thread).c_str(),
                        trace.object_label(e.to).c_str(), trace.object_label(e.from).c_str());
  }
  ImGui::Text("events:");
  for (std::uint64_t e : focus_.events) {
    ImGui::PushID(static_cast<int>(e));
    if (ImGui::SmallButton(event_summary(*doc_, e).c_str())) select_event(e);
    ImGui::PopID();
  }
}

void App::state_panel() {
  const ReplayState& s = replayer_->state();
  const auto& trace = doc_->trace;
  ImGui::Text("after %llu of %zu events, at %s", static_cast<unsigned long long>(s.applied), trace.events.size(),
              format_duration(cursor_time()).c_str());
  if (ImGui::CollapsingHeader("Threads", ImGuiTreeNodeFlags_DefaultOpen)) {
    for (const auto& info : trace.threads) {
      const std::string name = thread_label(*doc_, info.id);
      if (s.ended.count(info.id)) {
        ImGui::TextDisabled("%s: ended", name.c_str());
      } else if (const auto w = s.waiting.find(info.id); w != s.waiting.end()) {
        ImGui::TextColored(rgba_f(state_color(w->second.state)), "%s: %s %s", name.c_str(), state_name(w->second.state),
                           w->second.object ? trace.object_label(w->second.object).c_str() : "");
      } else if (s.alive.count(info.id)) {
        ImGui::TextColored(rgba_f(colors::running), "%s: running", name.c_str());
      } else {
        ImGui::TextDisabled("%s: not started", name.c_str());
      }
    }
  }
  if (ImGui::CollapsingHeader("Locks", ImGuiTreeNodeFlags_DefaultOpen)) {
    bool any = false;
    for (std::size_t n = 0; n < doc_->timeline.lanes.size(); ++n) {
      const Lane& lane = doc_->timeline.lanes[n];
      if (lane.kind != LaneKind::Lock) continue;
      any = true;
      const auto h = s.holders.find(lane.id);
      std::string waiters;
      for (std::uint32_t t : s.waiters_of(lane.id)) waiters += (waiters.empty() ? "" : ", ") + thread_label(*doc_, t);
      if (h == s.holders.end())
        ImGui::Text("%s: free", lane.label.c_str());
      else
        ImGui::TextColored(rgba_f(colors::held), "%s: held by %s%s", lane.label.c_str(),
                           thread_label(*doc_, h->second.thread).c_str(),
                           h->second.depth > 1 ? (" (depth " + std::to_string(h->second.depth) + ")").c_str() : "");
      if (!waiters.empty()) ImGui::TextColored(rgba_f(colors::lock_wait), "    waiting: %s", waiters.c_str());
    }
    if (!any) ImGui::TextDisabled("no locks");
  }
  const auto values = [&](const char* title, const std::map<std::uint32_t, std::int64_t>& m, const char* what) {
    if (m.empty() || !ImGui::CollapsingHeader(title, ImGuiTreeNodeFlags_DefaultOpen)) return;
    for (const auto& [object, v] : m) {
      std::string waiters;
      for (std::uint32_t t : s.waiters_of(object)) waiters += (waiters.empty() ? "" : ", ") + thread_label(*doc_, t);
      ImGui::Text("%s: %s %lld%s%s", trace.object_label(object).c_str(), what, static_cast<long long>(v),
                  waiters.empty() ? "" : "; waiting: ", waiters.c_str());
    }
  };
  values("Queues", s.queue_depth, "depth");
  values("Semaphores", s.semaphore_value, "value");
  if (!s.barrier_arrived.empty() && ImGui::CollapsingHeader("Barriers", ImGuiTreeNodeFlags_DefaultOpen))
    for (const auto& [object, n] : s.barrier_arrived)
      ImGui::Text("%s: %u arrived", trace.object_label(object).c_str(), n);
  // Other objects threads wait on (conditions, events, joins).
  std::string others;
  for (const auto& [thread, w] : s.waiting)
    if (w.object != 0 && !s.holders.count(w.object) && !s.queue_depth.count(w.object) &&
        !s.semaphore_value.count(w.object) && w.state != State::Lock)
      others += (others.empty() ? "" : "\n") + thread_label(*doc_, thread) + " waits on " + trace.object_label(w.object);
  if (!others.empty() && ImGui::CollapsingHeader("Other waits", ImGuiTreeNodeFlags_DefaultOpen))
    ImGui::TextUnformatted(others.c_str());
}

void App::details_panel() {
  const auto& trace = doc_->trace;
  if (!selected_event_) {
    ImGui::TextWrapped("Click a span, a mark or a step on the timeline, or an event of a finding, to see it here.");
    return;
  }
  const auto show = [&](const char* title, std::uint64_t index) {
    if (index >= trace.events.size()) return;
    const format::Event& e = trace.events[index];
    ImGui::TextColored(rgba_f(colors::cursor), "%s", title);
    ImGui::Text("event #%llu: %s", static_cast<unsigned long long>(index), std::string(trace.kind_name(e.kind)).c_str());
    ImGui::Text("thread: %s", thread_label(*doc_, e.thread).c_str());
    if (e.object) ImGui::Text("object: %s", trace.object_label(e.object).c_str());
    ImGui::Text("site: %s", trace.site_label(e.site).c_str());
    ImGui::Text("time: %s (%llu ns)", format_duration(static_cast<double>(e.time_ns)).c_str(),
                static_cast<unsigned long long>(e.time_ns));
    if (e.seq != format::kNoSeq) ImGui::Text("sequence on its object: %llu", static_cast<unsigned long long>(e.seq));
    const std::string_view text = trace.text(e);
    if (!text.empty())
      ImGui::TextWrapped("text: %.*s", static_cast<int>(text.size()), text.data());
    else
      ImGui::Text("arg: %llu", static_cast<unsigned long long>(e.arg));
    if (e.flags) ImGui::Text("flags: 0x%02x", e.flags);
    if (const auto by = analysis::unblocker(doc_->edges, index)) {
      const format::Event& from = trace.events[by->from];
      ImGui::Text("unblocked by %s (%s) at %s", thread_label(*doc_, from.thread).c_str(),
                  std::string(analysis::causal_kind_name(by->kind)).c_str(),
                  format_duration(static_cast<double>(from.time_ns)).c_str());
    }
    ImGui::PushID(static_cast<int>(index));
    if (ImGui::SmallButton("move the replay cursor here")) set_cursor(index + 1);
    ImGui::PopID();
    ImGui::Separator();
  };
  show("Selected", *selected_event_);
  if (selected_span_ && selected_span_->lane < doc_->timeline.lanes.size()) {
    const Lane& lane = doc_->timeline.lanes[selected_span_->lane];
    if (selected_span_->span < lane.spans.spans.size()) {
      const Span& s = lane.spans.spans[selected_span_->span];
      if (s.begin_event == *selected_event_) {
        ImGui::Text("%s for %s", state_name(s.state), format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
        if (s.end_event != kNoEvent) show("Ended by", s.end_event);
      }
    }
  }
}

}  // namespace weft::viewer
