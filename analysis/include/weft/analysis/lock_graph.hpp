// The lock-order graph, for display: locks as nodes, an edge A -> B for
// every "took B while holding A", and which edges lie on a cycle. The edges
// are the lock-order detector's (src/lock_order_edges.hpp), but this is the
// whole graph rather than only the cycles that are findings: the viewer
// draws it so that a learner sees the order their locks are taken in.
// check() hands it out from the detector's own walk (check.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::analysis {

struct LockGraphEdge {
  std::uint32_t from = 0;             // the lock held
  std::uint32_t to = 0;               // the lock taken while holding it
  std::uint64_t count = 0;            // how many times
  std::vector<std::uint32_t> threads; // who took it, sorted
  std::uint64_t first_event = 0;      // the first acquisition (or blocking attempt) of `to`
  bool in_cycle = false;              // both ends are in one strongly connected component
};

struct LockGraph {
  std::vector<std::uint32_t> locks;   // every mutex that was taken, by id
  std::vector<LockGraphEdge> edges;   // by (from, to)
};

LockGraph lock_graph(const format::Trace& trace);

}  // namespace weft::analysis
