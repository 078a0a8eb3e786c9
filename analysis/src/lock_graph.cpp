#include "weft/analysis/lock_graph.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "lock_nesting.hpp"

namespace weft::analysis {
namespace {

// Component number of every node (Tarjan, iterative: a trace may hold
// thousands of locks and the recursion depth is not ours to choose).
std::vector<int> components(std::size_t n, const std::vector<std::vector<std::size_t>>& succ) {
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  int counter = 0, comps = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<std::pair<std::size_t, std::size_t>> frames{{root, 0}};  // node, next successor
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      auto& [v, next] = frames.back();
      if (next < succ[v].size()) {
        const std::size_t w = succ[v][next++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.emplace_back(w, 0);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp[w] = comps;
        } while (w != v);
        ++comps;
      }
      const std::size_t done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
    }
  }
  return comp;
}

}  // namespace

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
  const std::vector<int> comp = components(g.locks.size(), succ);
  for (LockGraphEdge& edge : g.edges) edge.in_cycle = comp[node[edge.from]] == comp[node[edge.to]];
  return g;
}

}  // namespace weft::analysis
