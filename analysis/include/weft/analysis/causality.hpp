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

enum class CausalKind {
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

struct CausalEdge {
  std::uint64_t from = 0;  // index in Trace::events
  std::uint64_t to = 0;    // index in Trace::events; always after `from`
  CausalKind kind{};
  // The released side had been blocked (a contended lock, a wait that
  // ended by this edge): the edge answers "who unblocked me".
  bool unblocked = false;
};

// Grown in place (large_vector.hpp): a contended trace has an edge for
// about every tenth event.
using CausalEdges = format::LargeVector<CausalEdge>;

// Every edge between two different threads, ordered by `to`, then `from`.
CausalEdges causal_edges(const format::Trace& trace);

// The edge that ended the blocking of the event at index `to`, if any
// (edges as returned by causal_edges).
std::optional<CausalEdge> unblocker(std::span<const CausalEdge> edges, std::uint64_t to);

}  // namespace weft::analysis
