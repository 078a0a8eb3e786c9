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

// The series that hold a value the State tab lists.
bool counts_value(analysis::SeriesKind kind) {
  return kind == analysis::SeriesKind::QueueDepth || kind == analysis::SeriesKind::SemaphoreValue ||
         kind == analysis::SeriesKind::BarrierArrivals;
}

// `object`'s series of `kind`, by binary search: the model keeps them by
// object, then kind.
const analysis::Series* series_of(const std::vector<analysis::Series>& series, std::uint32_t object,
                                  analysis::SeriesKind kind) {
  const auto it = std::partition_point(series.begin(), series.end(), [&](const analysis::Series& x) {
    return x.object < object || (x.object == object && x.kind < kind);
  });
  return it != series.end() && it->object == object && it->kind == kind ? &*it : nullptr;
}

}  // namespace

std::vector<std::uint32_t> ReplayState::waiters_of(std::uint32_t object) const {
  std::vector<std::uint32_t> out;
  for (const auto& [thread, w] : waiting)
    if (w.object == object && object != 0) out.push_back(thread);
  return out;
}

ReplayIndex::ReplayIndex(const analysis::Model& model) : holds(model.state.holds) {
  const format::Trace& trace = *model.trace;
  waits.resize(trace.threads.size());
  const analysis::Waits& all = model.waits;
  if (all.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("more waits than the replay can index: " + std::to_string(all.size()));
  for (std::uint32_t k = 0; k < all.size(); ++k)
    if (const std::uint32_t thread = all[k].thread; thread < waits.size()) waits[thread].push_back(k);
  for (std::uint32_t k = 0; k < model.state.series.size(); ++k) {
    const analysis::SeriesKind kind = model.state.series[k].kind;
    if (!counts_value(kind)) continue;
    values.push_back(k);
    std::size_t& count = kind == analysis::SeriesKind::QueueDepth       ? queues
                         : kind == analysis::SeriesKind::SemaphoreValue ? semaphores
                                                                        : barriers;
    ++count;
  }
}

Replayer::Replayer(const analysis::Model& model)
    : model_(&model), own_index_(std::make_unique<const ReplayIndex>(model)), index_(own_index_.get()) {}

Replayer::Replayer(const analysis::Model& model, const ReplayIndex& index) : model_(&model), index_(&index) {}

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
    const auto& waits = index_->waits[t];
    const analysis::Waits& all = model_->waits;
    const std::size_t n = count_before(waits, cursor, [&](std::uint32_t k) { return all[k].begin; });
    if (n == 0) continue;
    const analysis::Wait w = all[waits[n - 1]];
    if (active(w.begin, w.end.value_or(kNoEvent), cursor)) s.waiting[t] = Waiting{state_of(w.cause), w.object, w.begin};
  }

  // Shared holds of one lock may overlap; at most one exclusive hold is
  // under way, and none beside a shared one (the model ends a lost hold
  // where the lock is taken again).
  const analysis::HoldStore& holds = model_->state.holds;
  for (const std::uint32_t k : index_->holds.at(cursor)) {
    const analysis::Hold h = holds[k];
    if (h.shared)
      s.readers[h.lock].push_back(LockHolder{h.thread, 1, h.first});
    else
      s.holders[h.lock] = LockHolder{h.thread, 1, h.first};
  }
  const std::vector<analysis::Series>& series = model_->state.series;
  for (auto& [lock, holder] : s.holders)
    if (const analysis::Series* depth = series_of(series, lock, analysis::SeriesKind::LockDepth))
      if (const std::optional<analysis::Step> step = depth->at_event(cursor))
        holder.depth = static_cast<std::uint64_t>(std::max<std::int64_t>(step->value, 1));

  auto take_value = [&](const analysis::Series& one) {
    const std::optional<analysis::Step> step = one.at_event(cursor);
    if (!step) return;
    if (one.kind == analysis::SeriesKind::QueueDepth)
      s.queue_depth[one.object] = step->value;
    else if (one.kind == analysis::SeriesKind::SemaphoreValue)
      s.semaphore_value[one.object] = step->value;
    else
      s.barrier_arrived[one.object] = static_cast<std::uint32_t>(step->value);
  };
  s.queues = index_->queues;
  s.semaphores = index_->semaphores;
  s.barriers = index_->barriers;
  if (!s.values_partial()) {
    for (const std::uint32_t k : index_->values) take_value(series[k]);
  } else {
    for (const auto& [thread, w] : s.waiting)
      for (const analysis::SeriesKind kind : {analysis::SeriesKind::QueueDepth, analysis::SeriesKind::SemaphoreValue,
                                              analysis::SeriesKind::BarrierArrivals})
        if (const analysis::Series* one = w.object != 0 ? series_of(series, w.object, kind) : nullptr) take_value(*one);
  }
  current_ = std::move(s);
  return current_;
}

}  // namespace weft::viewer
