#include "drawn_graph.hpp"

#include <algorithm>

namespace weft::viewer {

DrawnGraph drawn_graph(const analysis::LockGraph& g, std::size_t at_most) {
  DrawnGraph d;
  if (g.locks.size() <= at_most) {
    d.locks = g.locks;
  } else {
    // Two passes over the edges: the ends of cycle edges, then any ends,
    // each lock once, until there are enough.
    std::vector<std::uint32_t> picked;
    const auto pick = [&](std::uint32_t lock) {
      if (picked.size() < at_most && std::find(picked.begin(), picked.end(), lock) == picked.end())
        picked.push_back(lock);
    };
    for (const bool cycles_only : {true, false})
      for (const analysis::LockGraphEdge& e : g.edges) {
        if (picked.size() >= at_most) break;
        if (cycles_only && !e.in_cycle) continue;
        pick(e.from);
        pick(e.to);
      }
    // In the graph's order (by id), as every lock is when all are drawn.
    std::sort(picked.begin(), picked.end());
    d.locks = std::move(picked);
  }
  d.left_out = g.locks.size() - d.locks.size();
  for (std::size_t k = 0; k < g.edges.size(); ++k)
    if (std::binary_search(d.locks.begin(), d.locks.end(), g.edges[k].from) &&
        std::binary_search(d.locks.begin(), d.locks.end(), g.edges[k].to))
      d.edges.push_back(k);
  return d;
}

}  // namespace weft::viewer
