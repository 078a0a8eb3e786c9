#include "weft/analysis/stats.hpp"

#include <algorithm>

namespace weft::analysis {

Stats compute_stats(const Model& m) {
  const format::Trace& t = *m.trace;
  Stats s;
  std::map<std::uint32_t, LockStats> locks;
  for (std::uint32_t o = 1; o < t.objects.size(); ++o)
    if (format::object_meaning(t.objects[o].kind).lock) locks[o].object = o;

  // Acquisitions, as the model counted them in its walk (Takes).
  for (auto& [o, l] : locks)
    if (o < m.state.takes.size()) {
      l.acquisitions = m.state.takes[o].acquisitions;
      l.contended = m.state.takes[o].contended;
    }
  // Holds and waiters are the model's object state, waits its intervals.
  for (const Hold& h : m.state.holds) {
    const auto it = locks.find(h.lock);
    if (it == locks.end() || h.end == HoldEnd::Open) continue;
    const std::uint64_t held = h.end_ns - h.begin_ns;
    it->second.hold_total_ns += held;
    it->second.hold_max_ns = std::max(it->second.hold_max_ns, held);
  }
  for (const Series& series : m.state.series)
    if (series.kind == SeriesKind::LockWaiters)
      if (const auto it = locks.find(series.object); it != locks.end())
        it->second.max_waiters = static_cast<std::uint32_t>(series.peak);
  for (const Wait& w : m.waits) {
    if ((w.cause != WaitCause::Lock && w.cause != WaitCause::LockShared) || !w.end) continue;
    const auto it = locks.find(w.object);
    if (it == locks.end()) continue;
    const std::uint64_t d = t.events[*w.end].time_ns - std::min(t.events[*w.end].time_ns, t.events[w.begin].time_ns);
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
