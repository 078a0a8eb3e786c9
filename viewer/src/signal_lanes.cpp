#include "signal_lanes.hpp"

#include <algorithm>
#include <array>

#include "weft/format/meaning.hpp"

namespace weft::viewer {
namespace {

bool is_signal(format::ObjectKind k) {
  return k == format::ObjectKind::Condition || k == format::ObjectKind::Event || k == format::ObjectKind::AtomicWord;
}

// The lanes' order: conditions, events, atomic words.
constexpr format::ObjectKind kSignalKinds[] = {format::ObjectKind::Condition, format::ObjectKind::Event,
                                              format::ObjectKind::AtomicWord};

// How the wait ended, from its end event's own record: a condition's wake
// reason, an event wait's "was it set", an atomic wait's kernel answer read
// as a wake reason (format::atomic_wake_reason). An end that is not the
// wait's own (the model ended a wait whose end the trace lost at the
// thread's next event) is reported as still open: nothing is known of how
// it ended.
WaitOutcome outcome_of(const format::Trace& trace, const analysis::Wait& w, format::ObjectKind kind) {
  if (!w.end) return WaitOutcome::Open;
  const format::Event& e = trace.events[*w.end];
  if (format::meaning(e.kind).wait.op != format::WaitOp::Ends) return WaitOutcome::Open;
  if (kind == format::ObjectKind::Event) return e.arg != 0 ? WaitOutcome::Woken : WaitOutcome::TimedOut;
  const format::WakeReason reason = kind == format::ObjectKind::AtomicWord ? format::atomic_wake_reason(e.arg)
                                                                          : static_cast<format::WakeReason>(e.arg);
  switch (reason) {
    case format::WakeReason::Notified: return WaitOutcome::Woken;
    case format::WakeReason::Timeout: return WaitOutcome::TimedOut;
    case format::WakeReason::Spurious: return WaitOutcome::Spurious;
  }
  return WaitOutcome::Spurious;
}

// The thread state a wait on a lane of `kind` is drawn in.
State wait_state(format::ObjectKind kind) {
  if (kind == format::ObjectKind::Event) return State::Event;
  if (kind == format::ObjectKind::AtomicWord) return State::Atomic;
  return State::Condition;
}

// The waiter count over time from the lane's waits: +1 at the event that
// begins each, -1 at the one that ends it, in trace order (the begins come
// sorted, as the model lists its waits; the ends are sorted here), one step
// per distinct time and only where the count changes. Event indices, not
// times, order the steps: times of different threads may step back by a few
// ns, so a step's time is the latest so far (a Step never goes back).
void count_waiters(const format::Trace& trace, const std::vector<std::uint64_t>& begins,
                   std::vector<std::uint64_t>& ends, SignalLane& lane) {
  std::sort(ends.begin(), ends.end());
  std::int64_t value = 0;
  std::uint64_t time = 0;
  // Built here, where a step may still be replaced or dropped, then packed.
  std::vector<Step> steps;
  const auto step = [&](std::uint64_t event, int delta) {
    value += delta;
    time = std::max(time, trace.events.time_ns(event));
    if (!steps.empty() && steps.back().time_ns == time)
      steps.back() = {time, value, event};
    else
      steps.push_back({time, value, event});
    if (steps.size() >= 2 && steps[steps.size() - 2].value == value) steps.pop_back();
    lane.waiters.peak = std::max(lane.waiters.peak, value);
  };
  std::size_t b = 0, e = 0;
  while (b < begins.size() || e < ends.size()) {
    if (e == ends.size() || (b < begins.size() && begins[b] < ends[e]))
      step(begins[b++], 1);
    else
      step(ends[e++], -1);
  }
  for (const Step& s : steps) lane.waiter_steps.push_back(s);
  lane.waiter_steps.seal();
  lane.waiters.steps = lane.waiter_steps;
  lane.waiters.range_max.build(lane.waiters.steps);
}

void sort_ticks(std::vector<Tick>& ticks) {
  // Times of different threads may step back by a few ns; the ticks are
  // searched by time.
  std::stable_sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.time_ns < b.time_ns; });
}

}  // namespace

std::vector<Lane> build_signal_lanes(const format::Trace& trace, const analysis::Model& model, std::uint64_t begin_ns,
                                     std::uint64_t end_ns) {
  const std::size_t nobjects = trace.objects.size();
  std::vector<std::shared_ptr<SignalLane>> lanes(nobjects);
  bool any = false;
  for (std::uint32_t id = 1; id < nobjects; ++id) any = any || is_signal(trace.objects[id].kind);
  if (!any) return {};  // no pass over the events for a trace without conditions or events
  const auto use = [&](std::uint32_t id) -> SignalLane& {
    if (!lanes[id]) {
      lanes[id] = std::make_shared<SignalLane>();
      lanes[id]->object = id;
      lanes[id]->kind = trace.objects[id].kind;
      lanes[id]->rows.emplace_back();
    }
    return *lanes[id];
  };

  // Waits, in order of their begin: each on the lowest row free by then.
  // Two passes: the first picks each wait's row and counts what every row
  // gets, so the second fills vectors reserved to size (a trace of millions
  // of waits is not copied over by doubling vectors).
  const auto on_signal = [&](const analysis::Wait& w) {
    return (w.cause == analysis::WaitCause::Condition || w.cause == analysis::WaitCause::Event ||
            w.cause == analysis::WaitCause::Atomic) &&
           w.object != 0 && w.object < nobjects && is_signal(trace.objects[w.object].kind);
  };
  const auto span_of = [&](const analysis::Wait& w) {
    Span s;
    s.begin_event = w.begin;
    s.begin_ns = trace.events.time_ns(w.begin);
    s.end_event = w.end ? *w.end : kNoEvent;
    s.end_ns = std::max(w.end ? trace.events.time_ns(*w.end) : end_ns, s.begin_ns);
    s.object = w.object;
    s.who = w.thread;
    return s;
  };
  constexpr std::uint8_t kNoRow = 0xff;  // beyond the last row: counted, not drawn
  static_assert(kMaxSignalRows < kNoRow);
  struct RowPlan {
    std::array<std::uint64_t, kMaxSignalRows> end{};    // where each row's last wait ends
    std::array<std::size_t, kMaxSignalRows> count{};    // waits on each row
    std::size_t used = 0, waits = 0;
  };
  std::vector<RowPlan> plans(nobjects);
  std::vector<std::uint8_t> row_of(model.waits.size(), kNoRow);
  for (std::size_t k = 0; k < model.waits.size(); ++k) {
    const analysis::Wait& w = model.waits[k];
    if (!on_signal(w)) continue;
    const Span s = span_of(w);
    RowPlan& p = plans[w.object];
    ++p.waits;
    std::size_t r = 0;
    while (r < p.used && p.end[r] > s.begin_ns) ++r;
    if (r == p.used && p.used < kMaxSignalRows) ++p.used;
    if (r == p.used) continue;
    p.end[r] = s.end_ns;
    ++p.count[r];
    row_of[k] = static_cast<std::uint8_t>(r);
  }
  std::vector<std::vector<std::uint64_t>> begins(nobjects), ends(nobjects);  // event indices, for the waiter count
  for (std::uint32_t id = 1; id < nobjects; ++id) {
    const RowPlan& p = plans[id];
    if (p.waits == 0) continue;
    SignalLane& lane = use(id);
    lane.rows.resize(std::max<std::size_t>(p.used, 1));
    for (std::size_t r = 0; r < p.used; ++r) {
      SignalRow& row = lane.rows[r];
      row.spans.reserve(p.count[r]);
      row.outcomes.reserve(p.count[r]);
    }
    begins[id].reserve(p.waits);
    ends[id].reserve(p.waits);
  }
  for (std::size_t k = 0; k < model.waits.size(); ++k) {
    const analysis::Wait& w = model.waits[k];
    if (!on_signal(w)) continue;
    SignalLane& lane = use(w.object);
    ++lane.waits;
    begins[w.object].push_back(w.begin);
    if (w.end) ends[w.object].push_back(*w.end);
    if (row_of[k] == kNoRow) {
      ++lane.undrawn;
      continue;
    }
    Span s = span_of(w);
    s.state = wait_state(lane.kind);
    SignalRow& row = lane.rows[row_of[k]];
    row.spans.add(s);
    row.outcomes.push_back(outcome_of(trace, w, lane.kind));
  }
  std::vector<RowPlan>().swap(plans);
  std::vector<std::uint8_t>().swap(row_of);

  // Notifications, sets and wakes, with how many threads each found waiting
  // (the primitive records it: a condition's notify counts its waiters, an
  // event's set the waiters it woke, an atomic wake the waiters the kernel
  // woke).
  const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
    if (e.object == 0 || e.object >= nobjects) return;
    // A release on the notify or set channel, or a notify the table marks
    // as a point with no order behind it (an atomic wake).
    const format::Meaning& m = format::meaning(e.kind);
    const bool notifies = (m.sync.op == format::SyncOp::Releases &&
                           (m.sync.channel == format::Channel::Notify || m.sync.channel == format::Channel::Set)) ||
                          m.point == format::PointKind::Notify;
    if (!notifies || !is_signal(trace.objects[e.object].kind)) return;
    SignalLane& lane = use(e.object);
    const Tick tick{e.time_ns, i, false};
    // Nobody to wake is a lost wake-up only for a condition: an event stays
    // set, and an atomic word keeps its new value, which a waiter checks
    // before it sleeps.
    if (e.arg != 0)
      lane.heard.push_back(tick);
    else
      (lane.kind == format::ObjectKind::Condition ? lane.unheard : lane.latched).push_back(tick);
  };
  trace.events.for_each(0, trace.events.size(), visit);

  std::vector<Lane> out;
  for (const format::ObjectKind kind : kSignalKinds)
    for (std::uint32_t id = 1; id < nobjects; ++id) {
      if (!lanes[id] || lanes[id]->kind != kind) continue;
      SignalLane& s = *lanes[id];
      if (s.undrawn != 0) count_waiters(trace, begins[id], ends[id], s);  // else the rows show every waiter
      std::vector<std::uint64_t>().swap(begins[id]);
      std::vector<std::uint64_t>().swap(ends[id]);
      for (SignalRow& row : s.rows) row.spans.seal();
      sort_ticks(s.heard);
      sort_ticks(s.unheard);
      sort_ticks(s.latched);
      Lane lane;
      lane.kind = LaneKind::Signal;
      lane.id = id;
      lane.label = trace.object_label(id);
      lane.begin_ns = begin_ns;
      lane.end_ns = end_ns;
      lane.signal = std::move(lanes[id]);
      out.push_back(std::move(lane));
    }
  return out;
}

std::optional<std::uint64_t> waking_notification(std::span<const analysis::CausalEdge> edges, const format::Trace& trace,
                                                 std::uint32_t object, std::uint64_t wait_end) {
  auto it = std::lower_bound(edges.begin(), edges.end(), wait_end,
                             [](const analysis::CausalEdge& e, std::uint64_t v) { return e.to < v; });
  for (; it != edges.end() && it->to == wait_end; ++it)
    if ((it->kind == analysis::CausalKind::Notify || it->kind == analysis::CausalKind::EventSet) &&
        trace.events[it->from].object == object)
      return it->from;
  return std::nullopt;
}

void signal_frame(const SignalLane& lane, const format::Trace& trace, std::span<const analysis::CausalEdge> edges,
                  const Viewport& view, std::uint64_t end_ns, SignalDraw& out) {
  out.rows.resize(lane.rows.size());
  for (std::size_t r = 0; r < lane.rows.size(); ++r) {
    out.rows[r].clear();
    span_rects(lane.rows[r].spans, view, out.rows[r]);
  }
  out.heard.clear();
  out.unheard.clear();
  out.latched.clear();
  tick_marks(lane.heard, view, out.heard);
  tick_marks(lane.unheard, view, out.unheard);
  tick_marks(lane.latched, view, out.latched);
  out.waiters.clear();
  series_bars(lane.waiters, view, end_ns, out.waiters);

  // An arrow for each wait drawn as itself that a notification ended (a
  // pixel of folded waits gets none: past a few per pixel, arrows are a
  // texture). The notification may be off screen: its end is clamped a
  // little past the canvas so the arrow still points the right way.
  out.arrows.clear();
  for (std::size_t r = 0; r < lane.rows.size(); ++r)
    for (const SpanRect& rect : out.rows[r]) {
      if (rect.count != 1 || lane.rows[r].outcomes[rect.first] != WaitOutcome::Woken) continue;
      const Span& s = lane.rows[r].spans.spans[rect.first];
      const auto from = waking_notification(edges, trace, lane.object, s.end_event);
      if (!from) continue;
      const double x = view.x_of(static_cast<double>(trace.events.time_ns(*from)));
      out.arrows.push_back({static_cast<float>(std::clamp(x, view.x0 - 50, view.x0 + view.width + 50)), rect.x1, r,
                            *from, s.end_event});
    }
}

}  // namespace weft::viewer
