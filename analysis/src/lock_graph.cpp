#include "weft/analysis/lock_graph.hpp"

#include <algorithm>
#include <utility>

#include "components.hpp"
#include "lock_order_edges.hpp"

namespace weft::analysis {

namespace detail {

LockGraph graph_of(const LockOrder& order) {
  LockGraph g;
  g.locks.assign(order.locks.begin(), order.locks.end());  // in increasing order, as the set keeps them
  // A lock's node is its place among the locks: found by a binary search,
  // not kept in a map of every lock (millions, with a lock per element of
  // an array). An edge's ends are locks taken, so among them; should one
  // not be, it is added.
  const auto known = [&g](std::uint32_t lock) { return std::binary_search(g.locks.begin(), g.locks.end(), lock); };
  std::vector<std::uint32_t> ends;
  for (const auto& [key, edge] : order.edges)
    for (const std::uint32_t lock : {key.first, key.second})
      if (!known(lock)) ends.push_back(lock);
  if (!ends.empty()) {
    g.locks.insert(g.locks.end(), ends.begin(), ends.end());
    std::sort(g.locks.begin(), g.locks.end());
    g.locks.erase(std::unique(g.locks.begin(), g.locks.end()), g.locks.end());
  }
  const auto node = [&g](std::uint32_t lock) {
    return static_cast<std::size_t>(std::lower_bound(g.locks.begin(), g.locks.end(), lock) - g.locks.begin());
  };
  std::vector<std::vector<std::size_t>> succ(g.locks.size());
  for (const auto& [key, edge] : order.edges) {
    LockGraphEdge out;
    out.from = key.first;
    out.to = key.second;
    out.count = edge.count;
    out.threads.assign(edge.threads.begin(), edge.threads.end());
    out.first_event = edge.first.event;
    succ[node(out.from)].push_back(node(out.to));
    g.edges.push_back(std::move(out));
  }
  const std::vector<int> comp = components(g.locks.size(), succ);
  for (LockGraphEdge& edge : g.edges) edge.in_cycle = comp[node(edge.from)] == comp[node(edge.to)];
  return g;
}

}  // namespace detail

LockGraph lock_graph(const format::Trace& t) { return detail::graph_of(detail::collect_lock_order(t)); }

}  // namespace weft::analysis
