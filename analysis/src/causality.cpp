#include "weft/analysis/causality.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace weft::analysis {

using format::EventKind;

std::string_view causal_kind_name(CausalKind k) {
  switch (k) {
    case CausalKind::Unlock: return "unlock";
    case CausalKind::Notify: return "notify";
    case CausalKind::SemRelease: return "release";
    case CausalKind::Barrier: return "barrier";
    case CausalKind::EventSet: return "set";
    case CausalKind::QueueItem: return "item";
    case CausalKind::TaskDone: return "task_done";
    case CausalKind::ThreadStart: return "start";
    case CausalKind::ThreadJoin: return "join";
    case CausalKind::TaskSubmit: return "submit";
    case CausalKind::TaskResult: return "result";
    case CausalKind::TimerFire: return "fire";
  }
  return "?";
}

namespace {

constexpr std::uint64_t kNone = ~std::uint64_t{0};

// Kinds after which a thread is (possibly) blocked until the matching end.
bool starts_blocking(EventKind k) {
  switch (k) {
    case EventKind::MutexLockBegin:
    case EventKind::CondWaitBegin:
    case EventKind::SemAcquireBegin:
    case EventKind::BarrierArrive:
    case EventKind::EventWaitBegin:
    case EventKind::QueuePutBegin:
    case EventKind::QueueGetBegin:
    case EventKind::QueueJoinBegin:
    case EventKind::ThreadJoinBegin:
    case EventKind::FutureWaitBegin: return true;
    default: return false;
  }
}

// One pass in trace order, remembering per object the event that would
// release the next waiter.
class EdgeFinder {
 public:
  explicit EdgeFinder(const format::Trace& trace) : trace_(trace), pending_(trace.threads.size(), kNone) {}

  std::vector<CausalEdge> run() {
    for (std::uint64_t i = 0; i < trace_.events.size(); ++i) step(i);
    std::sort(edges_.begin(), edges_.end(),
              [](const CausalEdge& a, const CausalEdge& b) { return std::tie(a.to, a.from) < std::tie(b.to, b.from); });
    return std::move(edges_);
  }

 private:
  void link(std::uint64_t from, std::uint64_t to, CausalKind kind) {
    if (from == kNone) return;
    const format::Event& a = trace_.events[from];
    const format::Event& b = trace_.events[to];
    if (a.thread == b.thread) return;
    // The released thread was blocked if it had begun waiting before the
    // releasing event (or its own event says it had to wait).
    const std::uint64_t began = b.thread < pending_.size() ? pending_[b.thread] : kNone;
    const bool unblocked = (began != kNone && began < from) || (b.flags & format::kFlagContended);
    edges_.push_back({from, to, kind, unblocked});
  }
  struct Permits {
    std::uint64_t value = 0;         // the semaphore's value after its last event
    std::uint64_t initial_left = 0;  // initial permits not yet taken
    std::deque<std::pair<std::uint64_t, std::uint64_t>> released;  // (release event, permits left of it)
  };
  Permits& permits(std::uint32_t object) {
    const auto [it, fresh] = permits_.try_emplace(object);
    if (fresh && object < trace_.objects.size()) it->second.value = it->second.initial_left = trace_.objects[object].extra;
    return it->second;
  }
  static std::uint64_t take(std::unordered_map<std::uint32_t, std::uint64_t>& m, std::uint32_t key) {
    const auto it = m.find(key);
    return it == m.end() ? kNone : it->second;
  }

  void step(std::uint64_t i) {
    const format::Event& e = trace_.events[i];
    const bool sequenced = e.seq != format::kNoSeq;
    switch (e.kind) {
      case EventKind::MutexReleased:
        if (sequenced) release_[e.object] = i;
        break;
      case EventKind::MutexAcquired: link(take(release_, e.object), i, CausalKind::Unlock); break;

      case EventKind::CondNotifyOne:
      case EventKind::CondNotifyAll: notify_[e.object] = i; break;
      case EventKind::CondWaitEnd:
        if (e.arg == static_cast<std::uint64_t>(format::WakeReason::Notified))
          link(take(notify_, e.object), i, CausalKind::Notify);
        break;

      // Permits are taken first in, first out: the initial permits (the
      // object's `extra`) came first and give no edge, then each release's,
      // as many as it added (release(n) raises the value by n).
      case EventKind::SemReleased:
        if (sequenced) {
          Permits& p = permits(e.object);
          const std::uint64_t added = e.arg > p.value ? e.arg - p.value : 1;
          p.released.emplace_back(i, added);
          p.value = e.arg;
        }
        break;
      case EventKind::SemAcquired: {
        Permits& p = permits(e.object);
        if (p.initial_left > 0) {
          --p.initial_left;
        } else if (!p.released.empty()) {
          link(p.released.front().first, i, CausalKind::SemRelease);
          if (--p.released.front().second == 0) p.released.pop_front();
        }
        p.value = e.arg;
        break;
      }

      case EventKind::BarrierArrive: arrivals_[{e.object, e.arg >> 32}] = i; break;
      case EventKind::BarrierLeave:
        if (sequenced) {
          const auto it = arrivals_.find({e.object, e.arg >> 32});
          if (it != arrivals_.end()) link(it->second, i, CausalKind::Barrier);
        }
        break;

      case EventKind::EventSet: set_[e.object] = i; break;
      case EventKind::EventClear: set_.erase(e.object); break;
      case EventKind::EventWaitEnd:
        if (e.arg) link(take(set_, e.object), i, CausalKind::EventSet);
        break;

      case EventKind::QueuePut: items_[{e.object, e.arg}] = i; break;
      case EventKind::QueueGet: {
        const auto it = items_.find({e.object, e.arg});
        if (it != items_.end()) {
          link(it->second, i, CausalKind::QueueItem);
          items_.erase(it);
        }
        break;
      }
      case EventKind::QueueTaskDone:
        if (sequenced) task_done_[e.object] = i;
        break;
      case EventKind::QueueJoinEnd: link(take(task_done_, e.object), i, CausalKind::TaskDone); break;

      case EventKind::ThreadCreate: created_[e.object] = i; break;
      case EventKind::ThreadStart: link(take(created_, e.object), i, CausalKind::ThreadStart); break;
      case EventKind::ThreadEnd: ended_[e.object] = i; break;
      case EventKind::ThreadJoinEnd:
        if (e.arg) link(take(ended_, e.object), i, CausalKind::ThreadJoin);
        break;

      case EventKind::PoolSubmit: submitted_[static_cast<std::uint32_t>(e.arg)] = i; break;
      case EventKind::TaskStart: link(take(submitted_, e.object), i, CausalKind::TaskSubmit); break;
      // The first event that settles the future releases its waiters: a
      // task's end, or a cancel in time (arg 1). A cancel too late (arg 0)
      // settled nothing, and the task.end a cancelled task records when a
      // worker skips it comes after the cancel that released them.
      case EventKind::TaskEnd: finished_.emplace(e.object, i); break;
      case EventKind::FutureCancel:
        if (e.arg) finished_.emplace(e.object, i);
        break;
      case EventKind::FutureWaitEnd:
        if (e.arg) link(take(finished_, e.object), i, CausalKind::TaskResult);
        break;
      case EventKind::FutureCallback: link(take(finished_, e.object), i, CausalKind::TaskResult); break;

      case EventKind::TimerStart: timer_started_[e.object] = i; break;
      case EventKind::TimerFire: link(take(timer_started_, e.object), i, CausalKind::TimerFire); break;

      default: break;
    }
    if (e.thread < pending_.size()) {
      if (starts_blocking(e.kind))
        pending_[e.thread] = i;
      // A condition wait gives up and retakes its mutex inside the wait.
      else if (e.kind != EventKind::Mark && e.kind != EventKind::Log && !(e.flags & format::kFlagCondition))
        pending_[e.thread] = kNone;
    }
  }

  const format::Trace& trace_;
  std::vector<std::uint64_t> pending_;  // by thread: the begin of the wait it is in
  std::vector<CausalEdge> edges_;
  std::unordered_map<std::uint32_t, std::uint64_t> release_, notify_, set_, task_done_, created_, ended_, submitted_,
      finished_, timer_started_;
  std::unordered_map<std::uint32_t, Permits> permits_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> arrivals_, items_;
};

}  // namespace

std::vector<CausalEdge> causal_edges(const format::Trace& trace) { return EdgeFinder(trace).run(); }

std::optional<CausalEdge> unblocker(const std::vector<CausalEdge>& edges, std::uint64_t to) {
  auto it = std::lower_bound(edges.begin(), edges.end(), to, [](const CausalEdge& e, std::uint64_t v) { return e.to < v; });
  for (; it != edges.end() && it->to == to; ++it)
    if (it->unblocked) return *it;
  return std::nullopt;
}

}  // namespace weft::analysis
