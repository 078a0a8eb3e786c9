// Lock-order inversions: potential deadlocks, found whether or not the run
// deadlocked. Every acquisition of B while holding A adds the edge A -> B;
// a cycle in that graph means threads can each hold one lock of the cycle
// and wait for the next. Not findings: re-acquiring a recursive lock one
// holds; a cycle whose every acquisition happened under one common "gate"
// lock outside the cycle (the rule of lockdep and ThreadSanitizer). A cycle
// one thread took alone is one: that run cannot deadlock on it, but the two
// code paths can as soon as two threads run them, which is why lockdep,
// ThreadSanitizer and Helgrind all report it; the explanation says so. What
// makes an edge is decided by the walk the viewer's lock graph shares
// (lock_nesting.hpp). A cycle whose every edge is a shared hold taken while
// holding shared holds is not one either: readers do not wait for readers.
#include <algorithm>
#include <iterator>
#include <map>
#include <queue>
#include <set>
#include <span>
#include <vector>

#include "components.hpp"
#include "lock_nesting.hpp"
#include "lock_order_edges.hpp"
#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {

// The strongly connected components of the lock graph with more than one lock.
std::vector<std::set<std::uint32_t>> cycles_of(const std::map<std::uint32_t, std::set<std::uint32_t>>& graph) {
  std::vector<std::uint32_t> locks;
  std::map<std::uint32_t, std::size_t> node;
  const auto add = [&](std::uint32_t lock) {
    if (node.try_emplace(lock, locks.size()).second) locks.push_back(lock);
  };
  for (const auto& [from, to] : graph) {
    add(from);
    for (const std::uint32_t t : to) add(t);
  }
  std::vector<std::vector<std::size_t>> succ(locks.size());
  for (const auto& [from, to] : graph)
    for (const std::uint32_t t : to) succ[node[from]].push_back(node[t]);
  const std::vector<int> comp = detail::components(locks.size(), succ);
  std::map<int, std::set<std::uint32_t>> by_component;
  for (std::size_t k = 0; k < locks.size(); ++k) by_component[comp[k]].insert(locks[k]);
  std::vector<std::set<std::uint32_t>> out;
  for (auto& [c, members] : by_component)
    if (members.size() > 1) out.push_back(std::move(members));
  return out;
}

// The shortest cycle through `start` inside `scc` (by breadth-first search).
std::vector<std::uint32_t> shortest_cycle(std::uint32_t start, const std::set<std::uint32_t>& scc,
                                          const std::map<std::uint32_t, std::set<std::uint32_t>>& graph) {
  std::map<std::uint32_t, std::uint32_t> parent;
  std::queue<std::uint32_t> q;
  q.push(start);
  while (!q.empty()) {
    const std::uint32_t v = q.front();
    q.pop();
    const auto it = graph.find(v);
    if (it == graph.end()) continue;
    for (std::uint32_t w : it->second) {
      if (!scc.count(w)) continue;
      if (w == start) {
        std::vector<std::uint32_t> cycle{start};
        for (std::uint32_t x = v; x != start; x = parent[x]) cycle.insert(cycle.begin() + 1, x);
        return cycle;
      }
      if (!parent.count(w)) {
        parent[w] = v;
        q.push(w);
      }
    }
  }
  return {};
}

}  // namespace

namespace detail {

void LockOrderCollector::observe_take(const LockTracker& locks, std::uint64_t i, const format::Event& e) {
  lock_nesting_step(locks, i, e, [&](std::uint64_t, const format::Event& ev, std::span<const HeldLock> held,
                                     bool adds_order) {
    if (ev.object < taken_.size())
      taken_[ev.object] = true;
    else
      order_.locks.insert(ev.object);
    if (!adds_order) return;
    for (const HeldLock& h : held) {
      OrderEdge& edge = order_.edges[{h.lock, ev.object}];
      // The other locks held along: a gate lock is one held every time.
      const auto others = [&] {
        std::set<std::uint32_t> g;
        for (const HeldLock& x : held)
          if (x.lock != h.lock) g.insert(x.lock);
        return g;
      };
      if (edge.count++ == 0) {
        edge.first = LockEdge{h.lock, ev.object, ev.thread, i, ev.site, h.site};
        edge.guards = others();
      } else if (!edge.guards.empty()) {  // once empty, it stays empty
        std::set<std::uint32_t> common;
        const std::set<std::uint32_t> now = others();
        std::set_intersection(edge.guards.begin(), edge.guards.end(), now.begin(), now.end(),
                              std::inserter(common, common.end()));
        edge.guards = std::move(common);
      }
      edge.threads.insert(ev.thread);
      edge.all_shared = edge.all_shared && h.shared && takes_shared(ev);
    }
  });
}

LockOrder LockOrderCollector::finish() {
  // In increasing order: each goes in at the set's end (the hint), not
  // through a search (millions, with a lock per element of an array).
  for (std::uint32_t id = 0; id < taken_.size(); ++id)
    if (taken_[id]) order_.locks.insert(order_.locks.end(), id);
  return std::move(order_);
}

LockOrder collect_lock_order(const format::Trace& t) {
  LockOrderCollector order(t);
  LockTracker locks(t);
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event e = t.events[i];
    order.observe(locks, i, e);
    locks.step(i, e);
  }
  return order.finish();
}

std::vector<Finding> inversions_of(const format::Trace& t, const LockOrder& order) {
  const auto& edges = order.edges;
  std::map<std::uint32_t, std::set<std::uint32_t>> graph;
  for (const auto& [key, edge] : edges) graph[key.first].insert(key.second);

  std::vector<Finding> out;
  for (const std::set<std::uint32_t>& scc : cycles_of(graph)) {
    const std::vector<std::uint32_t> cycle = shortest_cycle(*scc.begin(), scc, graph);
    if (cycle.size() < 2) continue;
    Finding f;
    f.kind = FindingKind::LockOrderInversion;
    std::set<std::uint32_t> threads, guards;
    bool first = true, all_shared = true;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cycle.size(); ++k) {
      const OrderEdge& edge = edges.at({cycle[k], cycle[(k + 1) % cycle.size()]});
      f.cycle.push_back(edge.first);
      all_shared = all_shared && edge.all_shared;
      threads.insert(edge.threads.begin(), edge.threads.end());
      if (first) {
        guards = edge.guards;
        first = false;
      } else {
        std::set<std::uint32_t> common;
        std::set_intersection(guards.begin(), guards.end(), edge.guards.begin(), edge.guards.end(),
                              std::inserter(common, common.end()));
        guards = std::move(common);
      }
      names.push_back(object_name(t, cycle[k]));
      f.objects.push_back(cycle[k]);
      f.events.push_back(edge.first.event);
      f.sites.push_back(edge.first.held_site);
      f.sites.push_back(edge.first.site);
      f.count += edge.count - (k == 0 ? 1 : 0);
    }
    for (std::uint32_t member : cycle) guards.erase(member);  // a gate is outside the cycle
    if (!guards.empty() || all_shared) continue;  // gated, or readers only
    f.threads.assign(threads.begin(), threads.end());
    std::sort(f.events.begin(), f.events.end());
    f.about = join_sorted(names);
    f.title = "lock-order inversion between " + f.about + ": a potential deadlock";
    std::string how;
    for (const LockEdge& edge : f.cycle)
      how += (how.empty() ? "" : "; ") + thread_name(t, edge.thread) + " took " + object_name(t, edge.to) + " at " +
             site_text(t, edge.site) + " while holding " + object_name(t, edge.from) + " (taken at " +
             site_text(t, edge.held_site) + ")";
    const std::string danger =
        threads.size() < 2
            ? ". " + thread_name(t, *threads.begin()) +
                  " took every order of the circle itself, so this run could not deadlock on these locks; but two "
                  "threads running these paths at the same moment would each hold one lock and wait forever for the "
                  "next: a deadlock waiting for a second thread."
            : ". If the threads do this at the same moment, each holds one lock and waits forever for the next: "
              "a deadlock, whether or not this run had one.";
    f.explanation = "These locks are taken in an order that goes round in a circle: " + how + danger +
                    " Take the locks in one fixed order everywhere." + standard_library_note(t, f.sites);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace detail

std::vector<Finding> find_lock_order_inversions(const format::Trace& t) {
  return detail::inversions_of(t, detail::collect_lock_order(t));
}

}  // namespace weft::analysis
