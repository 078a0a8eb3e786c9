#include "slices.hpp"

#include <algorithm>
#include <tuple>

namespace weft::exporter {

namespace {

// Holds are the model's (analysis/object_state.hpp): a hold broken by a
// condition wait is already two holds around it, so waits and holds nest.
void add_holds(const analysis::Model& model, std::vector<Slice>& out) {
  for (const analysis::Hold& h : model.state.holds) {
    Slice s;
    s.type = SliceType::Hold;
    s.thread = h.thread;
    s.object = h.lock;
    s.first = h.first;
    s.last = h.end == analysis::HoldEnd::Open ? kNoEvent : h.last;
    s.begin_ns = h.begin_ns;
    s.end_ns = h.end_ns;
    s.shared = h.shared;
    s.hold_end = h.end;
    out.push_back(s);
  }
}

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
    s.begin_ns = trace.events.time_ns(w.begin);
    s.end_ns = std::max(s.begin_ns, w.end ? trace.events.time_ns(*w.end) : model.end_ns);
    out.push_back(s);
  }
}

void add_ticks(const format::Trace& trace, std::span<const analysis::CausalEdge> edges, std::vector<Slice>& out) {
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
                    std::span<const analysis::CausalEdge> edges) {
  Slices result;
  result.lanes.assign(trace.threads.size(), 1);
  std::vector<Slice>& slices = result.slices;
  add_waits(trace, model, slices);
  add_holds(model, slices);
  add_ticks(trace, edges, slices);

  assign_lanes(slices, result);
  std::sort(slices.begin(), slices.end(), before);
  for (const Slice& s : slices)
    if (s.type == SliceType::Tick) result.ticks.emplace_back(s.first, s.lane);
  std::sort(result.ticks.begin(), result.ticks.end());
  return result;
}

}  // namespace weft::exporter
