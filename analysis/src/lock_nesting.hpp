// Which locks each thread held when it took another: the one walk behind
// both views of lock order, the lock-order detector (lock_order.cpp: the
// cycles that are findings) and the lock graph the viewer draws
// (lock_graph.cpp: every edge). One walk, so the two can never disagree on
// what makes an edge "took B while holding A":
//  - a blocking attempt already shows the order (a deadlock can stop both
//    threads before either gets its second lock);
//  - an acquisition that cannot block forever shows none: a try, or a timed
//    attempt (std::lock and std::scoped_lock take every lock after the
//    first with try_lock and back off, which is how they avoid deadlock);
//  - a contended untimed acquisition was shown at its attempt, not again;
//  - re-taking a lock one holds (a recursive mutex) is no new order.
// What is held comes from the LockTracker, so a release by another thread
// (misuse) frees the lock for whoever held it, as everywhere else.
#pragma once

#include <cstdint>
#include <span>

#include "lock_tracker.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

// Whether `e` asks for a lock shared (a reader of a shared mutex).
inline bool takes_shared(const format::Event& e) {
  const format::Meaning& m = format::meaning(e.kind);
  return m.hold == format::HoldOp::TakesShared || m.wait.cause == format::WaitCause::LockShared;
}

// Whether an event of meaning `m` can be one lock_nesting_step reports: an
// acquisition, or the begin of a lock wait. Every other event passes at
// once, before any look-up.
inline bool takes_or_waits_for_lock(const format::Meaning& m) {
  return m.hold == format::HoldOp::Takes || m.hold == format::HoldOp::TakesShared ||
         (m.wait.op == format::WaitOp::Begins && format::is_lock_wait(m.wait.cause));
}

// Whether lock_nesting_step calls on_take for `e`, of meaning `m`, on a
// lock the thread does not hold: a blocking attempt, or an acquisition
// that happened.
inline bool takes_or_blocks_for(const format::Meaning& m, const format::Event& e) {
  const bool cannot_block = (e.flags & (format::kFlagTry | format::kFlagTimed)) != 0;
  const bool attempt = m.wait.op == format::WaitOp::Begins && format::is_lock_wait(m.wait.cause);
  const bool take =
      (m.hold == format::HoldOp::Takes || m.hold == format::HoldOp::TakesShared) && e.seq != format::kNoSeq;
  return (attempt && !cannot_block) || take;
}

// Calls on_take(index, event, held, adds_order) if `e`, event `index`, is
// an acquisition, or blocking attempt, of a lock the thread does not hold
// yet; `held` is what the thread holds at that moment, outermost first.
// adds_order says whether it shows an order (see above). Call before
// `locks` steps past the event.
template <class OnTake>
void lock_nesting_step(const LockTracker& locks, std::uint64_t i, const format::Event& e, OnTake&& on_take) {
  const format::Meaning& m = format::meaning(e.kind);
  if (!takes_or_waits_for_lock(m) || !locks.is_lock(e.object) || locks.holder(e.object, e.thread)) return;
  const bool cannot_block = (e.flags & (format::kFlagTry | format::kFlagTimed)) != 0;
  const bool attempt = m.wait.op == format::WaitOp::Begins && format::is_lock_wait(m.wait.cause);
  if (attempt && !cannot_block)
    on_take(i, e, locks.held_by(e.thread), true);
  else if (takes_or_blocks_for(m, e))
    on_take(i, e, locks.held_by(e.thread), !cannot_block && !(e.flags & format::kFlagContended));
}

}  // namespace weft::analysis::detail
