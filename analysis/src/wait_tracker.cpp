#include "wait_tracker.hpp"

namespace weft::analysis::detail {

void WaitTracker::step(std::uint64_t index, const format::Event& e) {
  ended_ = kNone;
  if (e.thread >= open_.size()) return;
  const format::Meaning& meaning = format::meaning(e.kind);
  const format::WaitRole& role = meaning.wait;
  std::size_t& open = open_[e.thread];
  if (open != kNone) {
    Wait& w = waits_[open];
    if (role.op == format::WaitOp::Ends && w.cause == role.cause && w.object == e.object) {
      w.end = index;
      ended_ = open;
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
      w.end = index;
      ended_ = open;
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
  open = waits_.size();
  waits_.push_back(w);
}

}  // namespace weft::analysis::detail
