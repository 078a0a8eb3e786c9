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
      : open_(trace.threads.size(), kNone), anomalies_(anomalies), keep_(keep) {
    if (keep_ == Keep::Open) waits_.resize(trace.threads.size());  // a slot per thread
  }

  // Applies event `index`, which is `e` (call in trace order). Inline:
  // the model and the causal edges step every event.
  __attribute__((always_inline)) void step(std::uint64_t index, const format::Event& e);

  // The wait `thread` is in (before the next step), or nullptr.
  const Wait* open(std::uint32_t thread) const {
    return thread < open_.size() && open_[thread] != kNone ? &waits_[open_[thread]] : nullptr;
  }
  // The wait the last step ended (by its end, or because it went on
  // without one), or nullptr; and the one it began.
  const Wait* just_ended() const { return ended_ ? &ended_wait_ : nullptr; }
  const Wait* just_began() const { return began_ != kNone ? &waits_[began_] : nullptr; }

  // Every wait, in order of their begin (Keep::Every).
  Waits take_waits() { return std::move(waits_); }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};

  void end(Wait& w, std::uint64_t index) {
    w.end = index;
    ended_wait_ = w;
    ended_ = true;
  }

  Waits waits_;                    // Keep::Every: in order of their begin; Keep::Open: by thread
  std::vector<std::size_t> open_;  // by thread: index into waits_
  Wait ended_wait_;                // what just_ended() returns, when ended_
  bool ended_ = false;
  std::size_t began_ = kNone;
  std::vector<Anomaly>* anomalies_;
  Keep keep_;
};

__attribute__((always_inline)) inline void WaitTracker::step(std::uint64_t index, const format::Event& e) {
  ended_ = false;
  began_ = kNone;
  if (e.thread >= open_.size()) return;
  const format::Meaning& meaning = format::meaning(e.kind);
  const format::WaitRole& role = meaning.wait;
  std::size_t& open = open_[e.thread];
  if (open != kNone) {
    Wait& w = waits_[open];
    if (role.op == format::WaitOp::Ends && w.cause == role.cause && w.object == e.object) {
      end(w, index);
      open = kNone;
      return;
    }
    // A blocked thread records nothing but its wait's own events (the mutex
    // a condition wait gives up and takes back) and the runtime's news
    // (a signal, dropped events): anything else means the wait's end was
    // lost, and the wait ended there.
    const bool inside = (e.flags & format::kFlagCondition) || meaning.point == format::PointKind::Runtime ||
                        e.kind == format::EventKind::TsanReport;
    if (!inside) {
      end(w, index);
      open = kNone;
      if (anomalies_) anomalies_->push_back({index, w.object, e.thread, AnomalyKind::WaitUnended});
    }
  }
  // Waits the runtime refused (and threw for) never began.
  if (role.op != format::WaitOp::Begins || !format::applies(role.when, e)) return;
  Wait w;
  w.thread = e.thread;
  w.object = e.object;
  w.cause = role.cause;
  w.begin = index;
  w.timed = role.cause == WaitCause::Sleep || (e.flags & format::kFlagTimed) != 0;
  if (keep_ == Keep::Open) {
    open = e.thread;
    waits_[open] = w;
  } else {
    open = waits_.size();
    waits_.push_back(w);
  }
  began_ = open;
}

}  // namespace weft::analysis::detail
