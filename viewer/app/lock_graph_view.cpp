// The lock-order graph: every lock a node on a circle (past a few dozen,
// those drawn_graph keeps), an arrow A -> B for "took B while holding A"
// (labelled with how often), red where the edge lies on a cycle. A list of
// every edge with its threads follows.
#include <imgui.h>

#include <cmath>
#include <map>
#include <numbers>

#include "palette.hpp"
#include "panels.hpp"

namespace weft::viewer {

void lock_graph_panel(const Document& doc, const DrawnGraph& drawn, const Focus& focus, const Dispatch& dispatch) {
  const analysis::LockGraph& g = doc.lock_graph;
  const auto& trace = doc.trace;
  if (g.locks.empty()) {
    ImGui::TextWrapped("No locks were taken in this trace.");
    return;
  }
  if (g.edges.empty()) ImGui::TextWrapped("No lock was taken while holding another: no order to show.");
  if (drawn.left_out > 0 && drawn.locks.empty())
    ImGui::TextWrapped("None of the %zu locks drawn: too many to draw every one, and none is on an edge.",
                       g.locks.size());
  else if (drawn.left_out > 0)
    ImGui::TextWrapped("%zu of %zu locks drawn: those on a cycle first, then those on an edge.", drawn.locks.size(),
                       g.locks.size());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float size = std::min(avail.x, std::max(avail.y * 0.6f, 200.0f));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##graph", ImVec2(avail.x, size));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 center(origin.x + avail.x / 2, origin.y + size / 2);
  const float radius = size / 2 - 40;
  const std::vector<std::uint32_t>& locks = drawn.locks;
  std::map<std::uint32_t, ImVec2> at;
  for (std::size_t k = 0; k < locks.size(); ++k) {
    const double angle = 2 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(locks.size()) - std::numbers::pi / 2;
    at[locks[k]] = ImVec2(center.x + radius * static_cast<float>(std::cos(angle)),
                          center.y + radius * static_cast<float>(std::sin(angle)));
  }
  const float node_r = 9;
  for (const std::size_t k : drawn.edges) {
    const analysis::LockGraphEdge& e = g.edges[k];
    ImVec2 a = at[e.from], b = at[e.to];
    // Two edges between the same pair (A->B and B->A) are drawn apart.
    const float dx = b.x - a.x, dy = b.y - a.y, len = std::max(std::sqrt(dx * dx + dy * dy), 1.0f);
    const float ux = dx / len, uy = dy / len, off = 5;
    a = ImVec2(a.x + ux * node_r - uy * off, a.y + uy * node_r + ux * off);
    b = ImVec2(b.x - ux * node_r - uy * off, b.y - uy * node_r + ux * off);
    const ImU32 c = e.in_cycle ? colors::cycle : colors::dim_text;
    dl->AddLine(a, b, c, e.in_cycle ? 2.5f : 1.5f);
    dl->AddTriangleFilled(b, ImVec2(b.x - ux * 10 - uy * 5, b.y - uy * 10 + ux * 5),
                          ImVec2(b.x - ux * 10 + uy * 5, b.y - uy * 10 - ux * 5), c);
    const std::string n = "x" + std::to_string(e.count);
    dl->AddText(ImVec2((a.x + b.x) / 2 - uy * 10, (a.y + b.y) / 2 + ux * 10), c, n.c_str());
  }
  for (std::uint32_t lock : locks) {
    const ImVec2 p = at[lock];
    const bool focused = focus.objects.count(lock) > 0;
    dl->AddCircleFilled(p, node_r, focused ? colors::highlight : colors::held);
    const std::string name = trace.objects[lock].name.str();
    const float w = ImGui::CalcTextSize(name.c_str()).x;
    dl->AddText(ImVec2(p.x - w / 2, p.y + node_r + 2), colors::text, name.c_str());
  }
  ImGui::Separator();
  if (ImGui::BeginTable("##edges", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupColumn("held");
    ImGui::TableSetupColumn("then took");
    ImGui::TableSetupColumn("times");
    ImGui::TableSetupColumn("threads");
    ImGui::TableHeadersRow();
    // Only the rows in view are laid out: a program can have millions of edges.
    ImGuiListClipper rows;
    rows.Begin(static_cast<int>(g.edges.size()));
    while (rows.Step())
      for (int row = rows.DisplayStart; row < rows.DisplayEnd; ++row) {
        const analysis::LockGraphEdge& e = g.edges[static_cast<std::size_t>(row)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(trace.objects[e.from].name.str().c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(trace.objects[e.to].name.str().c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu%s", static_cast<unsigned long long>(e.count), e.in_cycle ? " (cycle)" : "");
        ImGui::TableNextColumn();
        std::string who;
        for (std::uint32_t t : e.threads) who += (who.empty() ? "" : ", ") + thread_label(doc, t);
        ImGui::PushID(static_cast<int>(e.first_event));
        if (ImGui::SmallButton(who.c_str())) dispatch(SelectEvent{e.first_event});
        ImGui::PopID();
      }
    ImGui::EndTable();
  }
}

}  // namespace weft::viewer
