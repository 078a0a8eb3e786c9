#include "weft/analysis/stats.hpp"

#include <algorithm>
#include <vector>

namespace weft::analysis {

Stats compute_stats(const Model& m) {
  const format::Trace& t = *m.trace;
  Stats s;
  // Each lock's statistics, in object order; `of[o]`: object o's, or null
  // (looked up once per hold: millions, so not in a map).
  for (std::uint32_t o = 1; o < t.objects.size(); ++o)
    if (format::object_meaning(t.objects[o].kind).lock) s.locks.emplace_back().object = o;
  std::vector<LockStats*> of(t.objects.size(), nullptr);
  for (LockStats& l : s.locks) of[l.object] = &l;
  const auto lock = [&of](std::uint32_t o) { return o < of.size() ? of[o] : nullptr; };

  // Acquisitions, as the model counted them in its walk (Takes).
  for (LockStats& l : s.locks)
    if (l.object < m.state.takes.size()) {
      l.acquisitions = m.state.takes[l.object].acquisitions;
      l.contended = m.state.takes[l.object].contended;
    }
  // Holds and waiters are the model's object state, waits its intervals.
  for (const Hold& h : m.state.holds) {
    LockStats* l = lock(h.lock);
    if (!l || h.end == HoldEnd::Open) continue;
    const std::uint64_t held = h.end_ns - h.begin_ns;
    l->hold_total_ns += held;
    l->hold_max_ns = std::max(l->hold_max_ns, held);
  }
  for (const Series& series : m.state.series)
    if (series.kind == SeriesKind::LockWaiters)
      if (LockStats* l = lock(series.object)) l->max_waiters = static_cast<std::uint32_t>(series.peak);
  for (const Wait& w : m.waits) {
    if (!format::is_lock_wait(w.cause) || !w.end) continue;
    LockStats* l = lock(w.object);
    if (!l) continue;
    const std::uint64_t d = t.events[*w.end].time_ns - std::min(t.events[*w.end].time_ns, t.events[w.begin].time_ns);
    l->wait_total_ns += d;
    l->wait_max_ns = std::max(l->wait_max_ns, d);
  }

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
