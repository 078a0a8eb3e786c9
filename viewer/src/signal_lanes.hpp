// Conditions, events and atomic words (what std::latch, std::barrier,
// std::counting_semaphore and std::atomic::wait wait on, under weft record)
// as lanes of their own: who waited on each (a span per wait, on the
// waiting thread's color), every notify, set or wake as a tick, the
// condition notifications that found nobody waiting (the seed of a lost
// wake-up) marked apart, and the wake arrows from a notification to the
// waits it ended (none for an atomic word: the kernel does not say which
// wake ended which wait).
//
// Laid out once when a trace is opened, from what the analysis already
// knows: the model's waits (cause Condition or Event), the notifications'
// own record of how many threads waited at the time (their arg: recorded by
// the primitive, not guessed), and, per frame, the analysis' causal edges
// for "which notification ended this wait". Drawing goes through the same
// aggregation as every other lane (aggregate.hpp), so a frame costs
// O(width * log n) per lane whatever the trace's size.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "aggregate.hpp"
#include "timeline.hpp"
#include "viewport.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/trace.hpp"

namespace weft::viewer {

// How a wait on a condition or event ended.
enum class WaitOutcome : std::uint8_t {
  Woken,     // notified, or the event was set
  TimedOut,  // a timed wait that ran out: nothing woke it
  Spurious,  // a condition wait that returned with no notification
  Open,      // still waiting when the trace ends
};

// One sub-row of a signal lane: waits that do not overlap in time, each
// with how it ended (outcomes[k] belongs to spans.spans[k]).
struct SignalRow {
  SpanList spans;  // Span::who is the waiting thread, Span::object the condition or event
  std::vector<WaitOutcome> outcomes;
};

// Waits at one time stack on this many sub-rows at most; waits beyond them
// are counted (SignalLane::waiters shows how many waited at any moment)
// but not drawn one by one: a lane of a hundred rows helps nobody read it.
inline constexpr std::size_t kMaxSignalRows = 4;

struct SignalLane {
  std::uint32_t object = 0;
  format::ObjectKind kind = format::ObjectKind::Condition;  // Condition, Event (stays set) or AtomicWord
  std::vector<SignalRow> rows;   // at least one; a wait goes on the lowest row free when it begins
  std::vector<Tick> heard;       // notifications that found a waiter; sets that woke one
  std::vector<Tick> unheard;     // condition notifications that found no waiter: nobody heard them
  std::vector<Tick> latched;     // event sets and atomic wakes that woke nobody: the event stays set, the
                                 // word keeps its value, a later wait passes
  // Threads waiting, over time (every wait, drawn or not), for a lane whose
  // waiters overflow its rows; empty when every wait is drawn (the rows show
  // them all, and a count per wait would cost as much as the waits).
  analysis::Steps waiter_steps;
  Series waiters;                // over waiter_steps (which it points to: a SignalLane is built in place, never moved)
  std::size_t waits = 0;         // waits on the object in all
  std::size_t undrawn = 0;       // waits beyond kMaxSignalRows: counted in `waiters`, not drawn
};

// The lanes of every condition, event and atomic word that was waited on,
// notified, set or woken: conditions, then events, then atomic words, by
// object id within a kind; each has kind
// LaneKind::Signal, its object's id and label, the trace's extent, and its
// SignalLane. `begin_ns`/`end_ns`: the trace's extent (an open wait lasts to
// the end).
std::vector<Lane> build_signal_lanes(const format::Trace& trace, const analysis::Model& model, std::uint64_t begin_ns,
                                     std::uint64_t end_ns);

// A wake arrow as drawn: from the notification (at its time, on the tick
// strip) to the end of the wait it ended (on that wait's row).
struct WakeArrow {
  float x_from = 0, x_to = 0;
  std::size_t row = 0;
  std::uint64_t notify = 0;    // event index of the notify or set
  std::uint64_t wait_end = 0;  // event index of the wait's end
};

// What one frame draws of a signal lane. Rects of each row, ticks and the
// waiter count come from the shared aggregation (a pixel with many spans or
// ticks is one rect or mark); arrows go to waits drawn as themselves, at
// most one per drawn rectangle.
struct SignalDraw {
  std::vector<std::vector<SpanRect>> rows;  // one per SignalLane::rows
  std::vector<TickMark> heard, unheard, latched;
  std::vector<SeriesBar> waiters;
  std::vector<WakeArrow> arrows;
};
// `edges`: the analysis' causal edges ordered by `to` (Document::edges).
void signal_frame(const SignalLane& lane, const format::Trace& trace, std::span<const analysis::CausalEdge> edges,
                  const Viewport& view, std::uint64_t end_ns, SignalDraw& out);

// The notification that ended the wait ending at event `wait_end`, if an
// edge of the analysis says so (a notify or set of `object`).
std::optional<std::uint64_t> waking_notification(std::span<const analysis::CausalEdge> edges, const format::Trace& trace,
                                                 std::uint32_t object, std::uint64_t wait_end);

}  // namespace weft::viewer
