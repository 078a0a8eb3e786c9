#include "weft/analysis/happens_before.hpp"

namespace weft::analysis {

using format::EventKind;

HappensBefore::HappensBefore(const format::Trace& trace)
    : trace_(trace), clocks_(trace.threads.size()), last_sync_(trace.threads.size(), ~std::uint64_t{0}) {
  // Every thread starts at 1, so that 0 means "never synchronized with".
  for (std::uint32_t t = 0; t < clocks_.size(); ++t) clocks_[t].set(t, 1);
}

void HappensBefore::release_into(std::uint32_t thread, VectorClock& into) {
  into.join(clocks_[thread]);
  tick(thread);
}

void HappensBefore::step(std::uint64_t index) {
  const format::Event& e = trace_.events[index];
  const std::uint32_t t = e.thread;
  if (t >= clocks_.size()) return;
  const bool sequenced = e.seq != format::kNoSeq;
  bool synchronized = true;
  switch (e.kind) {
    // Locks: a release publishes, the next acquisition takes it.
    case EventKind::MutexReleased:
      if (sequenced) release_into(t, object_clock(e.object));
      break;
    case EventKind::MutexAcquired: acquire(t, object_clock(e.object)); break;

    // Conditions: a notification reaches the waits it ends (the mutex gives
    // the rest).
    case EventKind::CondNotifyOne:
    case EventKind::CondNotifyAll: release_into(t, object_clock(e.object)); break;
    case EventKind::CondWaitEnd:
      if (e.arg == static_cast<std::uint64_t>(format::WakeReason::Notified)) acquire(t, object_clock(e.object));
      break;

    case EventKind::SemReleased:
      if (sequenced) release_into(t, object_clock(e.object));
      break;
    case EventKind::SemAcquired: acquire(t, object_clock(e.object)); break;

    // Barriers: every arrival of a generation before every departure from it.
    case EventKind::BarrierArrive: release_into(t, keyed_[{e.object, e.arg >> 32}]); break;
    case EventKind::BarrierLeave:
      if (sequenced) acquire(t, keyed_[{e.object, e.arg >> 32}]);
      break;

    case EventKind::EventSet: release_into(t, object_clock(e.object)); break;
    case EventKind::EventWaitEnd:
    case EventKind::EventIsSet:
      if (e.arg) acquire(t, object_clock(e.object));
      break;

    // Queues: an item's put before its get; every task_done before join.
    case EventKind::QueuePut: release_into(t, keyed_[{e.object, e.arg}]); break;
    case EventKind::QueueGet: {
      const auto it = keyed_.find({e.object, e.arg});
      if (it != keyed_.end()) {
        acquire(t, it->second);
        keyed_.erase(it);
      }
      break;
    }
    case EventKind::QueueTaskDone:
      if (sequenced) release_into(t, task_done_[e.object]);
      break;
    case EventKind::QueueJoinEnd: acquire(t, task_done_[e.object]); break;

    // Threads: create before start, end before join.
    case EventKind::ThreadCreate: release_into(t, started_[e.object]); break;
    case EventKind::ThreadStart: acquire(t, started_[e.object]); break;
    case EventKind::ThreadEnd: release_into(t, ended_[e.object]); break;
    case EventKind::ThreadJoinEnd:
      if (e.arg) acquire(t, ended_[e.object]);
      break;

    // Pools: submit before the task starts; its end before whoever sees it
    // done (a result, a callback).
    case EventKind::PoolSubmit: release_into(t, started_[static_cast<std::uint32_t>(e.arg)]); break;
    case EventKind::TaskStart: acquire(t, started_[e.object]); break;
    case EventKind::TaskEnd:
    case EventKind::FutureCancel: release_into(t, ended_[e.object]); break;
    case EventKind::FutureWaitEnd:
      if (e.arg) acquire(t, ended_[e.object]);
      break;
    case EventKind::FutureCallback: acquire(t, ended_[e.object]); break;

    case EventKind::TimerStart: release_into(t, object_clock(e.object)); break;
    case EventKind::TimerFire: acquire(t, object_clock(e.object)); break;

    default: synchronized = false;
  }
  if (synchronized) last_sync_[t] = index;
}

}  // namespace weft::analysis
