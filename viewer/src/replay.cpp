#include "replay.hpp"

#include <algorithm>

#include "weft/analysis/model.hpp"

namespace weft::viewer {

using format::EventKind;

std::vector<std::uint32_t> ReplayState::waiters_of(std::uint32_t object) const {
  std::vector<std::uint32_t> out;
  for (const auto& [thread, w] : waiting)
    if (w.object == object && object != 0) out.push_back(thread);
  return out;
}

void apply_event(ReplayState& s, const format::Trace& trace, std::uint64_t index) {
  const format::Event& e = trace.events[index];
  s.applied = index + 1;
  const bool sequenced = e.seq != format::kNoSeq;

  if (e.kind == EventKind::ThreadEnd) {
    s.alive.erase(e.thread);
    s.ended.insert(e.thread);
  } else if (!s.ended.count(e.thread)) {
    s.alive.insert(e.thread);
  }

  // What the thread waits for: set by a wait's begin, cleared by its next
  // event of its own, except the mutex release and re-acquisition a
  // condition wait makes inside itself, and annotations.
  const bool refused = (e.kind == EventKind::CondWaitBegin && (e.flags & format::kFlagNotOwner)) ||
                       (e.kind == EventKind::ThreadJoinBegin && e.arg == e.thread);
  if (const auto cause = analysis::wait_cause(e.kind); cause && !refused)
    s.waiting[e.thread] = Waiting{state_of(*cause), *cause == analysis::WaitCause::Sleep ? 0 : e.object, index};
  else if (e.kind != EventKind::Mark && e.kind != EventKind::Log && !(e.flags & format::kFlagCondition))
    s.waiting.erase(e.thread);

  switch (e.kind) {
    case EventKind::MutexAcquired:
      if (sequenced) {
        auto it = s.holders.find(e.object);
        if (it != s.holders.end() && it->second.thread == e.thread)
          it->second.depth = std::max<std::uint64_t>(e.arg, 1);
        else
          s.holders[e.object] = LockHolder{e.thread, std::max<std::uint64_t>(e.arg, 1), index};
      }
      break;
    case EventKind::MutexReleased:
      if (sequenced) {
        if (e.arg == 0)
          s.holders.erase(e.object);
        else if (auto it = s.holders.find(e.object); it != s.holders.end())
          it->second.depth = e.arg;
      }
      break;
    case EventKind::QueuePut: ++s.queue_depth[e.object]; break;
    case EventKind::QueueGet: --s.queue_depth[e.object]; break;
    case EventKind::SemAcquired:
    case EventKind::SemReleased:
      if (sequenced && !(e.flags & format::kFlagRejected)) s.semaphore_value[e.object] = static_cast<std::int64_t>(e.arg);
      break;
    case EventKind::BarrierArrive: s.barrier_arrived[e.object] = static_cast<std::uint32_t>(e.arg & 0xffffffffu) + 1; break;
    case EventKind::BarrierLeave:
    case EventKind::BarrierAbort:
    case EventKind::BarrierReset: s.barrier_arrived[e.object] = 0; break;
    default: break;
  }
}

const ReplayState& Replayer::seek(std::uint64_t cursor) {
  cursor = std::min<std::uint64_t>(cursor, trace_->events.size());
  if (checkpoints_.empty()) checkpoints_.push_back(ReplayState{});
  // Restart from the last checkpoint at or before the cursor when going
  // back, or when it is further on than where we are.
  const std::uint64_t k = std::min<std::uint64_t>(cursor / every_, checkpoints_.size() - 1);
  if (cursor < current_.applied || k * every_ > current_.applied) current_ = checkpoints_[k];
  while (current_.applied < cursor) {
    apply_event(current_, *trace_, current_.applied);
    if (current_.applied % every_ == 0 && current_.applied / every_ == checkpoints_.size())
      checkpoints_.push_back(current_);
  }
  return current_;
}

}  // namespace weft::viewer
