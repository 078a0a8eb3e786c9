#include "lock_walk.hpp"

#include "deadlock_watch.hpp"
#include "lock_tracker.hpp"

namespace weft::analysis::detail {

LockWalk walk_locks(const format::Trace& t) {
  LockTracker locks(t);
  LockOrderCollector order(t);
  DeadlockWatch deadlocks(t, locks);
  const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
    // Both read what is held before the event; then the tracker applies it.
    order.observe(locks, i, e);
    deadlocks.step(i, e);
    locks.step(i, e);
  };
  t.events.for_each(0, t.events.size(), visit);
  return {order.finish(), deadlocks.finish()};
}

}  // namespace weft::analysis::detail
