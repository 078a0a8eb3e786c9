// Contention statistics: per lock, how often it was taken, how often a
// thread had to wait for it, for how long, and how long it was held; per
// thread, how its life split between running and waiting, by cause.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "weft/analysis/model.hpp"

namespace weft::analysis {

struct LockStats {
  std::uint32_t object = 0;
  std::uint64_t acquisitions = 0;
  std::uint64_t contended = 0;        // had to wait
  std::uint64_t wait_total_ns = 0, wait_max_ns = 0;
  std::uint64_t hold_total_ns = 0, hold_max_ns = 0;  // outermost hold, lock to final unlock
  std::uint32_t max_waiters = 0;      // threads waiting at once
};

struct ThreadStats {
  std::uint32_t thread = 0;
  std::uint64_t lifetime_ns = 0;
  std::uint64_t running_ns = 0;       // lifetime minus every wait
  std::map<WaitCause, std::uint64_t> blocked_ns;  // by cause
};

struct Stats {
  std::vector<LockStats> locks;       // mutexes, by object id
  std::vector<ThreadStats> threads;   // by thread id
};

// From a model built with ModelDetail::Full: its object state has the
// holds, the series and each lock's takes; no event is read again.
Stats compute_stats(const Model& m);

}  // namespace weft::analysis
