// The viewer application: one per window. It owns the Session (the open
// trace, the view, the selection, the replay cursor: session.hpp) and the
// little state that is only ImGui's business (the path being typed, the side
// panel's tab, the timeline's gesture in progress). frame() issues the
// ImGui calls of one frame and is all the window loop calls; every change
// the user asks for goes through apply().
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "aggregate.hpp"
#include "command.hpp"
#include "document.hpp"
#include "layout.hpp"
#include "session.hpp"
#include "side_panel.hpp"
#include "timeline_input.hpp"

namespace weft::viewer {

class App {
 public:
  // Opens a trace; on failure keeps the current one and shows the message.
  bool open(const std::string& path);
  // Takes an already opened document (weft-view opens the command line's
  // trace before it creates a window, to fail without one).
  void adopt(std::unique_ptr<Document> doc);
  // Selects finding `index` (0-based): zooms to its events, highlights.
  void select_finding(std::size_t index) { apply(SelectFinding{index}); }
  void show_time(double begin_ns, double end_ns) { session_.show_time({begin_ns, end_ns}); }
  void frame(float width, float height, double dt_seconds);

  const Document* document() const { return session_.document(); }
  const std::string& error() const { return error_; }
  bool playing() const { return session_.document() && session_.cursor().playing(); }

 private:
  // Carries out a command and shows the side tab that explains it.
  void apply(const Command& command);
  void toolbar();
  void timeline(const ScreenLayout& l);

  Session session_;
  std::string error_;      // why the last open failed; empty once a trace opens
  char path_[1024] = {};   // the toolbar's path field
  SidePanel side_;
  TimelineGesture gesture_;      // the timeline's right drag in progress
  std::vector<LaneDraw> lane_draw_;  // a frame's draw data, reused: no allocation per frame
  bool arrows_ = true;           // draw causality arrows (a toolbar checkbox)
};

}  // namespace weft::viewer
