// The replay cursor: how many of the trace's events have happened, the
// state they leave (a Replayer's), and playback, which moves the cursor on
// by time as frames pass.
#pragma once

#include <cstdint>

#include "replay.hpp"
#include "timeline.hpp"
#include "weft/analysis/model.hpp"

namespace weft::viewer {

// Always true of a ReplayCursor:
//  - 0 <= position() <= size(): the cursor stays within the trace;
//  - state() is the state after the first position() events;
//  - time_ns() is the time of the cursor: the latest time among the events
//    applied (event times may step back across threads), or the start of
//    the timeline before the first event.
// Playback stops by itself when it reaches the end; playing from the end
// starts over from the beginning.
class ReplayCursor {
 public:
  // At the end of the trace: what the run left behind. The model (and its
  // trace) and the timeline must outlive the cursor (they live in the Document).
  ReplayCursor(const analysis::Model& model, const Timeline& timeline);
  // The same, reading a replay index built beforehand (Document::replay_index),
  // which must outlive the cursor too.
  ReplayCursor(const analysis::Model& model, const Timeline& timeline, const ReplayIndex& index);

  std::uint64_t position() const { return position_; }
  std::uint64_t size() const { return size_; }
  double time_ns() const;
  const ReplayState& state() const { return replayer_.state(); }
  bool playing() const { return playing_; }

  void seek(std::uint64_t position);  // clamped to [0, size()]
  void step_back() { seek(position_ > 0 ? position_ - 1 : 0); }
  void step_forward() { seek(position_ + 1); }
  void toggle_play();
  // One frame of playback, `dt_seconds` long: the cursor moves on by the
  // time that plays `visible_ns` (what the view shows) in kPlaySeconds,
  // whatever the zoom, and by at least one event (slow stretches of one
  // event still move). Does nothing when not playing.
  void advance(double dt_seconds, double visible_ns);

  static constexpr double kPlaySeconds = 10;  // to play the visible range

 private:
  const Timeline* timeline_;
  Replayer replayer_;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
  bool playing_ = false;
};

}  // namespace weft::viewer
