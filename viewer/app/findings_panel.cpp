// The Findings tab: the trace's warnings and anomalies, every finding (select one: the
// view zooms to its events), and the selected one explained: its threads,
// objects, sites, lock cycle and events (click one for its details).
#include <imgui.h>

#include <algorithm>
#include <string>

#include "imgui_color.hpp"
#include "panels.hpp"
#include "weft/analysis/finding.hpp"

namespace weft::viewer {
namespace {

void warnings(const format::Trace& trace) {
  if (!trace.truncated && trace.warnings.empty()) return;
  for (const std::string& w : trace.warnings) ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: %s", w.c_str());
  if (trace.truncated && trace.warnings.empty())
    ImGui::TextColored(ImVec4(1, 0.75f, 0.2f, 1), "warning: the trace is truncated; showing what it holds");
  ImGui::Separator();
}

// What the trace got wrong (events lost, mostly), as the analysis settled
// it: each a button to its event.
void anomalies(const Document& doc, const Dispatch& dispatch) {
  const auto& list = doc.model.state.anomalies;
  if (list.empty()) return;
  const std::string title = "trace anomalies (" + std::to_string(list.size()) + ")";
  if (!ImGui::CollapsingHeader(title.c_str())) return;
  for (std::size_t k = 0; k < list.size() && k < 200; ++k) {
    const analysis::Anomaly& a = list[k];
    ImGui::PushID(static_cast<int>(k));
    const std::string what = (a.object ? doc.trace.object_label(a.object) + ": " : std::string()) +
                             std::string(analysis::anomaly_text(a.kind));
    if (ImGui::SmallButton(("#" + std::to_string(a.event)).c_str())) dispatch(SelectEvent{a.event});
    ImGui::SameLine();
    ImGui::TextColored(rgba_f(colors::anomaly), "%s", what.c_str());
    ImGui::PopID();
  }
  if (list.size() > 200) ImGui::TextDisabled("... and %zu more", list.size() - 200);
  ImGui::Separator();
}

void finding_list(const Session& session, const Dispatch& dispatch) {
  const auto& findings = session.document()->report.findings;
  const float rows = static_cast<float>(findings.size()) * ImGui::GetTextLineHeightWithSpacing() + 12;
  ImGui::BeginChild("##list", ImVec2(0, std::min(rows, ImGui::GetContentRegionAvail().y * 0.4f)), true);
  for (std::size_t k = 0; k < findings.size(); ++k) {
    const analysis::Finding& f = findings[k];
    const std::string item = "[" + std::to_string(k + 1) + "] " + std::string(analysis::finding_kind_name(f.kind)) +
                             ": " + f.title + (f.count > 1 ? " (x" + std::to_string(f.count) + ")" : "");
    ImGui::PushStyleColor(ImGuiCol_Text, f.severity == analysis::Severity::Error ? ImVec4(1, 0.55f, 0.55f, 1)
                                                                                   : ImVec4(1, 0.8f, 0.4f, 1));
    if (ImGui::Selectable(item.c_str(), session.selection().finding() == k)) dispatch(SelectFinding{k});
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
}

void explanation(const Document& doc, const analysis::Finding& f, const Focus& focus, const Dispatch& dispatch) {
  const auto& trace = doc.trace;
  ImGui::TextColored(rgba_f(colors::highlight), "%s", f.title.c_str());
  ImGui::TextWrapped("%s", f.explanation.c_str());
  ImGui::Separator();
  std::string threads;
  for (std::uint32_t t : focus.threads) threads += (threads.empty() ? "" : ", ") + thread_label(doc, t);
  ImGui::TextWrapped("threads: %s", threads.c_str());
  std::string objects;
  for (std::uint32_t o : focus.objects) objects += (objects.empty() ? "" : ", ") + trace.object_label(o);
  if (!objects.empty()) ImGui::TextWrapped("objects: %s", objects.c_str());
  for (std::uint32_t s : f.sites) ImGui::BulletText("%s", trace.site_label(s).c_str());
  if (!f.cycle.empty()) {
    ImGui::Text("cycle:");
    for (const analysis::LockEdge& e : f.cycle)
      ImGui::BulletText("%s took %s while holding %s", thread_label(doc, e.thread).c_str(),
                        trace.object_label(e.to).c_str(), trace.object_label(e.from).c_str());
  }
  ImGui::Text("events:");
  for (std::uint64_t e : focus.events) {
    ImGui::PushID(static_cast<int>(e));
    if (ImGui::SmallButton(event_summary(doc, e).c_str())) dispatch(SelectEvent{e});
    ImGui::PopID();
  }
}

}  // namespace

void findings_panel(const Session& session, const Dispatch& dispatch) {
  const Document& doc = *session.document();
  warnings(doc.trace);
  anomalies(doc, dispatch);
  if (doc.report.findings.empty()) {
    ImGui::TextWrapped("No findings: no data race, deadlock, lock-order inversion, hang or misuse in this trace.");
    return;
  }
  finding_list(session, dispatch);
  const std::optional<std::size_t> selected = session.selection().finding();
  if (!selected) {
    ImGui::TextDisabled("Select a finding to zoom to its events.");
    return;
  }
  explanation(doc, doc.report.findings[*selected], session.selection().focus(), dispatch);
}

}  // namespace weft::viewer
