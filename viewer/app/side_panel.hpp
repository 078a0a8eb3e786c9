// The side panel: a tab bar over the findings, the replay state, the
// selected event's details, the lock graph and the statistics.
#pragma once

#include <optional>

#include "panels.hpp"
#include "session.hpp"

namespace weft::viewer {

enum class SideTab { Findings, State, Details, LockGraph, Statistics };

// ImGui's tab bar keeps which tab is open and the user switches it; the
// panel only asks it, once, to show the tab that explains a selection.
// A request waits until the tab bar reaches that tab (this frame or the
// next: one made while drawing a later tab is not lost).
class SidePanel {
 public:
  void show(SideTab tab) { requested_ = tab; }
  void draw(const Session& session, const Dispatch& dispatch);

 private:
  std::optional<SideTab> requested_;
  // What the Lock graph and Statistics tabs keep between frames.
  std::uint64_t graph_for_ = 0;  // Document::serial graph_ was drawn from
  DrawnGraph graph_;
  StatsOrder stats_order_;
};

}  // namespace weft::viewer
