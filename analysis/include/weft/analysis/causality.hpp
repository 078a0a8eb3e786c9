// Who let whom go on: the causal edges between events of different threads
// that the primitives create, for drawing (the viewer's arrows, the Chrome
// export's flows) and for answering "who unblocked me, and when". The same
// rules as happens-before (see happens_before.hpp), but as pairs of events
// instead of clocks: each edge links the one event that released to the one
// that was released.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "weft/format/large_vector.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis {

enum class CausalKind : std::uint8_t {
  Unlock,        // mutex.released -> the next mutex.acquired by another thread
  Notify,        // cond.notify_* -> a cond.wait.end it woke
  SemRelease,    // sem.released -> the sem.acquired that took that permit
  Barrier,       // the last barrier.arrive of a generation -> each barrier.leave of it
  EventSet,      // event.set -> an event.wait.end that saw it set
  QueueItem,     // queue.put -> queue.get of the same item
  TaskDone,      // the last queue.task_done -> queue.join.end
  ThreadStart,   // thread.create -> thread.start
  ThreadJoin,    // thread.end -> thread.join.end
  TaskSubmit,    // pool.submit -> task.start
  TaskResult,    // task.end (or future.cancel) -> future.wait.end / future.callback
  TimerFire,     // timer.start -> timer.fire
};
std::string_view causal_kind_name(CausalKind k);  // "unlock", "notify", ...

// 16 bytes, not 24 (a contended billion-event trace has 65 M edges): the
// fields are bit-fields, an event's index in 56 bits or more (2^56 events
// would take hundreds of petabytes). Bit-fields bind to no reference:
// compare them as values, not through std::tie.
struct CausalEdge {
  CausalEdge() = default;
  CausalEdge(std::uint64_t from_event, std::uint64_t to_event, CausalKind how, bool was_blocked = false)
      : from(from_event), kind(how), to(to_event), unblocked(was_blocked) {}

  std::uint64_t from : 56 = 0;  // index in Trace::events
  CausalKind kind : 8 = CausalKind::Unlock;
  std::uint64_t to : 63 = 0;    // index in Trace::events; always after `from`
  // The released side had been blocked (a contended lock, a wait that
  // ended by this edge): the edge answers "who unblocked me".
  bool unblocked : 1 = false;
};
static_assert(sizeof(CausalEdge) == 16);

// Ordered by `to`, then `from`: the order causal_edges gives.
inline bool before_by_to(const CausalEdge& a, const CausalEdge& b) {
  return a.to != b.to ? a.to < b.to : a.from < b.from;
}
// Ordered by `from`, then `to`.
inline bool before_by_from(const CausalEdge& a, const CausalEdge& b) {
  return a.from != b.from ? a.from < b.from : a.to < b.to;
}

// Grown in place (large_vector.hpp): a contended trace has an edge for
// about every tenth event.
using CausalEdges = format::LargeVector<CausalEdge>;

// Every edge between two different threads, ordered by `to`, then `from`.
CausalEdges causal_edges(const format::Trace& trace);

// The edge that ended the blocking of the event at index `to`, if any
// (edges as returned by causal_edges).
std::optional<CausalEdge> unblocker(std::span<const CausalEdge> edges, std::uint64_t to);

}  // namespace weft::analysis
