// Which locks each thread held when it took another: the one walk behind
// both views of lock order, the lock-order detector (lock_order.cpp: the
// cycles that are findings) and the lock graph the viewer draws
// (lock_graph.cpp: every edge). One walk, so the two can never disagree on
// what makes an edge "took B while holding A":
//  - a blocking attempt already shows the order (a deadlock can stop both
//    threads before either gets its second lock); a try or timed attempt
//    shows none, it cannot wait forever;
//  - a contended untimed acquisition was shown at its attempt, not again;
//  - re-taking a recursive lock one holds is no new order;
//  - a release by a thread that does not hold the lock (misuse) frees it
//    for whoever does.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

struct HeldLock {
  std::uint32_t lock;
  std::uint32_t site;   // where it was taken
  std::uint32_t depth;  // recursive acquisitions
};

inline bool is_lock(const format::Trace& t, std::uint32_t object) {
  if (object == 0 || object >= t.objects.size()) return false;
  const auto k = t.objects[object].kind;
  return k == format::ObjectKind::Mutex || k == format::ObjectKind::RecursiveMutex;
}

// Calls on_take(index, event, held, adds_order) for every acquisition, or
// blocking attempt, of a lock the thread does not hold yet; `held` is what
// the thread holds at that moment, outermost first. adds_order is false for
// a contended acquisition whose attempt was reported already.
template <class OnTake>
void walk_lock_nesting(const format::Trace& t, OnTake&& on_take) {
  using format::EventKind;
  std::vector<std::vector<HeldLock>> held(t.threads.size());
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (!is_lock(t, e.object) || e.thread >= held.size()) continue;
    const bool blocking_attempt = e.kind == EventKind::MutexLockBegin && !(e.flags & format::kFlagTimed);
    if (e.seq == format::kNoSeq && !blocking_attempt) continue;
    std::vector<HeldLock>& mine = held[e.thread];
    const auto same = [&](const HeldLock& h) { return h.lock == e.object; };
    if (e.kind == EventKind::MutexAcquired || blocking_attempt) {
      if (const auto it = std::find_if(mine.begin(), mine.end(), same); it != mine.end()) {
        if (!blocking_attempt) ++it->depth;
        continue;
      }
      const bool shown_at_attempt =
          !blocking_attempt && (e.flags & format::kFlagContended) && !(e.flags & format::kFlagTimed);
      on_take(i, e, std::span<const HeldLock>(mine), !shown_at_attempt);
      if (!blocking_attempt) mine.push_back({e.object, e.site, 1});
    } else if (e.kind == EventKind::MutexReleased) {
      std::vector<HeldLock>* owner = &mine;
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
}

}  // namespace weft::analysis::detail
