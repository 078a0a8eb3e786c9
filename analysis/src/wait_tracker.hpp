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
  // What it keeps: every wait (the model's), or only those open now (the
  // causal edges ask only who waits in what: keeping the rest would be a
  // second copy of the model's waits, written for nothing).
  enum class Keep { Every, Open };

  // `anomalies`, if given, receives a WaitUnended for each wait whose end
  // is missing.
  explicit WaitTracker(const format::Trace& trace, std::vector<Anomaly>* anomalies = nullptr, Keep keep = Keep::Every)
      : open_(trace.threads.size(), kNone), open_wait_(trace.threads.size()), anomalies_(anomalies), keep_(keep) {}

  // Applies event `index`, which is `e` (call in trace order). Inline:
  // the model and the causal edges step every event.
  __attribute__((always_inline)) void step(std::uint64_t index, const format::Event& e);

  // The wait `thread` is in (before the next step), or nullptr.
  const Wait* open(std::uint32_t thread) const {
    return thread < open_.size() && open_[thread] != kNone ? &open_wait_[thread] : nullptr;
  }
  // The wait the last step ended (by its end, or because it went on
  // without one), or nullptr; and the one it began.
  const Wait* just_ended() const { return ended_ ? &ended_wait_ : nullptr; }
  const Wait* just_began() const { return began_ != kNone ? &open_wait_[began_] : nullptr; }

  // Every wait, in order of their begin (Keep::Every).
  Waits take_waits() {
    waits_.seal();
    return std::move(waits_);
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};

  // Ends the wait `thread` is in at event `index`.
  void end(std::uint32_t thread, std::uint64_t index) {
    Wait& w = open_wait_[thread];
    w.end = index;
    // Usually among the latest waits, not yet in a block: a plain write.
    if (keep_ == Keep::Every) waits_.modify(open_[thread], [index](Wait& kept) { kept.end = index; });
    ended_wait_ = w;
    ended_ = true;
    open_[thread] = kNone;
  }

  Waits waits_;                    // Keep::Every: in order of their begin
  std::vector<std::size_t> open_;  // by thread: its open wait's index in waits_ (Keep::Open: 0), or kNone
  std::vector<Wait> open_wait_;    // by thread: its open wait (while open_ says there is one)
  Wait ended_wait_;                // what just_ended() returns, when ended_
  bool ended_ = false;
  std::size_t began_ = kNone;      // the thread whose wait the last step began
  std::vector<Anomaly>* anomalies_;
  Keep keep_;
};

__attribute__((always_inline)) inline void WaitTracker::step(std::uint64_t index, const format::Event& e) {
  ended_ = false;
  began_ = kNone;
  if (e.thread >= open_.size()) return;
  const format::Meaning& meaning = format::meaning(e.kind);
  const format::WaitRole& role = meaning.wait;
  if (open_[e.thread] != kNone) {
    const Wait& w = open_wait_[e.thread];
    if (role.op == format::WaitOp::Ends && w.cause == role.cause && w.object == e.object) {
      end(e.thread, index);
      return;
    }
    // A blocked thread records nothing but its wait's own events (the mutex
    // a condition wait gives up and takes back) and the runtime's news
    // (a signal, dropped events): anything else means the wait's end was
    // lost, and the wait ended there.
    const bool inside = (e.flags & format::kFlagCondition) || meaning.point == format::PointKind::Runtime ||
                        e.kind == format::EventKind::TsanReport;
    if (!inside) {
      const std::uint32_t object = w.object;
      end(e.thread, index);
      if (anomalies_) anomalies_->push_back({index, object, e.thread, AnomalyKind::WaitUnended});
    }
  }
  // Waits the runtime refused (and threw for) never began.
  if (role.op != format::WaitOp::Begins || !format::applies(role.when, e)) return;
  Wait& w = open_wait_[e.thread];
  w.thread = e.thread;
  w.object = e.object;
  w.cause = role.cause;
  w.begin = index;
  w.timed = role.cause == WaitCause::Sleep || (e.flags & format::kFlagTimed) != 0;
  w.end = std::nullopt;
  if (keep_ == Keep::Open) {
    open_[e.thread] = 0;
  } else {
    open_[e.thread] = waits_.size();
    waits_.push_back(w);
  }
  began_ = e.thread;
}

}  // namespace weft::analysis::detail
