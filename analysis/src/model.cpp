#include "weft/analysis/model.hpp"

#include <algorithm>

namespace weft::analysis {

using format::EventKind;

std::string_view wait_cause_name(WaitCause c) {
  switch (c) {
    case WaitCause::Lock: return "lock";
    case WaitCause::Condition: return "condition";
    case WaitCause::Semaphore: return "semaphore";
    case WaitCause::Barrier: return "barrier";
    case WaitCause::Event: return "event";
    case WaitCause::QueuePut: return "queue put";
    case WaitCause::QueueGet: return "queue get";
    case WaitCause::QueueJoin: return "queue join";
    case WaitCause::Join: return "join";
    case WaitCause::Future: return "future";
    case WaitCause::Sleep: return "sleep";
  }
  return "?";
}

std::optional<WaitCause> wait_cause(EventKind begin) {
  switch (begin) {
    case EventKind::MutexLockBegin: return WaitCause::Lock;
    case EventKind::CondWaitBegin: return WaitCause::Condition;
    case EventKind::SemAcquireBegin: return WaitCause::Semaphore;
    case EventKind::BarrierArrive: return WaitCause::Barrier;
    case EventKind::EventWaitBegin: return WaitCause::Event;
    case EventKind::QueuePutBegin: return WaitCause::QueuePut;
    case EventKind::QueueGetBegin: return WaitCause::QueueGet;
    case EventKind::QueueJoinBegin: return WaitCause::QueueJoin;
    case EventKind::ThreadJoinBegin: return WaitCause::Join;
    case EventKind::FutureWaitBegin: return WaitCause::Future;
    case EventKind::SleepBegin: return WaitCause::Sleep;
    default: return std::nullopt;
  }
}

namespace {

// Whether `end` closes a wait of cause `c`.
bool ends(WaitCause c, EventKind end) {
  switch (c) {
    case WaitCause::Lock: return end == EventKind::MutexAcquired || end == EventKind::MutexTryFailed;
    case WaitCause::Condition: return end == EventKind::CondWaitEnd;
    case WaitCause::Semaphore: return end == EventKind::SemAcquired || end == EventKind::SemAcquireFailed;
    case WaitCause::Barrier: return end == EventKind::BarrierLeave;
    case WaitCause::Event: return end == EventKind::EventWaitEnd;
    case WaitCause::QueuePut: return end == EventKind::QueuePut || end == EventKind::QueuePutFailed;
    case WaitCause::QueueGet: return end == EventKind::QueueGet || end == EventKind::QueueGetFailed;
    case WaitCause::QueueJoin: return end == EventKind::QueueJoinEnd;
    case WaitCause::Join: return end == EventKind::ThreadJoinEnd;
    case WaitCause::Future: return end == EventKind::FutureWaitEnd;
    case WaitCause::Sleep: return end == EventKind::SleepEnd;
  }
  return false;
}

}  // namespace

bool Model::stopped_as_stuck() const {
  return trace->end.has_value() && trace->end->reason == format::EndReason::Watchdog;
}

Model build_model(const format::Trace& trace) {
  Model m;
  m.trace = &trace;
  m.lives.resize(trace.threads.size());
  m.thread_of_object.assign(trace.objects.size(), ~0u);
  for (const format::ThreadInfo& t : trace.threads) {
    if (t.object < m.thread_of_object.size()) m.thread_of_object[t.object] = t.id;
    m.lives[t.id].daemon = (t.flags & format::kThreadDaemon) != 0;
    m.lives[t.id].main = (t.flags & format::kThreadMain) != 0;
  }
  if (!trace.events.empty()) m.end_ns = trace.events.back().time_ns;

  std::vector<std::size_t> open(trace.threads.size(), SIZE_MAX);  // index into waits
  for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
    const format::Event& e = trace.events[i];
    if (e.thread >= trace.threads.size()) continue;
    ThreadLife& life = m.lives[e.thread];
    if (e.kind == EventKind::ThreadStart && !life.start) {
      life.start = i;
      life.start_ns = e.time_ns;
    }
    if (e.kind == EventKind::ThreadEnd) {
      life.end = i;
      life.end_ns = e.time_ns;
    }
    std::size_t& w = open[e.thread];
    if (w != SIZE_MAX) {
      Wait& wait = m.waits[w];
      const bool same_object = wait.cause == WaitCause::Sleep || wait.object == e.object;
      if (same_object && ends(wait.cause, e.kind)) {
        wait.end = i;
        w = SIZE_MAX;
        continue;
      }
    }
    // Waits the runtime refused (and threw for) never began.
    const bool refused = (e.kind == EventKind::CondWaitBegin && (e.flags & format::kFlagNotOwner)) ||
                         (e.kind == EventKind::ThreadJoinBegin && e.arg == e.thread);
    if (const auto cause = wait_cause(e.kind); cause && !refused) {
      Wait wait;
      wait.thread = e.thread;
      wait.object = *cause == WaitCause::Sleep ? 0 : e.object;
      wait.cause = *cause;
      wait.begin = i;
      wait.timed = *cause == WaitCause::Sleep || (e.flags & format::kFlagTimed) != 0;
      w = m.waits.size();
      m.waits.push_back(wait);
    }
  }
  for (ThreadLife& life : m.lives)
    if (!life.end) life.end_ns = m.end_ns;
  return m;
}

}  // namespace weft::analysis
