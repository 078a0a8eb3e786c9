#include "weft/analysis/lock_graph.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "components.hpp"
#include "lock_nesting.hpp"

namespace weft::analysis {

LockGraph lock_graph(const format::Trace& t) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, LockGraphEdge> edges;
  std::set<std::uint32_t> locks;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::set<std::uint32_t>> threads;
  detail::walk_lock_nesting(t, [&](std::uint64_t i, const format::Event& e, std::span<const detail::HeldLock> held,
                                   bool adds_order) {
    locks.insert(e.object);
    if (!adds_order) return;
    for (const detail::HeldLock& h : held) {
      LockGraphEdge& edge = edges[{h.lock, e.object}];
      if (edge.count++ == 0) {
        edge.from = h.lock;
        edge.to = e.object;
        edge.first_event = i;
      }
      threads[{h.lock, e.object}].insert(e.thread);
    }
  });

  LockGraph g;
  g.locks.assign(locks.begin(), locks.end());
  std::map<std::uint32_t, std::size_t> node;
  for (std::size_t k = 0; k < g.locks.size(); ++k) node[g.locks[k]] = k;
  std::vector<std::vector<std::size_t>> succ(g.locks.size());
  for (auto& [key, edge] : edges) {
    const auto& who = threads[key];
    edge.threads.assign(who.begin(), who.end());
    succ[node[edge.from]].push_back(node[edge.to]);
    g.edges.push_back(std::move(edge));
  }
  const std::vector<int> comp = detail::components(g.locks.size(), succ);
  for (LockGraphEdge& edge : g.edges) edge.in_cycle = comp[node[edge.from]] == comp[node[edge.to]];
  return g;
}

}  // namespace weft::analysis
