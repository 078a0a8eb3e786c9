// The lock-order edges of a trace, collected by one walk (lock_nesting.hpp)
// for both their readers: the lock-order detector (lock_order.cpp: the
// cycles that are findings) and the lock graph the viewer draws
// (lock_graph.cpp: every edge). `weft check` in the viewer walks once and
// hands out both (check.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "lock_nesting.hpp"
#include "weft/analysis/finding.hpp"
#include "weft/analysis/lock_graph.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

// Every "took `to` while holding `from`".
struct OrderEdge {
  LockEdge first;                     // the first time it was taken
  std::set<std::uint32_t> threads;    // who took it
  std::set<std::uint32_t> guards;     // locks held every time it was taken (besides `from`)
  std::uint64_t count = 0;
  bool all_shared = true;             // every time: a shared hold taken while holding `from` shared
};

struct LockOrder {
  std::map<std::pair<std::uint32_t, std::uint32_t>, OrderEdge> edges;  // by (from, to)
  std::set<std::uint32_t> locks;      // every lock taken (or waited for), with an edge or not
};

// Collects the edges event by event, beside a walk that steps a
// LockTracker of its own: collect_lock_order's, or the check's, which the
// deadlock finder shares (lock_walk.hpp).
class LockOrderCollector {
 public:
  explicit LockOrderCollector(const format::Trace& t) : taken_(t.objects.size(), false) {}
  // Event `i`, before `locks` steps past it. Inline: the walk passes every
  // event here, and only an acquisition or a lock wait's begin can add a
  // lock or an order (lock_nesting.hpp).
  __attribute__((always_inline)) void observe(const LockTracker& locks, std::uint64_t i, const format::Event& e) {
    const format::Meaning& m = format::meaning(e.kind);
    if (!takes_or_waits_for_lock(m)) return;
    // A thread that holds nothing (so not this lock either) adds no order:
    // only the lock is noted as taken, here, without the calls (a lock
    // loop's every acquisition).
    if (locks.held_by(e.thread).empty() && e.object < taken_.size()) {
      if (locks.is_lock(e.object) && takes_or_blocks_for(m, e)) taken_[e.object] = true;
      return;
    }
    observe_take(locks, i, e);
  }
  LockOrder finish();

 private:
  void observe_take(const LockTracker& locks, std::uint64_t i, const format::Event& e);

  LockOrder order_;
  // Every acquisition is a lock taken: marked by id here (a set insertion
  // per acquisition was most of a lock loop's walk), listed by finish().
  std::vector<bool> taken_;
};

LockOrder collect_lock_order(const format::Trace& t);                                 // lock_order.cpp
std::vector<Finding> inversions_of(const format::Trace& t, const LockOrder& order);   // lock_order.cpp
LockGraph graph_of(const LockOrder& order);                                           // lock_graph.cpp

}  // namespace weft::analysis::detail
