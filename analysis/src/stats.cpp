#include "weft/analysis/stats.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "weft/format/prefault.hpp"

namespace weft::analysis {

Stats compute_stats(const Model& m) {
  const format::Trace& t = *m.trace;
  Stats s;
  // Each lock's statistics, in object order; `of[o]`: object o's, or null
  // (looked up once per hold: millions, so not in a map).
  format::reserve_prefaulted(s.locks, t.lock_count());  // millions of locks: not grown by copying
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
  // Block by block (millions of holds): each block's frame is read once.
  m.state.holds.for_each(0, m.state.holds.size(), [&lock](std::size_t, const Hold& h) {
    LockStats* l = lock(h.lock);
    if (!l || h.end == HoldEnd::Open) return;
    const std::uint64_t held = h.end_ns - h.begin_ns;
    l->hold_total_ns += held;
    l->hold_max_ns = std::max(l->hold_max_ns, held);
  });
  for (const Series& series : m.state.series)
    if (series.kind == SeriesKind::LockWaiters)
      if (LockStats* l = lock(series.object)) l->max_waiters = static_cast<std::uint32_t>(series.peak);
  s.threads.resize(t.threads.size());
  for (std::uint32_t th = 0; th < t.threads.size(); ++th) {
    ThreadStats& ts = s.threads[th];
    ts.thread = th;
    const ThreadLife& life = m.lives[th];
    ts.lifetime_ns = life.end_ns - std::min(life.end_ns, life.start_ns);
  }
  // Each wait once, reading only its events' times: a contended trace has
  // a wait for every other event, and unpacking both events whole, in a
  // pass for the locks and another for the threads, with a map look-up
  // for each, was most of this.
  struct Blocked {
    std::array<std::uint64_t, format::kWaitCauseCount> ns{};
    std::array<bool, format::kWaitCauseCount> waited{};
  };
  std::vector<Blocked> blocked(t.threads.size());
  for (const Wait& w : m.waits) {
    const std::uint64_t begin = t.events.time_ns(w.begin);
    const std::uint64_t end = w.end ? t.events.time_ns(*w.end) : m.lives[w.thread].end_ns;
    const std::uint64_t d = end - std::min(end, begin);
    const auto cause = static_cast<std::size_t>(w.cause);
    blocked[w.thread].ns[cause] += d;
    blocked[w.thread].waited[cause] = true;
    if (!w.end || !format::is_lock_wait(w.cause)) continue;
    if (LockStats* l = lock(w.object)) {
      l->wait_total_ns += d;
      l->wait_max_ns = std::max(l->wait_max_ns, d);
    }
  }
  for (std::uint32_t th = 0; th < t.threads.size(); ++th)
    for (std::size_t c = 0; c < format::kWaitCauseCount; ++c)
      if (blocked[th].waited[c]) s.threads[th].blocked_ns[static_cast<WaitCause>(c)] = blocked[th].ns[c];
  for (ThreadStats& ts : s.threads) {
    std::uint64_t total = 0;
    for (const auto& [cause, ns] : ts.blocked_ns) total += ns;
    ts.running_ns = ts.lifetime_ns - std::min(ts.lifetime_ns, total);
  }
  return s;
}

}  // namespace weft::analysis
