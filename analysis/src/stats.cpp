#include "weft/analysis/stats.hpp"

#include <algorithm>

namespace weft::analysis {

using format::EventKind;

Stats compute_stats(const Model& m) {
  const format::Trace& t = *m.trace;
  Stats s;
  std::map<std::uint32_t, LockStats> locks;
  std::map<std::uint32_t, std::pair<std::uint32_t, std::uint64_t>> holds;  // lock -> (depth, since ns)
  std::map<std::uint32_t, std::uint32_t> waiting;                          // lock -> threads waiting now

  for (std::uint32_t o = 1; o < t.objects.size(); ++o)
    if (t.objects[o].kind == format::ObjectKind::Mutex || t.objects[o].kind == format::ObjectKind::RecursiveMutex)
      locks[o].object = o;

  for (const format::Event& e : t.events) {
    const auto it = locks.find(e.object);
    if (it == locks.end()) continue;
    LockStats& l = it->second;
    switch (e.kind) {
      case EventKind::MutexLockBegin:
        l.max_waiters = std::max(l.max_waiters, ++waiting[e.object]);
        break;
      case EventKind::MutexTryFailed:
        if (e.flags & format::kFlagTimed && waiting[e.object] > 0) --waiting[e.object];
        break;
      case EventKind::MutexAcquired: {
        ++l.acquisitions;
        if (e.flags & format::kFlagContended) {
          ++l.contended;
          if (waiting[e.object] > 0) --waiting[e.object];
        }
        auto& [depth, since] = holds[e.object];
        if (depth++ == 0) since = e.time_ns;
        break;
      }
      case EventKind::MutexReleased: {
        auto h = holds.find(e.object);
        if (h == holds.end() || h->second.first == 0) break;
        if (e.seq == format::kNoSeq && !(e.flags & format::kFlagNotOwner)) break;
        if (--h->second.first == 0 || e.seq == format::kNoSeq) {
          const std::uint64_t held = e.time_ns - std::min(e.time_ns, h->second.second);
          l.hold_total_ns += held;
          l.hold_max_ns = std::max(l.hold_max_ns, held);
          h->second.first = 0;
        }
        break;
      }
      default: break;
    }
  }
  // Waits for locks come from the model's intervals (begin to acquired).
  for (const Wait& w : m.waits) {
    if (w.cause != WaitCause::Lock || !w.end) continue;
    const auto it = locks.find(w.object);
    if (it == locks.end()) continue;
    const std::uint64_t d = t.events[*w.end].time_ns - t.events[w.begin].time_ns;
    it->second.wait_total_ns += d;
    it->second.wait_max_ns = std::max(it->second.wait_max_ns, d);
  }
  for (auto& [o, l] : locks) s.locks.push_back(l);

  s.threads.resize(t.threads.size());
  for (std::uint32_t th = 0; th < t.threads.size(); ++th) {
    ThreadStats& ts = s.threads[th];
    ts.thread = th;
    const ThreadLife& life = m.lives[th];
    ts.lifetime_ns = life.end_ns - std::min(life.end_ns, life.start_ns);
  }
  for (const Wait& w : m.waits) {
    const std::uint64_t end = w.end ? t.events[*w.end].time_ns : m.lives[w.thread].end_ns;
    const std::uint64_t begin = t.events[w.begin].time_ns;
    s.threads[w.thread].blocked_ns[w.cause] += end - std::min(end, begin);
  }
  for (ThreadStats& ts : s.threads) {
    std::uint64_t blocked = 0;
    for (const auto& [cause, ns] : ts.blocked_ns) blocked += ns;
    ts.running_ns = ts.lifetime_ns - std::min(ts.lifetime_ns, blocked);
  }
  return s;
}

}  // namespace weft::analysis
