// The check's one walk for the two detectors that ask who holds what before
// each event: the lock-order collector (lock_order_edges.hpp) and the
// deadlock watch (deadlock_watch.hpp), sharing one LockTracker. On a
// contended trace every event is a lock event: one walk and one tracker
// where there were two.
#pragma once

#include <vector>

#include "lock_order_edges.hpp"
#include "weft/analysis/finding.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

struct LockWalk {
  LockOrder order;                 // every "took B while holding A"
  std::vector<Finding> deadlocks;  // as find_deadlocks reports them
};

LockWalk walk_locks(const format::Trace& t);

}  // namespace weft::analysis::detail
