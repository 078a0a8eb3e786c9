#include "side_panel.hpp"

#include <imgui.h>

namespace weft::viewer {

void SidePanel::draw(const Session& session, const Dispatch& dispatch) {
  const Document* doc = session.document();
  if (!doc) {
    ImGui::TextWrapped("Open a trace: type its path above and press Enter, drop a .weft file on the window, or start "
                       "with `weft view TRACE`.");
    return;
  }
  if (!ImGui::BeginTabBar("##tabs")) return;
  const auto tab = [&](const char* name, SideTab which, const auto& draw) {
    ImGuiTabItemFlags flags = 0;
    if (requested_ == which) {
      flags = ImGuiTabItemFlags_SetSelected;
      requested_.reset();
    }
    if (ImGui::BeginTabItem(name, nullptr, flags)) {
      draw();
      ImGui::EndTabItem();
    }
  };
  tab("Findings", SideTab::Findings, [&] { findings_panel(session, dispatch); });
  tab("State", SideTab::State, [&] { state_panel(*doc, session.cursor()); });
  tab("Details", SideTab::Details, [&] { details_panel(*doc, session.selection(), dispatch); });
  tab("Lock graph", SideTab::LockGraph, [&] {
    if (graph_for_ != doc->serial) {
      graph_ = drawn_graph(doc->lock_graph);
      graph_for_ = doc->serial;
    }
    lock_graph_panel(*doc, graph_, session.selection().focus(), dispatch);
  });
  tab("Statistics", SideTab::Statistics, [&] { stats_panel(*doc, stats_order_); });
  ImGui::EndTabBar();
}

}  // namespace weft::viewer
