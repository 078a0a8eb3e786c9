#include "timeline.hpp"

#include <algorithm>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

#include "signal_lanes.hpp"
#include "weft/format/packed_store_impl.hpp"
#include "weft/format/prefault.hpp"
#include "weft/format/run.hpp"

namespace weft::format {
template class PackedStore<viewer::SpanCodec>;
}  // namespace weft::format

namespace weft::viewer {

namespace {

// A lock lane of at most this many holds has them in the timeline's table
// (HoldLists, 12 bytes a hold); a busier lock keeps a list of its own,
// which packs a run of consecutive holds into nothing and the others into
// a few bytes each, for a fixed cost of a few hundred bytes.
constexpr std::uint64_t kTabledHolds = 256;

}  // namespace

State state_of(analysis::WaitCause cause) {
  using analysis::WaitCause;
  switch (cause) {
    case WaitCause::Lock:
    case WaitCause::LockShared: return State::Lock;
    case WaitCause::Condition: return State::Condition;
    case WaitCause::Semaphore: return State::Semaphore;
    case WaitCause::Barrier: return State::Barrier;
    case WaitCause::Event: return State::Event;
    case WaitCause::QueuePut:
    case WaitCause::QueueGet:
    case WaitCause::QueueJoin: return State::Queue;
    case WaitCause::Join:
    case WaitCause::Process: return State::Join;
    case WaitCause::PipeRecv: return State::Queue;
    case WaitCause::Future: return State::Future;
    case WaitCause::Sleep: return State::Sleep;
    case WaitCause::Atomic: return State::Atomic;
  }
  return State::Running;
}

const char* state_name(State s) {
  switch (s) {
    case State::Running: return "running";
    case State::Lock: return "blocked on a lock";
    case State::Condition: return "waiting on a condition";
    case State::Event: return "waiting for an event";
    case State::Semaphore: return "waiting on a semaphore";
    case State::Barrier: return "waiting at a barrier";
    case State::Queue: return "waiting on a queue";
    case State::Join: return "waiting to join a thread";
    case State::Future: return "waiting for a future";
    case State::Atomic: return "waiting on an atomic";
    case State::Sleep: return "sleeping";
  }
  return "?";
}

Spans::Spans(const Spans& other)
    : own_(other.own_ ? std::make_unique<Own>(*other.own_) : nullptr),
      holds_(other.holds_),
      table_(other.table_),
      from_(other.from_),
      run_(other.run_) {}

Spans& Spans::operator=(const Spans& other) {
  if (this != &other) *this = Spans(other);
  return *this;
}

Span Spans::at(std::size_t k) const {
  if (k >= size()) throw std::out_of_range("span " + std::to_string(k) + " of " + std::to_string(size()));
  return (*this)[k];
}

void SpanList::reserve(std::size_t n) {
  // The blocks' descriptions; the packed bytes grow as they fill. Which of
  // the two a lock lane uses is known only as its spans come: room that is
  // never written is never committed. A few spans are kept unpacked (see
  // PackedStore::reserve), in room that is allocated: there only the
  // holds' indices get theirs (a lock of a few holds is rarely taken twice
  // in a row), and a lane that comes to own its spans sizes them then
  // (own_all).
  Spans::Own& own = spans.own();
  if (n > format::PackedStore<format::UintCodec>::kBlock) own.own.reserve(n);
  own.which.reserve(n);
  own.covered_before.reserve(n + 1);
}

void SpanList::place(HoldLists& table, const analysis::HoldStore& holds, std::size_t from, std::size_t n) {
  if (!spans.empty() || from + n > table.hold.size() || from + n > table.covered.size())
    throw std::logic_error("a span list placed in a table after its first span, or past the table's end");
  spans.holds_ = &holds;
  spans.table_ = &table;
  spans.from_ = from;
  room_ = n;
}

void SpanList::add(const Span& s) {
  if (spans.holds_) own_all();
  Spans::Own& own = spans.own();
  Span span = s;
  // Waits of one thread cannot overlap, nor holds of one lock; times taken
  // from different cores can, by a few ns. Keep the list sorted and disjoint.
  if (!spans.empty()) span.begin_ns = std::max(span.begin_ns, last_end_);
  span.end_ns = std::max(span.end_ns, span.begin_ns);
  if (own.covered_before.empty()) own.covered_before.push_back(0);
  own.own.push_back(span);
  last_end_ = span.end_ns;
  covered_ += span.end_ns - span.begin_ns;
  own.covered_before.push_back(covered_);
}

void SpanList::add_hold_slowly(const analysis::HoldStore& holds, std::size_t k, const analysis::Hold& h) {
  const bool as_is = (spans.holds_ == &holds || spans.empty()) && h.end_ns >= h.begin_ns &&
                     (spans.empty() || h.begin_ns >= last_end_);
  // Out of order, or out of room in its table: the list copies.
  if (!as_is || spans.table_) return add(span_of(h));
  Spans::Own& own = spans.own();
  if (spans.empty()) {
    spans.holds_ = &holds;
    spans.from_ = k;
  }
  if (own.covered_before.empty()) own.covered_before.push_back(0);
  if (own.which.empty() && k == spans.from_ + spans.run_)
    ++spans.run_;
  else
    own.which.push_back(k);
  last_end_ = h.end_ns;
  covered_ += h.end_ns - h.begin_ns;
  own.covered_before.push_back(covered_);
}

void SpanList::own_all() {
  SpanStore copied;
  copied.reserve(spans.size());
  format::PackedStore<format::UintCodec> covered;
  covered.push_back(0);
  for (std::size_t k = 0; k < spans.size(); ++k) {
    copied.push_back(spans[k]);
    covered.push_back(covered_before(k + 1));
  }
  Spans::Own& own = spans.own();
  own.own = std::move(copied);
  own.which.clear();
  own.covered_before = std::move(covered);
  spans.holds_ = nullptr;
  spans.table_ = nullptr;
  spans.from_ = spans.run_ = 0;
  room_ = 0;
}

void SpanList::seal() {
  if (!spans.own_) return;
  spans.own_->own.seal();
  spans.own_->which.seal();
  spans.own_->covered_before.seal();
}

namespace {

// The first index in [lo, hi) where `reached(k)` holds, for a predicate
// that once true stays true: a binary search reading one field per probe.
template <typename Reached>
std::size_t first_where(std::size_t lo, std::size_t hi, Reached reached) {
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (reached(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace

std::size_t SpanList::first_ending_after(std::uint64_t t) const {
  return first_where(0, spans.size(), [&](std::size_t k) { return spans.end_ns(k) > t; });
}

std::size_t SpanList::first_beginning_at(std::uint64_t t, std::size_t from) const {
  return first_where(std::min(from, spans.size()), spans.size(), [&](std::size_t k) { return spans.begin_ns(k) >= t; });
}

void RangeMax::build(StepsView steps) {
  steps_ = steps;
  levels_.clear();
  // Each level the maxima of kFanout of the level below (the steps, then
  // the previous level), until a level fits in one block.
  for (std::size_t below = steps.size(); below > kFanout; below = levels_.back().size()) {
    const std::size_t level = levels_.size();
    std::vector<std::int64_t> up((below + kFanout - 1) / kFanout);
    for (std::size_t k = 0; k < below; ++k)
      up[k / kFanout] = k % kFanout == 0 ? at(level, k) : std::max(up[k / kFanout], at(level, k));
    levels_.push_back(std::move(up));
  }
}

std::int64_t RangeMax::max(std::size_t begin, std::size_t end) const {
  std::int64_t best = std::numeric_limits<std::int64_t>::min();
  // Walk up: take the unaligned ends at this level, then the whole blocks
  // between them one level higher. Level 0 is the steps themselves.
  for (std::size_t level = 0; level <= levels_.size() && begin < end; ++level) {
    if (level == levels_.size() || end - begin <= 2 * kFanout) {
      for (std::size_t k = begin; k < end; ++k) best = std::max(best, at(level, k));
      return best;
    }
    while (begin < end && begin % kFanout != 0) best = std::max(best, at(level, begin++));
    while (begin < end && end % kFanout != 0) best = std::max(best, at(level, --end));
    begin /= kFanout;
    end /= kFanout;
  }
  return best;
}

std::size_t Series::at(std::uint64_t t) const {
  const std::size_t after = first_where(0, steps.size(), [&](std::size_t k) { return steps.time_ns(k) > t; });
  return after == 0 ? steps.size() : after - 1;
}

std::size_t Timeline::lane_of_object(std::uint32_t object) const {
  if (object >= object_lane_index.size() || object_lane_index[object] == ~0u) return lanes.size();
  return object_lane_index[object];
}

namespace {

LaneKind lane_kind(format::ObjectKind k) {
  if (format::object_meaning(k).lock) return LaneKind::Lock;
  if (k == format::ObjectKind::Queue) return LaneKind::Queue;
  if (k == format::ObjectKind::Barrier) return LaneKind::Barrier;
  return LaneKind::Semaphore;
}

// The spans of a shared mutex's lane: its exclusive holds as they are, and
// where threads held it shared, one span for each stretch in which any did
// (shared holds overlap; a lane's spans may not).
std::vector<Span> shared_mutex_spans(const std::vector<analysis::Hold>& holds) {
  std::vector<Span> out;
  std::optional<Span> shared;
  for (const analysis::Hold& h : holds) {
    const Span s = span_of(h);
    if (!h.shared) {
      out.push_back(s);
    } else if (shared && s.begin_ns <= shared->end_ns) {
      if (s.end_ns >= shared->end_ns) {
        shared->end_ns = s.end_ns;
        shared->end_event = s.end_event;
      }
    } else {
      if (shared) out.push_back(*shared);
      shared = s;
    }
  }
  if (shared) out.push_back(*shared);
  std::stable_sort(out.begin(), out.end(), [](const Span& a, const Span& b) { return a.begin_ns < b.begin_ns; });
  return out;
}

}  // namespace

Timeline timeline_of_events(const format::Trace& trace) {
  Timeline tl;
  const auto& events = trace.events;
  tl.begin_ns = events.empty() ? 0 : events.front().time_ns;

  // Thread lanes: lifetime from its first to its last event (a thread
  // record without events still gets a lane, empty).
  const std::size_t nthreads = trace.threads.size();
  tl.lanes.resize(nthreads);
  std::vector<bool> seen(nthreads, false);
  for (std::size_t t = 0; t < nthreads; ++t) {
    Lane& lane = tl.lanes[t];
    lane.kind = LaneKind::Thread;
    lane.id = static_cast<std::uint32_t>(t);
    lane.label = trace.threads[t].name.empty() ? "thread " + std::to_string(t) : trace.threads[t].name;
    lane.process = trace.threads[t].process;
  }
  if (trace.processes.size() > 1)
    for (const format::ProcessInfo& p : trace.processes)
      tl.process_headers.push_back(p.name + " (pid " + std::to_string(p.pid) + "), " + format::process_ending(p));
  // One walk: the time index and the thread lanes.
  const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
    tl.time_prefix_max.extend(e.time_ns);
    if (e.thread >= nthreads) return;
    Lane& lane = tl.lanes[e.thread];
    if (!seen[e.thread]) {
      seen[e.thread] = true;
      lane.begin_ns = e.time_ns;
    }
    lane.end_ns = std::max(lane.end_ns, e.time_ns);
    const format::PointKind point = format::meaning(e.kind).point;
    if (point == format::PointKind::Mark || point == format::PointKind::Log)
      lane.ticks.push_back({e.time_ns, i, point == format::PointKind::Log});
  };
  events.for_each(0, events.size(), visit);
  tl.time_prefix_max.attach(events);
  tl.end_ns = tl.time_prefix_max.max();
  return tl;
}

namespace {

// The threads' lanes' spans: their waits, from the model (already in order
// of their begin). Each lane's arrays are sized once: grown by doubling, a
// 10 M-event trace's spans cost a third more time and memory (copies, and
// capacity never used).
void add_wait_spans(Timeline& tl, const format::Trace& trace, const analysis::Model& model) {
  const auto& events = trace.events;
  const std::size_t nthreads = trace.threads.size();
  {
    std::vector<std::size_t> waits(nthreads, 0);
    for (const analysis::Wait& w : model.waits)
      if (w.thread < nthreads) ++waits[w.thread];
    for (std::size_t t = 0; t < nthreads; ++t) tl.lanes[t].spans.reserve(waits[t]);
  }
  // The time alone of each wait's events (EventStore::time_ns): a
  // contended trace has a wait for every other event.
  for (const analysis::Wait& w : model.waits) {
    if (w.thread >= nthreads) continue;
    Lane& lane = tl.lanes[w.thread];
    Span s;
    s.begin_event = w.begin;
    s.begin_ns = events.time_ns(w.begin);
    s.end_event = w.end ? *w.end : kNoEvent;
    s.end_ns = w.end ? events.time_ns(*w.end) : std::max(lane.end_ns, tl.end_ns);
    s.object = w.object;
    s.who = w.thread;
    s.state = state_of(w.cause);
    lane.spans.add(s);
  }
  for (std::size_t t = 0; t < nthreads; ++t) {
    Lane& lane = tl.lanes[t];
    if (!lane.spans.spans.empty()) lane.end_ns = std::max(lane.end_ns, lane.spans.spans.back().end_ns);
  }
}

}  // namespace

void add_model_lanes(Timeline& tl, const format::Trace& trace, const analysis::Model& model) {
  const auto& events = trace.events;
  const std::size_t nthreads = trace.threads.size();
  const std::size_t nobjects = trace.objects.size();
  const analysis::HoldStore& all_holds = model.state.holds;

  // Object lanes: a lock's holds and how many waited for it; what a queue,
  // semaphore or barrier counts. The model's object state, as it is. Which
  // objects have one is known before any is filled: a lock taken at least
  // once (it has a hold), and an object with a series a lane draws. Their
  // lanes are made at once, in their final places — grouped by kind, by id
  // within a kind — and filled there: a trace with a mutex per element of
  // a large array has millions, and a lane for every object id, moved one
  // by one into the timeline, cost more than all else in opening it.
  const auto drawn = [](analysis::SeriesKind k) {
    return k == analysis::SeriesKind::LockWaiters || k == analysis::SeriesKind::QueueDepth ||
           k == analysis::SeriesKind::SemaphoreValue || k == analysis::SeriesKind::BarrierArrivals;
  };
  std::vector<std::uint8_t> has_lane(nobjects, 0);
  if (model.state.takes.size() == nobjects) {
    for (std::uint32_t id = 1; id < nobjects; ++id)
      has_lane[id] = model.state.takes[id].acquisitions > 0 && format::object_meaning(trace.objects[id].kind).lock;
  } else {  // a model built without its counts: the holds say it
    all_holds.for_each(0, all_holds.size(), [&](std::size_t, const analysis::Hold& h) {
      if (h.lock < nobjects) has_lane[h.lock] = 1;
    });
  }
  for (const analysis::Series& s : model.state.series)
    if (s.object < nobjects && drawn(s.kind)) has_lane[s.object] = 1;
  tl.object_lane_index.assign(nobjects, ~0u);
  std::size_t count = 0;
  for (std::uint32_t id = 1; id < nobjects; ++id) count += has_lane[id];
  const std::size_t first_object_lane = tl.lanes.size();
  // Conditions and events come last (below), but are counted now: the
  // lanes are sized once, for them too, before the waits' thread below
  // writes the threads' lanes. From here on no lane moves (a lane is
  // hundreds of bytes, and there may be millions).
  std::vector<Lane> signal_lanes = build_signal_lanes(trace, model, tl.begin_ns, tl.end_ns);
  format::reserve_prefaulted(tl.lanes, first_object_lane + count + signal_lanes.size());
  tl.lanes.resize(first_object_lane + count);
  // An exclusive lock taken a few times gets its holds' places in the one
  // table (HoldLists), sized now from the model's count of its takes: at
  // least its holds (a re-entry is a take, not a hold).
  // (Not without the model's counts, nor for holds the table's 32-bit
  // indices cannot name.)
  const bool tables = model.state.takes.size() == nobjects &&
                      all_holds.size() <= std::numeric_limits<std::uint32_t>::max();
  const auto tabled_holds = [&](std::uint32_t id) -> std::size_t {
    if (!tables) return 0;
    if (!format::object_meaning(trace.objects[id].kind).lock || trace.objects[id].kind == format::ObjectKind::SharedMutex)
      return 0;
    const std::uint64_t takes = model.state.takes[id].acquisitions;
    return takes <= kTabledHolds ? static_cast<std::size_t>(takes) : 0;
  };
  std::size_t tabled = 0;
  for (std::uint32_t id = 1; id < nobjects; ++id)
    if (has_lane[id]) tabled += tabled_holds(id);
  tl.hold_lists = std::make_shared<HoldLists>();
  tl.hold_lists->hold.resize(tabled);
  tl.hold_lists->covered.resize(tabled);
  // 1: an exclusive lock's lane (sized: its holds go onto it as they
  // are), 2: a shared mutex's; 0: not met yet.
  std::vector<std::uint8_t> seen(nobjects, 0);
  std::size_t next = first_object_lane, placed = 0;
  for (LaneKind kind : {LaneKind::Lock, LaneKind::Queue, LaneKind::Semaphore, LaneKind::Barrier})
    for (std::uint32_t id = 1; id < nobjects; ++id) {
      if (!has_lane[id] || lane_kind(trace.objects[id].kind) != kind) continue;
      Lane& lane = tl.lanes[next];
      lane.kind = kind;
      lane.id = id;
      lane.label = trace.object_label(id);
      lane.begin_ns = tl.begin_ns;
      lane.end_ns = tl.end_ns;
      if (const std::size_t n = tabled_holds(id); n > 0) {
        lane.spans.place(*tl.hold_lists, all_holds, placed, n);
        placed += n;
        seen[id] = 1;
      }
      tl.object_lane_index[id] = static_cast<std::uint32_t>(next++);
    }
  const auto lane_of = [&](std::uint32_t id) -> Lane* {
    return id < nobjects && tl.object_lane_index[id] != ~0u ? &tl.lanes[tl.object_lane_index[id]] : nullptr;
  };

  // The threads' lanes (waits) on a thread of their own, beside the
  // objects' (holds, series), which they share nothing with: on a
  // contended trace each is millions of spans, and this comes last in
  // opening a trace, when the other core has little left to do.
  auto waits_placed = std::async(std::launch::async, [&tl, &trace, &model] { add_wait_spans(tl, trace, model); });

  // Holds are in order of acquisition, which for one lock's exclusive holds
  // is their order in time: straight onto the lane. A shared mutex's holds
  // overlap and are merged first.
  std::map<std::uint32_t, std::vector<analysis::Hold>> shared_mutexes;
  // Millions of holds: what each needs is looked up at its lock's first.
  // A lock's lane not in the table is sized then, once, from the model's
  // count of its takes.
  const auto place = [&](std::size_t k, const analysis::Hold& h) __attribute__((always_inline)) {
    if (h.lock >= nobjects) return;
    if (seen[h.lock] == 0) [[unlikely]] {
      if (!lane_of(h.lock)) return;
      const bool shared = trace.objects[h.lock].kind == format::ObjectKind::SharedMutex;
      seen[h.lock] = shared ? 2 : 1;
      if (!shared && h.lock < model.state.takes.size())
        lane_of(h.lock)->spans.reserve(model.state.takes[h.lock].acquisitions);
    }
    if (seen[h.lock] == 2) [[unlikely]]
      shared_mutexes[h.lock].push_back(h);
    else
      tl.lanes[tl.object_lane_index[h.lock]].spans.add_hold(all_holds, k, h);
  };
  all_holds.for_each(0, all_holds.size(), place);
  for (const auto& [id, holds] : shared_mutexes)
    for (const Span& s : shared_mutex_spans(holds)) lane_of(id)->spans.add(s);
  for (const analysis::Series& s : model.state.series) {
    if (s.object >= nobjects || !drawn(s.kind)) continue;
    Lane& lane = *lane_of(s.object);
    lane.series.steps = s.steps;
    lane.series.peak = s.peak;
    lane.series.range_max.build(lane.series.steps);
  }

  waits_placed.get();  // rethrows what placing the waits threw

  // Anomalies: on the lane of their object when it has one, else on the thread's.
  for (const analysis::Anomaly& a : model.state.anomalies) {
    const Tick tick{events.time_ns(a.event), a.event, false};
    if (Lane* lane = a.object != 0 ? lane_of(a.object) : nullptr)
      lane->anomalies.push_back(tick);
    else if (a.thread < nthreads)
      tl.lanes[a.thread].anomalies.push_back(tick);
  }

  for (Lane& lane : tl.lanes) lane.spans.seal();
  // Conditions and events last: a signal lane's height grows with the
  // waiters it stacks, and the lanes above it keep their places.
  for (Lane& lane : signal_lanes) {
    tl.object_lane_index[lane.id] = static_cast<std::uint32_t>(tl.lanes.size());
    tl.lanes.push_back(std::move(lane));
  }
}

Timeline build_timeline(const format::Trace& trace, const analysis::Model& model) {
  Timeline tl = timeline_of_events(trace);
  add_model_lanes(tl, trace, model);
  return tl;
}

}  // namespace weft::viewer
