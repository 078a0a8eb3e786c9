// Hangs: threads blocked forever. A wait that is still open when the trace
// ends, in a program that did not finish on its own (weft stopped it, or it
// was killed), on something nobody is left to signal. Timed waits are not
// hangs: they end by themselves. Waiting to join a thread, or for a task,
// that is itself stuck is part of that thread's hang, not a hang of its own.
//
// Lost wake-ups: a hang on a condition that was notified before the stuck
// wait began, while nobody waited on it, or by a notify_all that reached
// the others already waiting but not this thread, which began its first wait
// on the condition after it (four consumers that each wait once for one
// broadcast: the late one misses it). The notification was the one the
// waiter needed; it came too early and was lost.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {


// What a thread waiting with cause `c` on `name` waits for, in words.
std::string waiting_for(WaitCause c, const std::string& name) {
  switch (c) {
    case WaitCause::Lock: return "lock " + name;
    case WaitCause::LockShared: return "a shared hold of lock " + name;
    case WaitCause::Condition: return "condition " + name;
    case WaitCause::Semaphore: return "semaphore " + name;
    case WaitCause::Barrier: return "barrier " + name;
    case WaitCause::Event: return "event " + name;
    case WaitCause::QueuePut: return "room in queue " + name;
    case WaitCause::QueueGet: return "an item from queue " + name;
    case WaitCause::QueueJoin: return "every task of queue " + name;
    case WaitCause::Join: return "the end of thread " + name;
    case WaitCause::Future: return "the result of " + name;
    case WaitCause::Sleep: return "the end of a sleep";
    case WaitCause::Process: return "the end of process " + name;
    case WaitCause::PipeRecv: return "a message on pipe " + name;
    case WaitCause::Atomic: return "atomic " + name + " to change";
  }
  return name;
}

// The last notification of `condition` that found nobody waiting, before
// the earliest of the stuck waits directly on it, as a lost wake-up.
std::optional<Finding> lost_wakeup(const format::Trace& t, std::uint32_t condition,
                                   const std::vector<const Wait*>& stuck, const std::string& name) {
  const Wait* waiter = nullptr;
  for (const Wait* w : stuck)
    if (w->cause == WaitCause::Condition && w->object == condition && (!waiter || w->begin < waiter->begin)) waiter = w;
  if (!waiter) return std::nullopt;
  const format::Event& w = t.events[waiter->begin];
  std::optional<std::uint64_t> notify;
  bool waited_before = false;  // the waiter's earlier waits on it: a broadcast then may have been for those
  for (std::uint64_t i = 0; i < waiter->begin; ++i) {
    const format::Event& e = t.events[i];
    if (e.object != condition) continue;
    const format::SyncRole& sync = format::meaning(e.kind).sync;
    if (e.thread == w.thread && e.kind == format::EventKind::CondWaitBegin) waited_before = true;
    // A notification's arg is how many threads waited on it at the time.
    if (sync.op == format::SyncOp::Releases && sync.channel == format::Channel::Notify &&
        (e.arg == 0 || e.kind == format::EventKind::CondNotifyAll))
      notify = i;
  }
  if (!notify) return std::nullopt;
  const format::Event& n = t.events[*notify];
  const bool nobody = n.arg == 0;
  if (!nobody && waited_before) return std::nullopt;
  Finding lost;
  lost.kind = FindingKind::LostWakeup;
  lost.about = name;
  lost.title = "lost wake-up on " + name + ": notified at " + site_text(t, n.site) +
               (nobody ? " while nobody waited" : " before " + thread_name(t, w.thread) + " waited");
  lost.explanation =
      thread_name(t, n.thread) + " notified " + name + " at " + site_text(t, n.site) +
      (nobody ? " when no thread was waiting on it, so the notification was lost. "
              : " and woke the " + std::to_string(n.arg) + " thread" + (n.arg == 1 ? "" : "s") +
                    " waiting then; a notification reaches only those. ") +
      thread_name(t, w.thread) + " began the wait that needed it afterwards, at " + site_text(t, w.site) +
      ", and nothing woke it. Wait in a loop on a condition (a predicate) that the notifier sets, so a "
      "notification that comes first is not needed.";
  lost.threads = {n.thread, w.thread};
  lost.objects = {condition};
  lost.sites = {n.site, w.site};
  lost.events = {*notify, waiter->begin};
  return lost;
}

constexpr std::uint64_t kNone = ~std::uint64_t{0};

// The acquisition of `lock` that still held it after the events before
// `end` that `counts` (an index) admits, or kNone: its last acquisition,
// unless a release that let go of it entirely (arg 0, not one level of a
// recursive hold) came after.
template <class Counts>
std::uint64_t held_since(const format::Trace& t, std::uint32_t lock, std::uint64_t end, Counts counts) {
  std::uint64_t taken = kNone;
  for (std::uint64_t i = 0; i < end; ++i) {
    const format::Event& e = t.events[i];
    if (e.object != lock || e.seq == format::kNoSeq || !counts(i)) continue;
    const format::HoldOp hold = format::meaning(e.kind).hold;
    if (hold == format::HoldOp::Takes) taken = i;
    if (hold == format::HoldOp::Drops && e.arg == 0) taken = kNone;
  }
  return taken;
}

// A lock a child of fork() (weft record -f, weft::process) waits for for
// ever because the child inherited it held: fork copies the memory, the
// lock's state with it, but only the thread that called fork, so its
// holder is a thread of the parent that the child does not have. Empty if
// the lock's holder is a thread of the waiter's own process, or the lock is
// shared between processes (its holder is real there). Only the parent's
// events before the fork count: the parent releasing its copy later frees
// nothing in the child.
std::string inherited_lock(const format::Trace& t, std::uint32_t lock, const Wait& w) {
  if (lock >= t.objects.size() || t.objects[lock].shared_key != 0) return {};
  const std::uint32_t process = t.threads[w.thread].process;
  std::uint64_t forked = kNone;  // the child's process.start
  for (std::uint64_t i = 0; i < w.begin && forked == kNone; ++i)
    if (t.events[i].kind == format::EventKind::ProcessStart && t.threads[t.events[i].thread].process == process)
      forked = i;
  // The holder, as the child sees it: the parent's events after the fork
  // are its own copy's.
  const std::uint64_t taken = held_since(t, lock, w.begin, [&](std::uint64_t i) {
    return forked == kNone || i < forked || t.threads[t.events[i].thread].process == process;
  });
  if (forked == kNone) return {};
  const std::string name = object_name(t, lock), at = site_text(t, t.events[forked].site);
  const std::string advice =
      " Fork only where no other thread can hold a lock the child will need, or take such locks before the fork "
      "and release them in both processes after it (pthread_atfork).";
  if (taken != kNone && t.threads[t.events[taken].thread].process != process) {
    const format::Event& holder = t.events[taken];
    return name + " was held by " + thread_name(t, holder.thread) + " (taken at " + site_text(t, holder.site) +
           ") when this process was forked from it at " + at +
           ". fork copies the lock held, but not the thread holding it: nobody in this process will ever release "
           "it." + advice;
  }
  if (taken == kNone)
    return "No thread of this process took " + name + " after it was forked at " + at +
           ": it was held then by a thread of the parent, which fork does not copy, so nobody in this process "
           "will ever release it." + advice;
  return {};
}

// Who holds `lock` at the end, in words, for a hang on it: a holder that is
// itself blocked (a circle: it joins a thread that waits for the lock, say)
// or one that ended holding it; empty when the trace does not say.
std::string lock_holder(const format::Trace& t, std::uint32_t lock, const Wait& w,
                        const std::map<std::uint32_t, Wait>& stuck) {
  const std::uint64_t taken = held_since(t, lock, t.events.size(), [](std::uint64_t) { return true; });
  if (taken == kNone) return {};
  const format::Event& holder = t.events[taken];
  bool ended = false;
  for (std::uint64_t i = taken + 1; i < t.events.size() && !ended; ++i)
    ended = t.events[i].thread == holder.thread && t.events[i].kind == format::EventKind::ThreadEnd;
  if (holder.thread == w.thread) return {};
  const std::string who = thread_name(t, holder.thread), name = object_name(t, lock);
  const std::string since = " (taken at " + site_text(t, holder.site) + ")";
  if (ended) return name + " is held by " + who + since + ", which ended without releasing it.";
  const auto blocked = stuck.find(holder.thread);
  if (blocked == stuck.end()) return {};
  const Wait& h = blocked->second;
  return name + " is held by " + who + since + ", which is blocked itself, waiting at " +
         site_text(t, t.events[h.begin].site) + " for " + waiting_for(h.cause, object_name(t, h.object)) +
         (h.cause == WaitCause::Join ? ": it waits for a thread that waits for it, a circle nobody can break. "
                                       "Release the lock before the join."
                                     : ": it cannot release it.");
}

// The destroy of `object` (a condition, a barrier) while threads waited on
// it that is its thread's last event, if any: that thread was still inside
// the destroy, which in glibc waits for the waiters to leave.
std::optional<std::uint64_t> stuck_destroying(const format::Trace& t, std::uint32_t object) {
  std::optional<std::uint64_t> destroy;
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (destroy && e.thread == t.events[*destroy].thread) destroy.reset();  // it went on
    if (e.kind == format::EventKind::ObjectDestroy && e.object == object && e.arg != 0 &&
        !(e.flags & format::kFlagRejected))
      destroy = i;
  }
  return destroy;
}

}  // namespace

std::vector<Finding> find_hangs(const Model& m, const std::vector<std::uint32_t>& deadlocked) {
  const format::Trace& t = *m.trace;
  std::vector<Finding> out;
  if (!m.stopped_as_stuck()) return out;

  // The open, untimed wait of each thread at the end, in a process that was
  // stopped as stuck (in a run, another process may have exited normally,
  // leaving a daemon thread mid-wait).
  // (Copies: the model's waits are packed, read by value.)
  std::map<std::uint32_t, Wait> stuck;
  for (const Wait& w : m.waits)
    if (!w.end && !w.timed && m.stopped_as_stuck(w.thread)) stuck[w.thread] = w;
  for (std::uint32_t th : deadlocked) stuck.erase(th);

  const auto is_deadlocked = [&](std::uint32_t th) {
    return std::find(deadlocked.begin(), deadlocked.end(), th) != deadlocked.end();
  };
  // The first stuck thread of the process whose object is `object` (a join
  // on a child process waits for what that process is stuck on), ~0u if none.
  const auto stuck_thread_of_process = [&](std::uint32_t object) -> std::uint32_t {
    for (std::size_t p = 0; p < t.processes.size(); ++p) {
      if (t.processes[p].object != object || object == 0) continue;
      for (const auto& [thread, w] : stuck)
        if (t.threads[thread].process == p) return thread;
    }
    return ~0u;
  };
  // Follow joins (of threads, or of child processes) to what the joined
  // thread is stuck on; nullptr if that is a deadlock (reported as such).
  auto root = [&](const Wait* w) -> const Wait* {
    std::set<std::uint32_t> seen;
    while ((w->cause == WaitCause::Join && w->object < m.thread_of_object.size()) || w->cause == WaitCause::Process) {
      const std::uint32_t joined =
          w->cause == WaitCause::Process ? stuck_thread_of_process(w->object) : m.thread_of_object[w->object];
      if (joined != ~0u && is_deadlocked(joined)) return nullptr;
      const auto next = stuck.find(joined);
      if (joined == ~0u || next == stuck.end() || !seen.insert(joined).second) break;
      w = &next->second;
    }
    return w;
  };
  std::map<std::uint32_t, std::vector<const Wait*>> by_object;  // root object -> waits on it (direct or via joins)
  for (const auto& [thread, w] : stuck)
    if (const Wait* r = root(&w)) by_object[r->object].push_back(&w);

  for (const auto& [object, waits] : by_object) {
    const Wait& first = *root(waits.front());
    Finding f;
    f.kind = FindingKind::Hang;
    f.about = object_name(t, object);
    std::string who;
    for (const Wait* w : waits) {
      f.threads.push_back(w->thread);
      f.events.push_back(w->begin);
      f.sites.push_back(t.events[w->begin].site);
      who += (who.empty() ? "" : ", ") + thread_name(t, w->thread) + " (at " + site_text(t, t.events[w->begin].site) +
             (w->cause == WaitCause::Join || w->cause == WaitCause::Process ? ", joining " + object_name(t, w->object)
                                                                              : "") +
             ")";
    }
    f.objects = {object};
    std::sort(f.events.begin(), f.events.end());
    f.title = "hang: " + std::to_string(waits.size()) + (waits.size() == 1 ? " thread waits" : " threads wait") +
              " forever for " + waiting_for(first.cause, f.about);
    f.explanation = "When weft stopped the program because it made no progress, these threads were blocked with no "
                    "timeout, and no thread was left that could wake them: " + who + ".";
    if (format::is_lock_wait(first.cause)) {
      std::string why = inherited_lock(t, object, first);
      if (why.empty()) why = lock_holder(t, object, first, stuck);
      f.explanation += " " + (why.empty() ? std::string("The lock's holder never released it.") : why);
    }
    if (first.cause == WaitCause::Condition || first.cause == WaitCause::Barrier)
      if (const std::optional<std::uint64_t> d = stuck_destroying(t, object)) {
        const format::Event& e = t.events[*d];
        f.explanation += " " + thread_name(t, e.thread) + " is blocked too, destroying the " +
                         (first.cause == WaitCause::Barrier ? "barrier" : "condition") + " at " +
                         site_text(t, e.site) + ": glibc's destroy waits for every waiter to leave.";
        f.threads.push_back(e.thread);
        f.events.push_back(*d);
        std::sort(f.events.begin(), f.events.end());
      }
    out.push_back(f);

    // Was the condition notified while nobody waited, before the stuck
    // wait on it began? Only the waits on the condition itself count here:
    // a thread joining a stuck waiter is not the one the notification missed.
    if (first.cause != WaitCause::Condition) continue;
    if (auto lost = lost_wakeup(t, object, waits, f.about)) out.push_back(std::move(*lost));
  }
  return out;
}

}  // namespace weft::analysis
