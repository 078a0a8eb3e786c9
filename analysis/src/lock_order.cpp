// Lock-order inversions: potential deadlocks, found whether or not the run
// deadlocked. Every acquisition of B while holding A adds the edge A -> B;
// a cycle in that graph means threads can each hold one lock of the cycle
// and wait for the next. Not findings: re-acquiring a recursive lock one
// holds; a cycle all of whose edges one thread took (it cannot wait on
// itself); a cycle whose every acquisition happened under one common "gate"
// lock outside the cycle (the rule of lockdep and ThreadSanitizer).
#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {

using format::EventKind;

struct Held {
  std::uint32_t lock;
  std::uint32_t site;
  std::uint32_t depth;
};

struct EdgeInfo {
  LockEdge first;                     // the first time it was taken
  std::set<std::uint32_t> threads;    // who took it
  std::set<std::uint32_t> guards;     // locks held every time it was taken (besides `from`)
  std::uint64_t count = 0;
};

bool is_lock(const format::Trace& t, std::uint32_t object) {
  if (object == 0 || object >= t.objects.size()) return false;
  const auto k = t.objects[object].kind;
  return k == format::ObjectKind::Mutex || k == format::ObjectKind::RecursiveMutex;
}

// Strongly connected components (Tarjan), iteratively keyed by lock id.
std::vector<std::vector<std::uint32_t>> components(const std::map<std::uint32_t, std::set<std::uint32_t>>& graph) {
  std::map<std::uint32_t, int> index, low;
  std::set<std::uint32_t> on_stack;
  std::vector<std::uint32_t> stack;
  std::vector<std::vector<std::uint32_t>> out;
  int counter = 0;
  std::function<void(std::uint32_t)> visit = [&](std::uint32_t v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack.insert(v);
    if (const auto it = graph.find(v); it != graph.end())
      for (std::uint32_t w : it->second) {
        if (!index.count(w)) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack.count(w)) {
          low[v] = std::min(low[v], index[w]);
        }
      }
    if (low[v] == index[v]) {
      std::vector<std::uint32_t> scc;
      std::uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack.erase(w);
        scc.push_back(w);
      } while (w != v);
      if (scc.size() > 1) out.push_back(std::move(scc));
    }
  };
  for (const auto& [v, succ] : graph)
    if (!index.count(v)) visit(v);
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

std::vector<Finding> find_lock_order_inversions(const format::Trace& t) {
  std::vector<std::vector<Held>> held(t.threads.size());
  std::map<std::pair<std::uint32_t, std::uint32_t>, EdgeInfo> edges;

  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (!is_lock(t, e.object) || e.thread >= held.size()) continue;
    // The order is shown by a blocking attempt already: a deadlock can stop
    // both threads before either gets its second lock. A timed or try
    // attempt shows none (it cannot wait forever).
    const bool blocking_attempt = e.kind == EventKind::MutexLockBegin && !(e.flags & format::kFlagTimed);
    if (e.seq == format::kNoSeq && !blocking_attempt) continue;
    std::vector<Held>& mine = held[e.thread];
    const auto same = [&](const Held& h) { return h.lock == e.object; };
    if (e.kind == EventKind::MutexAcquired || blocking_attempt) {
      if (const auto it = std::find_if(mine.begin(), mine.end(), same); it != mine.end()) {
        if (!blocking_attempt) ++it->depth;  // recursive re-acquisition: no new order
        continue;
      }
      // A contended untimed acquisition was recorded at its attempt.
      const bool recorded_at_attempt = !blocking_attempt && (e.flags & format::kFlagContended) &&
                                       !(e.flags & format::kFlagTimed);
      for (std::size_t k = 0; !recorded_at_attempt && k < mine.size(); ++k) {
        const Held& h = mine[k];
        EdgeInfo& edge = edges[{h.lock, e.object}];
        // The other locks held along: a gate lock is one held every time.
        const auto others = [&] {
          std::set<std::uint32_t> g;
          for (const Held& x : mine)
            if (x.lock != h.lock) g.insert(x.lock);
          return g;
        };
        if (edge.count++ == 0) {
          edge.first = LockEdge{h.lock, e.object, e.thread, i, e.site, h.site};
          edge.guards = others();
        } else if (!edge.guards.empty()) {  // once empty, it stays empty
          std::set<std::uint32_t> common;
          const std::set<std::uint32_t> now = others();
          std::set_intersection(edge.guards.begin(), edge.guards.end(), now.begin(), now.end(),
                                std::inserter(common, common.end()));
          edge.guards = std::move(common);
        }
        edge.threads.insert(e.thread);
      }
      if (!blocking_attempt) mine.push_back({e.object, e.site, 1});
    } else if (e.kind == EventKind::MutexReleased) {
      // A release by a thread that does not hold it (misuse) frees it for
      // whoever does.
      std::vector<Held>* owner_list = &mine;
      auto it = std::find_if(mine.begin(), mine.end(), same);
      if (it == mine.end())
        for (auto& other : held)
          if (auto o = std::find_if(other.begin(), other.end(), same); o != other.end()) {
            owner_list = &other;
            it = o;
            break;
          }
      if (it != owner_list->end() && --it->depth == 0) owner_list->erase(it);
    }
  }

  std::map<std::uint32_t, std::set<std::uint32_t>> graph;
  for (const auto& [key, edge] : edges) graph[key.first].insert(key.second);

  std::vector<Finding> out;
  for (const std::vector<std::uint32_t>& scc_list : components(graph)) {
    const std::set<std::uint32_t> scc(scc_list.begin(), scc_list.end());
    const std::vector<std::uint32_t> cycle = shortest_cycle(*scc.begin(), scc, graph);
    if (cycle.size() < 2) continue;
    Finding f;
    f.kind = FindingKind::LockOrderInversion;
    std::set<std::uint32_t> threads, guards;
    bool first = true;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cycle.size(); ++k) {
      const EdgeInfo& edge = edges.at({cycle[k], cycle[(k + 1) % cycle.size()]});
      f.cycle.push_back(edge.first);
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
    if (threads.size() < 2 || !guards.empty()) continue;       // one thread alone, or gated
    f.threads.assign(threads.begin(), threads.end());
    std::sort(f.events.begin(), f.events.end());
    f.about = join_sorted(names);
    f.title = "lock-order inversion between " + f.about + ": a potential deadlock";
    std::string how;
    for (const LockEdge& edge : f.cycle)
      how += (how.empty() ? "" : "; ") + thread_name(t, edge.thread) + " took " + object_name(t, edge.to) + " at " +
             site_text(t, edge.site) + " while holding " + object_name(t, edge.from) + " (taken at " +
             site_text(t, edge.held_site) + ")";
    f.explanation = "These locks are taken in an order that goes round in a circle: " + how +
                    ". If the threads do this at the same moment, each holds one lock and waits forever for the next: "
                    "a deadlock, whether or not this run had one. Take the locks in one fixed order everywhere.";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace weft::analysis
