#include "slices.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace weft::exporter {

using format::EventKind;

namespace {

// Pairs mutex.acquired with mutex.released per lock, in trace order. The
// release ends the hold of whoever holds the lock, even when another thread
// releases it (a misuse weft records; the lock is free afterwards).
class HoldPairer {
 public:
  HoldPairer(const format::Trace& trace, std::uint64_t end_ns, std::vector<Slice>& out)
      : trace_(trace), end_ns_(end_ns), out_(out), cond_begin_(trace.threads.size(), kNoEvent),
        resuming_(trace.threads.size()) {}

  void step(std::uint64_t i) {
    const format::Event& e = trace_.events[i];
    if (e.thread >= cond_begin_.size()) return;
    const bool sequenced = e.seq != format::kNoSeq;
    switch (e.kind) {
      case EventKind::CondWaitBegin:
        if (!(e.flags & format::kFlagNotOwner)) cond_begin_[e.thread] = i;
        break;
      case EventKind::CondWaitEnd:
        // The holds re-taken inside the wait resume where it returns.
        for (const std::uint32_t object : resuming_[e.thread]) {
          const auto it = held_.find(object);
          if (it != held_.end() && it->second.first == kPending) {
            it->second.first = i;
            it->second.begin_ns = e.time_ns;
          }
        }
        resuming_[e.thread].clear();
        cond_begin_[e.thread] = kNoEvent;
        break;
      case EventKind::MutexAcquired:
        if (!sequenced || e.arg > 1) break;  // a recursive re-entry extends the hold it is in
        if (const auto it = held_.find(e.object); it != held_.end()) close(it, i, e.time_ns);  // lost release
        if ((e.flags & format::kFlagCondition) && cond_begin_[e.thread] != kNoEvent) {
          held_[e.object] = {e.thread, kPending, e.time_ns};
          resuming_[e.thread].push_back(e.object);
        } else {
          held_[e.object] = {e.thread, i, e.time_ns};
        }
        break;
      case EventKind::MutexReleased: {
        if (!sequenced || e.arg != 0) break;
        const auto it = held_.find(e.object);
        if (it == held_.end()) break;
        const std::uint64_t wait = cond_begin_[e.thread];
        if ((e.flags & format::kFlagCondition) && wait != kNoEvent)
          close(it, i, trace_.events[wait].time_ns);
        else
          close(it, i, e.time_ns);
        break;
      }
      default: break;
    }
  }

  // Holds still open when the trace ends (a deadlock, a thread killed).
  void finish() {
    std::vector<std::uint32_t> objects;
    for (const auto& [object, h] : held_) objects.push_back(object);
    std::sort(objects.begin(), objects.end());  // the same output every run
    for (const std::uint32_t object : objects) close(held_.find(object), kNoEvent, end_ns_);
  }

 private:
  static constexpr std::uint64_t kPending = kNoEvent - 1;  // re-acquired in a condition wait still returning
  struct Held {
    std::uint32_t thread = 0;
    std::uint64_t first = 0;
    std::uint64_t begin_ns = 0;
  };
  using Map = std::unordered_map<std::uint32_t, Held>;

  void close(Map::iterator it, std::uint64_t last, std::uint64_t end_ns) {
    const Held& h = it->second;
    Slice s;
    s.type = SliceType::Hold;
    s.thread = h.thread;
    s.object = it->first;
    s.first = h.first == kPending ? last : h.first;
    s.last = last;
    s.begin_ns = h.begin_ns;
    s.end_ns = std::max(end_ns, h.begin_ns);
    out_.push_back(s);
    held_.erase(it);
  }

  const format::Trace& trace_;
  std::uint64_t end_ns_;
  std::vector<Slice>& out_;
  Map held_;
  std::vector<std::uint64_t> cond_begin_;                 // by thread: the condition wait it is in
  std::vector<std::vector<std::uint32_t>> resuming_;      // by thread: locks re-taken inside that wait
};

void add_waits(const format::Trace& trace, const analysis::Model& model, std::vector<Slice>& out) {
  for (const analysis::Wait& w : model.waits) {
    Slice s;
    s.type = SliceType::Wait;
    s.thread = w.thread;
    s.object = w.object;
    s.cause = w.cause;
    s.timed = w.timed;
    s.first = w.begin;
    s.last = w.end ? *w.end : kNoEvent;
    s.begin_ns = trace.events[w.begin].time_ns;
    s.end_ns = std::max(s.begin_ns, w.end ? trace.events[*w.end].time_ns : model.end_ns);
    out.push_back(s);
  }
}

void add_ticks(const format::Trace& trace, const std::vector<analysis::CausalEdge>& edges, std::vector<Slice>& out) {
  std::vector<std::uint64_t> events;
  events.reserve(edges.size() * 2);
  for (const analysis::CausalEdge& e : edges) {
    events.push_back(e.from);
    events.push_back(e.to);
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  for (const std::uint64_t i : events) {
    const format::Event& e = trace.events[i];
    Slice s;
    s.type = SliceType::Tick;
    s.thread = e.thread;
    s.object = e.object;
    s.first = s.last = i;
    s.begin_ns = e.time_ns;
    s.end_ns = e.time_ns + 1;
    out.push_back(s);
  }
}

// Longest first among slices that begin together: the enclosing one.
bool before(const Slice& a, const Slice& b) {
  return std::tuple(a.begin_ns, b.end_ns, a.type, a.thread, a.first, a.object) <
         std::tuple(b.begin_ns, a.end_ns, b.type, b.thread, b.first, b.object);
}

// Puts each slice in the first lane of its thread where it nests: every
// lane keeps the stack of slices still open at the current time.
void assign_lanes(std::vector<Slice>& slices, Slices& result) {
  std::sort(slices.begin(), slices.end(),
            [](const Slice& a, const Slice& b) { return a.thread != b.thread ? a.thread < b.thread : before(a, b); });
  std::vector<std::vector<std::uint64_t>> open;  // per lane: end times of the enclosing slices
  std::uint32_t thread = ~0u;
  for (Slice& s : slices) {
    if (s.thread != thread) {
      thread = s.thread;
      open.clear();
    }
    std::uint32_t lane = 0;
    for (;; ++lane) {
      if (lane == open.size()) open.emplace_back();
      auto& stack = open[lane];
      while (!stack.empty() && stack.back() <= s.begin_ns) stack.pop_back();  // ended: a sibling follows
      if (stack.empty() || s.end_ns <= stack.back()) {
        stack.push_back(s.end_ns);
        break;
      }
    }
    s.lane = lane;
    if (s.thread < result.lanes.size()) result.lanes[s.thread] = std::max(result.lanes[s.thread], lane + 1);
  }
}

}  // namespace

std::uint32_t Slices::tick_lane(std::uint64_t event) const {
  const auto it = std::lower_bound(ticks.begin(), ticks.end(), std::pair<std::uint64_t, std::uint32_t>(event, 0));
  return it != ticks.end() && it->first == event ? it->second : 0;
}

Slices build_slices(const format::Trace& trace, const analysis::Model& model,
                    const std::vector<analysis::CausalEdge>& edges) {
  Slices result;
  result.lanes.assign(trace.threads.size(), 1);
  std::vector<Slice>& slices = result.slices;
  add_waits(trace, model, slices);
  HoldPairer holds(trace, model.end_ns, slices);
  for (std::uint64_t i = 0; i < trace.events.size(); ++i) holds.step(i);
  holds.finish();
  add_ticks(trace, edges, slices);

  assign_lanes(slices, result);
  std::sort(slices.begin(), slices.end(), before);
  for (const Slice& s : slices)
    if (s.type == SliceType::Tick) result.ticks.emplace_back(s.first, s.lane);
  std::sort(result.ticks.begin(), result.ticks.end());
  return result;
}

}  // namespace weft::exporter
