// The viewer application's state and its per-frame UI: the toolbar, the
// timeline and the side panel (findings, replay state, event details, lock
// graph, statistics). One App per window; frame() issues the ImGui calls of
// one frame and is all the window loop calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aggregate.hpp"
#include "document.hpp"
#include "focus.hpp"
#include "layout.hpp"
#include "replay.hpp"
#include "viewport.hpp"

namespace weft::viewer {

enum class SideTab { Findings, State, Details, LockGraph, Statistics };

struct SpanRef {
  std::size_t lane = 0;
  std::size_t span = 0;
};

class App {
 public:
  // Opens a trace; on failure keeps the current one and shows the message.
  bool open(const std::string& path);
  // Takes an already opened document (weft-view opens the command line's
  // trace before it creates a window, to fail without one).
  void adopt(std::unique_ptr<Document> doc);
  // Selects finding `index` (0-based): zooms to its events, highlights.
  void select_finding(std::size_t index);
  void show_time(double begin_ns, double end_ns);
  void frame(float width, float height, double dt_seconds);

  const Document* document() const { return doc_.get(); }
  const std::string& error() const { return error_; }

  // What the drawing code shares (app.cpp, timeline_view.cpp, panels.cpp).
  std::unique_ptr<Document> doc_;
  std::string error_;
  Viewport view_;
  bool fit_pending_ = true;   // fit the whole trace once the canvas size is known
  std::optional<std::pair<double, double>> show_pending_;  // a time range to show once laid out
  float scroll_ = 0;
  char path_[1024] = {};

  std::optional<std::size_t> finding_;
  Focus focus_;
  std::optional<std::uint64_t> selected_event_;
  std::optional<SpanRef> selected_span_;
  std::optional<SpanRef> hovered_span_;   // for "who unblocked me"
  SideTab tab_ = SideTab::Findings;
  bool tab_forced_ = false;               // make the next frame switch to tab_

  std::uint64_t cursor_ = 0;              // replay: events applied
  bool playing_ = false;
  double play_seconds_ = 10;              // time to play the visible range
  std::unique_ptr<Replayer> replayer_;

  std::optional<double> select_from_;     // time-range selection being dragged
  std::optional<std::pair<double, double>> selection_;
  bool arrows_ = true;
  std::vector<LaneDraw> frame_draw_;

  double cursor_time() const;
  void set_cursor(std::uint64_t cursor);
  void select_event(std::uint64_t index);

 private:
  void toolbar(const Rect& r, double dt);
  void timeline(const ScreenLayout& l);
  void side_panel(const Rect& r);
  void findings_panel();
  void state_panel();
  void details_panel();
  void lock_graph_panel();
  void stats_panel();
};

}  // namespace weft::viewer
