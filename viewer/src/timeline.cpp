#include "timeline.hpp"

#include <algorithm>

namespace weft::viewer {

using format::EventKind;

State state_of(analysis::WaitCause cause) {
  using analysis::WaitCause;
  switch (cause) {
    case WaitCause::Lock: return State::Lock;
    case WaitCause::Condition: return State::Condition;
    case WaitCause::Semaphore: return State::Semaphore;
    case WaitCause::Barrier: return State::Barrier;
    case WaitCause::Event: return State::Event;
    case WaitCause::QueuePut:
    case WaitCause::QueueGet:
    case WaitCause::QueueJoin: return State::Queue;
    case WaitCause::Join: return State::Join;
    case WaitCause::Future: return State::Future;
    case WaitCause::Sleep: return State::Sleep;
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
    case State::Sleep: return "sleeping";
  }
  return "?";
}

void SpanList::add(const Span& s) {
  Span span = s;
  // Waits of one thread cannot overlap, nor holds of one lock; times taken
  // from different cores can, by a few ns. Keep the list sorted and disjoint.
  if (!spans.empty()) span.begin_ns = std::max(span.begin_ns, spans.back().end_ns);
  span.end_ns = std::max(span.end_ns, span.begin_ns);
  if (covered_before.empty()) covered_before.push_back(0);
  spans.push_back(span);
  begins.push_back(span.begin_ns);
  covered_before.push_back(covered_before.back() + (span.end_ns - span.begin_ns));
}

std::size_t SpanList::first_ending_after(std::uint64_t t) const {
  return static_cast<std::size_t>(
      std::upper_bound(spans.begin(), spans.end(), t, [](std::uint64_t v, const Span& s) { return v < s.end_ns; }) -
      spans.begin());
}

std::size_t SpanList::first_beginning_at(std::uint64_t t, std::size_t from) const {
  const auto start = spans.begin() + static_cast<std::ptrdiff_t>(std::min(from, spans.size()));
  return static_cast<std::size_t>(
      std::lower_bound(start, spans.end(), t, [](const Span& s, std::uint64_t v) { return s.begin_ns < v; }) -
      spans.begin());
}

void RangeMax::build(const std::vector<Step>& steps) {
  levels_.clear();
  std::vector<std::int64_t> level;
  level.reserve(steps.size());
  for (const Step& s : steps) level.push_back(s.value);
  levels_.push_back(std::move(level));
  while (levels_.back().size() > kFanout) {
    const std::vector<std::int64_t>& below = levels_.back();
    std::vector<std::int64_t> up((below.size() + kFanout - 1) / kFanout);
    for (std::size_t k = 0; k < below.size(); ++k)
      up[k / kFanout] = k % kFanout == 0 ? below[k] : std::max(up[k / kFanout], below[k]);
    levels_.push_back(std::move(up));
  }
}

std::int64_t RangeMax::max(std::size_t begin, std::size_t end) const {
  std::int64_t best = std::numeric_limits<std::int64_t>::min();
  // Walk up: take the unaligned ends at this level, then the whole blocks
  // between them one level higher.
  for (std::size_t level = 0; level < levels_.size() && begin < end; ++level) {
    const std::vector<std::int64_t>& v = levels_[level];
    if (level + 1 == levels_.size() || end - begin <= 2 * kFanout) {
      for (std::size_t k = begin; k < end; ++k) best = std::max(best, v[k]);
      return best;
    }
    while (begin < end && begin % kFanout != 0) best = std::max(best, v[begin++]);
    while (begin < end && end % kFanout != 0) best = std::max(best, v[--end]);
    begin /= kFanout;
    end /= kFanout;
  }
  return best;
}

std::size_t Series::at(std::uint64_t t) const {
  const auto it =
      std::upper_bound(steps.begin(), steps.end(), t, [](std::uint64_t v, const Step& s) { return v < s.time_ns; });
  return it == steps.begin() ? steps.size() : static_cast<std::size_t>(it - steps.begin()) - 1;
}

std::size_t Timeline::lane_of_object(std::uint32_t object) const {
  if (object >= object_lane_index.size() || object_lane_index[object] == ~0u) return lanes.size();
  return object_lane_index[object];
}

std::uint64_t Timeline::first_event_at(std::uint64_t t) const {
  return static_cast<std::uint64_t>(std::lower_bound(time_prefix_max.begin(), time_prefix_max.end(), t) -
                                    time_prefix_max.begin());
}

namespace {

bool is_lock(format::ObjectKind k) {
  return k == format::ObjectKind::Mutex || k == format::ObjectKind::RecursiveMutex;
}
bool is_semaphore(format::ObjectKind k) {
  return k == format::ObjectKind::Semaphore || k == format::ObjectKind::BoundedSemaphore;
}

void push_step(Series& s, std::uint64_t time, std::int64_t value, std::uint64_t event) {
  s.steps.push_back({time, value, event});
  s.peak = std::max(s.peak, value);
}

// Per object, what the object lanes need while scanning the events once.
struct ObjectScan {
  bool used = false;
  Lane lane;
  bool holding = false;
  Span hold;
  std::int64_t value = 0;
};

}  // namespace

Timeline build_timeline(const format::Trace& trace, const analysis::Model& model) {
  Timeline tl;
  const auto& events = trace.events;
  tl.time_prefix_max.resize(events.size());
  std::uint64_t running_max = 0;
  for (std::size_t i = 0; i < events.size(); ++i) tl.time_prefix_max[i] = running_max = std::max(running_max, events[i].time_ns);
  tl.begin_ns = events.empty() ? 0 : events.front().time_ns;
  tl.end_ns = running_max;

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
  }

  std::vector<ObjectScan> objects(trace.objects.size());
  std::vector<std::uint32_t> lock_attempt(nthreads, 0);  // the lock a thread is waiting for, 0 if none

  for (std::uint64_t i = 0; i < events.size(); ++i) {
    const format::Event& e = events[i];
    const std::uint64_t now = tl.time_prefix_max[i];
    if (e.thread < nthreads) {
      Lane& lane = tl.lanes[e.thread];
      if (!seen[e.thread]) {
        seen[e.thread] = true;
        lane.begin_ns = e.time_ns;
      }
      lane.end_ns = std::max(lane.end_ns, e.time_ns);
      if (e.kind == EventKind::Mark || e.kind == EventKind::Log)
        lane.ticks.push_back({e.time_ns, i, e.kind == EventKind::Log});
    }
    if (e.object == 0 || e.object >= objects.size()) continue;
    const format::ObjectKind okind = trace.objects[e.object].kind;
    ObjectScan& o = objects[e.object];
    const bool sequenced = e.seq != format::kNoSeq;
    if (is_lock(okind)) {
      o.used = true;
      o.lane.kind = LaneKind::Lock;
      if (e.kind == EventKind::MutexLockBegin && e.thread < nthreads) {
        lock_attempt[e.thread] = e.object;
        push_step(o.lane.series, now, ++o.value, i);
      } else if ((e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexTryFailed) && e.thread < nthreads &&
                 lock_attempt[e.thread] == e.object) {
        lock_attempt[e.thread] = 0;
        push_step(o.lane.series, now, --o.value, i);
      }
      if (e.kind == EventKind::MutexAcquired && sequenced && e.arg <= 1 && !o.holding) {
        o.holding = true;
        o.hold = Span{now, now, i, kNoEvent, e.object, e.thread, State::Running};
      } else if (e.kind == EventKind::MutexReleased && sequenced && e.arg == 0 && o.holding) {
        o.holding = false;
        o.hold.end_ns = now;
        o.hold.end_event = i;
        o.lane.spans.add(o.hold);
      }
    } else if (okind == format::ObjectKind::Queue) {
      if (e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet) {
        o.used = true;
        o.lane.kind = LaneKind::Queue;
        push_step(o.lane.series, now, o.value += e.kind == EventKind::QueuePut ? 1 : -1, i);
      }
    } else if (is_semaphore(okind)) {
      const bool rejected = e.flags & format::kFlagRejected;
      if ((e.kind == EventKind::SemAcquired || e.kind == EventKind::SemReleased) && sequenced && !rejected) {
        o.used = true;
        o.lane.kind = LaneKind::Semaphore;
        push_step(o.lane.series, now, o.value = static_cast<std::int64_t>(e.arg), i);
      }
    } else if (okind == format::ObjectKind::Barrier) {
      if (e.kind == EventKind::BarrierArrive) {
        o.used = true;
        o.lane.kind = LaneKind::Barrier;
        push_step(o.lane.series, now, o.value = static_cast<std::int64_t>(e.arg & 0xffffffffu) + 1, i);
      } else if ((e.kind == EventKind::BarrierLeave || e.kind == EventKind::BarrierAbort ||
                  e.kind == EventKind::BarrierReset) &&
                 o.value != 0) {
        push_step(o.lane.series, now, o.value = 0, i);  // the generation passed (or broke)
      }
    }
  }

  // Waits, from the model (already in order of their begin).
  for (const analysis::Wait& w : model.waits) {
    if (w.thread >= nthreads) continue;
    Lane& lane = tl.lanes[w.thread];
    Span s;
    s.begin_event = w.begin;
    s.begin_ns = events[w.begin].time_ns;
    s.end_event = w.end ? *w.end : kNoEvent;
    s.end_ns = w.end ? events[*w.end].time_ns : std::max(lane.end_ns, tl.end_ns);
    s.object = w.object;
    s.who = w.thread;
    s.state = state_of(w.cause);
    lane.spans.add(s);
  }
  for (Lane& lane : tl.lanes)
    if (!lane.spans.spans.empty()) lane.end_ns = std::max(lane.end_ns, lane.spans.spans.back().end_ns);

  // Object lanes, grouped by kind, by id within a kind.
  tl.object_lane_index.assign(trace.objects.size(), ~0u);
  for (LaneKind kind : {LaneKind::Lock, LaneKind::Queue, LaneKind::Semaphore, LaneKind::Barrier})
    for (std::uint32_t id = 1; id < objects.size(); ++id) {
      ObjectScan& o = objects[id];
      if (!o.used || o.lane.kind != kind) continue;
      if (o.holding) {  // still held at the end
        o.hold.end_ns = tl.end_ns;
        o.lane.spans.add(o.hold);
      }
      o.lane.id = id;
      o.lane.label = trace.object_label(id);
      o.lane.begin_ns = tl.begin_ns;
      o.lane.end_ns = tl.end_ns;
      o.lane.series.range_max.build(o.lane.series.steps);
      tl.object_lane_index[id] = static_cast<std::uint32_t>(tl.lanes.size());
      tl.lanes.push_back(std::move(o.lane));
    }
  return tl;
}

}  // namespace weft::viewer
