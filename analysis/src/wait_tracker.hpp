// Which wait each thread is in, event by event, read off the meaning table:
// a wait begins with an event whose wait role Begins (and applies to it),
// and ends with the next event of that thread on the same object whose role
// Ends the same cause (object_state.hpp says what happens when that end is
// missing). The model records every wait this way; the deadlock
// detector asks it who is blocked on what as it walks the trace.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/analysis/model.hpp"

namespace weft::analysis::detail {

class WaitTracker {
 public:
  // `anomalies`, if given, receives a WaitUnended for each wait whose end
  // is missing.
  WaitTracker(const format::Trace& trace, std::vector<Anomaly>* anomalies = nullptr)
      : open_(trace.threads.size(), kNone), anomalies_(anomalies) {}

  // Applies event `index`, which is `e` (call in trace order).
  void step(std::uint64_t index, const format::Event& e);

  // The wait `thread` is in (before the next step), or nullptr.
  const Wait* open(std::uint32_t thread) const {
    return thread < open_.size() && open_[thread] != kNone ? &waits_[open_[thread]] : nullptr;
  }
  // The wait the last step ended (by its end, or because it went on
  // without one), or nullptr.
  const Wait* just_ended() const { return ended_ != kNone ? &waits_[ended_] : nullptr; }

  const Waits& waits() const { return waits_; }
  Waits take_waits() { return std::move(waits_); }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};

  Waits waits_;                    // in order of their begin
  std::vector<std::size_t> open_;  // by thread: index into waits_
  std::size_t ended_ = kNone;
  std::vector<Anomaly>* anomalies_;
};

}  // namespace weft::analysis::detail
