#include "weft/analysis/lock_graph.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace weft::analysis {
namespace {

using format::EventKind;

bool is_lock(const format::Trace& t, std::uint32_t object) {
  if (object == 0 || object >= t.objects.size()) return false;
  const auto k = t.objects[object].kind;
  return k == format::ObjectKind::Mutex || k == format::ObjectKind::RecursiveMutex;
}

struct Held {
  std::uint32_t lock;
  std::uint32_t depth;
};

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
  std::vector<std::vector<Held>> held(t.threads.size());
  std::map<std::pair<std::uint32_t, std::uint32_t>, LockGraphEdge> edges;
  std::set<std::uint32_t> locks;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::set<std::uint32_t>> threads;

  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (!is_lock(t, e.object) || e.thread >= held.size()) continue;
    // As in lock_order.cpp: a blocking attempt already shows the order (a
    // deadlock stops both threads before their second lock); a contended
    // untimed acquisition was counted at its attempt.
    const bool blocking_attempt = e.kind == EventKind::MutexLockBegin && !(e.flags & format::kFlagTimed);
    if (e.seq == format::kNoSeq && !blocking_attempt) continue;
    std::vector<Held>& mine = held[e.thread];
    const auto same = [&](const Held& h) { return h.lock == e.object; };
    if (e.kind == EventKind::MutexAcquired || blocking_attempt) {
      locks.insert(e.object);
      if (const auto it = std::find_if(mine.begin(), mine.end(), same); it != mine.end()) {
        if (!blocking_attempt) ++it->depth;
        continue;
      }
      const bool recorded_at_attempt = !blocking_attempt && (e.flags & format::kFlagContended) &&
                                       !(e.flags & format::kFlagTimed);
      if (!recorded_at_attempt)
        for (const Held& h : mine) {
          LockGraphEdge& edge = edges[{h.lock, e.object}];
          if (edge.count++ == 0) {
            edge.from = h.lock;
            edge.to = e.object;
            edge.first_event = i;
          }
          threads[{h.lock, e.object}].insert(e.thread);
        }
      if (!blocking_attempt) mine.push_back({e.object, 1});
    } else if (e.kind == EventKind::MutexReleased) {
      // A release by a non-owner frees the lock for whoever holds it.
      std::vector<Held>* owner = &mine;
      auto it = std::find_if(mine.begin(), mine.end(), same);
      if (it == mine.end())
        for (auto& other : held)
          if (auto o = std::find_if(other.begin(), other.end(), same); o != other.end()) {
            owner = &other;
            it = o;
            break;
          }
      if (it != owner->end() && --it->depth == 0) owner->erase(it);
    }
  }

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
