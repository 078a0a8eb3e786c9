#include "replay_cursor.hpp"

#include <algorithm>

namespace weft::viewer {

ReplayCursor::ReplayCursor(const analysis::Model& model, const Timeline& timeline)
    : timeline_(&timeline), replayer_(model), size_(model.trace->events.size()) {
  seek(size_);
}

ReplayCursor::ReplayCursor(const analysis::Model& model, const Timeline& timeline, const ReplayIndex& index)
    : timeline_(&timeline), replayer_(model, index), size_(model.trace->events.size()) {
  seek(size_);
}

double ReplayCursor::time_ns() const {
  if (position_ == 0) return static_cast<double>(timeline_->begin_ns);
  return static_cast<double>(timeline_->time_prefix_max[position_ - 1]);
}

void ReplayCursor::seek(std::uint64_t position) {
  position_ = std::min(position, size_);
  replayer_.seek(position_);
}

void ReplayCursor::toggle_play() {
  playing_ = !playing_;
  if (playing_ && position_ >= size_) seek(0);
}

void ReplayCursor::advance(double dt_seconds, double visible_ns) {
  if (!playing_) return;
  const double target = time_ns() + dt_seconds * visible_ns / kPlaySeconds;
  std::uint64_t next = timeline_->first_event_at(static_cast<std::uint64_t>(std::max(0.0, target)));
  if (next <= position_) next = position_ + 1;
  seek(next);
  if (position_ >= size_) playing_ = false;
}

}  // namespace weft::viewer
