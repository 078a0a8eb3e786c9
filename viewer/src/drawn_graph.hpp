// Which part of the lock-order graph the Lock graph tab draws on its
// circle. Every lock a node is readable for a teaching program's handful,
// and neither readable nor drawable in a frame for a program of two
// million locks (it drew, and mapped, every one of them every frame).
// Past `at_most` locks the circle keeps the locks on a cycle first (what a
// lock-order finding is about), then those at either end of an edge, in
// the graph's order, up to `at_most`; a lock taken under no other and
// before none is left out. The edges drawn are those between drawn locks.
// The tab's table of edges still lists every edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/analysis/lock_graph.hpp"

namespace weft::viewer {

struct DrawnGraph {
  std::vector<std::uint32_t> locks;  // the nodes, a subsequence of LockGraph::locks
  std::vector<std::size_t> edges;    // positions in LockGraph::edges, both ends drawn
  std::size_t left_out = 0;          // locks of the graph not drawn
};

inline constexpr std::size_t kDrawnLocks = 64;

DrawnGraph drawn_graph(const analysis::LockGraph& g, std::size_t at_most = kDrawnLocks);

}  // namespace weft::viewer
