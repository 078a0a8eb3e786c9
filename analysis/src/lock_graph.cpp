#include "weft/analysis/lock_graph.hpp"

#include <map>
#include <utility>

#include "components.hpp"
#include "lock_order_edges.hpp"

namespace weft::analysis {

namespace detail {

LockGraph graph_of(const LockOrder& order) {
  LockGraph g;
  g.locks.assign(order.locks.begin(), order.locks.end());
  std::map<std::uint32_t, std::size_t> node;
  for (std::size_t k = 0; k < g.locks.size(); ++k) node[g.locks[k]] = k;
  std::vector<std::vector<std::size_t>> succ(g.locks.size());
  for (const auto& [key, edge] : order.edges) {
    LockGraphEdge out;
    out.from = key.first;
    out.to = key.second;
    out.count = edge.count;
    out.threads.assign(edge.threads.begin(), edge.threads.end());
    out.first_event = edge.first.event;
    succ[node[out.from]].push_back(node[out.to]);
    g.edges.push_back(std::move(out));
  }
  const std::vector<int> comp = components(g.locks.size(), succ);
  for (LockGraphEdge& edge : g.edges) edge.in_cycle = comp[node[edge.from]] == comp[node[edge.to]];
  return g;
}

}  // namespace detail

LockGraph lock_graph(const format::Trace& t) { return detail::graph_of(detail::collect_lock_order(t)); }

}  // namespace weft::analysis
