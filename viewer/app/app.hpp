// The viewer application: one per window. It owns the Session (the open
// trace, the view, the selection, the replay cursor: session.hpp) and the
// little state that is only ImGui's business (the path being typed, the side
// panel's tab, the timeline's gesture in progress). frame() issues the
// ImGui calls of one frame and is all the window loop calls; every change
// the user asks for goes through apply().
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aggregate.hpp"
#include "async_load.hpp"
#include "command.hpp"
#include "document.hpp"
#include "layout.hpp"
#include "session.hpp"
#include "side_panel.hpp"
#include "timeline_input.hpp"

namespace weft::viewer {

class App {
 public:
  // What to do once a load has finished: with the document just adopted
  // (then document() is it), or with the load's one-line error.
  using LoadDone = std::function<void(App& app, const std::string& error)>;

  // Starts opening a trace (or a run's traces) on a worker thread, in
  // place of any load under way (which is cancelled); the timeline shows
  // its progress meanwhile. When it finishes, on the frame after: its
  // document replaces the current one, or its error shows in the toolbar
  // and the current document stays. Then `done`, if given.
  void open(std::vector<std::string> paths, LoadDone done = {});
  void open(const std::string& path) { open(std::vector<std::string>{path}); }
  // Takes an already opened document (weft-view opens the command line's
  // trace before it creates a window when it takes a screenshot).
  void adopt(std::unique_ptr<Document> doc);
  // A load under way (or finished, not yet adopted).
  bool loading() const { return load_ != nullptr; }
  // Stops a load under way: waits at most for the part it is doing.
  void cancel_load() {
    load_.reset();
    load_done_ = nullptr;
  }
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
  // Adopts the finished load's document or shows its error.
  void finish_load();
  void load_progress(const ScreenLayout& l);

  Session session_;
  std::string error_;      // why the last open failed; empty once a trace opens
  char path_[1024] = {};   // the toolbar's path field
  SidePanel side_;
  TimelineGesture gesture_;      // the timeline's right drag in progress
  std::vector<LaneDraw> lane_draw_;  // a frame's draw data, reused: no allocation per frame
  std::vector<std::size_t> visible_lanes_;  // this frame's lanes on screen, reused
  std::vector<const analysis::CausalEdge*> arrow_pick_;  // this frame's arrows, reused
  static constexpr std::size_t kArrowsPerPixel = 2;
  std::unique_ptr<AsyncLoad> load_;  // the load under way, if any
  LoadDone load_done_;
  bool arrows_ = true;           // draw causality arrows (a toolbar checkbox)
};

}  // namespace weft::viewer
