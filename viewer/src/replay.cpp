#include "replay.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace weft::viewer {

namespace {

// Whether an interval [first, last] of events is under way after the first
// `applied` events: begun, and its last event not yet applied.
bool active(std::uint64_t first, std::uint64_t last, std::uint64_t applied) { return first < applied && last >= applied; }

// How many of `list` (indices into a store, sorted by `key`) have their key
// before `applied`, by binary search.
template <class Key>
std::size_t count_before(const std::vector<std::uint32_t>& list, std::uint64_t applied, Key key) {
  return static_cast<std::size_t>(
      std::partition_point(list.begin(), list.end(), [&](std::uint32_t k) { return key(k) < applied; }) - list.begin());
}

}  // namespace

std::vector<std::uint32_t> ReplayState::waiters_of(std::uint32_t object) const {
  std::vector<std::uint32_t> out;
  for (const auto& [thread, w] : waiting)
    if (w.object == object && object != 0) out.push_back(thread);
  return out;
}

Replayer::Replayer(const analysis::Model& model) : model_(&model) {
  const format::Trace& trace = *model.trace;
  waits_.resize(trace.threads.size());
  const analysis::Waits& waits = model.waits;
  if (waits.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("more waits than the replay can index: " + std::to_string(waits.size()));
  for (std::uint32_t k = 0; k < waits.size(); ++k)
    if (const std::uint32_t thread = waits[k].thread; thread < waits_.size()) waits_[thread].push_back(k);
  holds_.resize(trace.objects.size());
  const analysis::HoldStore& holds = model.state.holds;
  if (holds.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("more lock holds than the replay can index: " + std::to_string(holds.size()));
  for (std::uint32_t k = 0; k < holds.size(); ++k)
    if (const std::uint32_t lock = holds[k].lock; lock < holds_.size()) holds_[lock].push_back(k);
  readers_.resize(trace.objects.size());
  for (const analysis::Series& series : model.state.series)
    if (series.kind == analysis::SeriesKind::LockReaders && series.object < readers_.size())
      readers_[series.object] = &series;
}

const ReplayState& Replayer::seek(std::uint64_t cursor) {
  const format::Trace& trace = *model_->trace;
  cursor = std::min<std::uint64_t>(cursor, trace.events.size());
  ReplayState s;
  s.applied = cursor;

  for (std::uint32_t t = 0; t < model_->lives.size(); ++t) {
    const analysis::ThreadLife& life = model_->lives[t];
    if (life.end && *life.end < cursor)
      s.ended.insert(t);
    else if (life.first && *life.first < cursor)
      s.alive.insert(t);
    // Its latest wait begun so far, if it has not ended yet.
    const auto& waits = waits_[t];
    const analysis::Waits& all = model_->waits;
    const std::size_t n = count_before(waits, cursor, [&](std::uint32_t k) { return all[k].begin; });
    if (n == 0) continue;
    const analysis::Wait w = all[waits[n - 1]];
    if (active(w.begin, w.end.value_or(kNoEvent), cursor)) s.waiting[t] = Waiting{state_of(w.cause), w.object, w.begin};
  }

  for (std::uint32_t lock = 1; lock < holds_.size(); ++lock) {
    const auto& holds = holds_[lock];
    const analysis::HoldStore& all = model_->state.holds;
    const std::size_t n = static_cast<std::size_t>(
        std::partition_point(holds.begin(), holds.end(), [&](std::uint32_t k) { return all[k].first < cursor; }) -
        holds.begin());
    // At most one exclusive hold is under way: the latest begun, if it has
    // not ended. Shared ones may overlap: look back through them until as
    // many as the model counts at the cursor are found.
    const std::optional<analysis::Step> readers = readers_[lock] ? readers_[lock]->at_event(cursor) : std::nullopt;
    std::int64_t missing = readers ? readers->value : 0;
    for (std::size_t k = n; k-- > 0;) {
      const analysis::Hold h = all[holds[k]];
      const bool on = active(h.first, h.end == analysis::HoldEnd::Open ? kNoEvent : h.last, cursor);
      if (!h.shared) {
        if (on) s.holders[lock] = LockHolder{h.thread, 1, h.first};
        break;
      }
      if (missing <= 0) break;  // every reader under way found
      if (on) {
        s.readers[lock].push_back(LockHolder{h.thread, 1, h.first});
        --missing;
      }
    }
    if (auto& r = s.readers[lock]; r.empty())
      s.readers.erase(lock);
    else
      std::reverse(r.begin(), r.end());
  }

  for (const analysis::Series& series : model_->state.series) {
    const std::optional<analysis::Step> step = series.at_event(cursor);
    if (!step) continue;
    switch (series.kind) {
      case analysis::SeriesKind::QueueDepth: s.queue_depth[series.object] = step->value; break;
      case analysis::SeriesKind::SemaphoreValue: s.semaphore_value[series.object] = step->value; break;
      case analysis::SeriesKind::BarrierArrivals:
        s.barrier_arrived[series.object] = static_cast<std::uint32_t>(step->value);
        break;
      case analysis::SeriesKind::LockDepth:
        if (const auto it = s.holders.find(series.object); it != s.holders.end())
          it->second.depth = static_cast<std::uint64_t>(std::max<std::int64_t>(step->value, 1));
        break;
      case analysis::SeriesKind::LockWaiters:
      case analysis::SeriesKind::LockReaders: break;
    }
  }
  current_ = std::move(s);
  return current_;
}

}  // namespace weft::viewer
