// API misuse the runtime recorded: each kind is an event or a flag on one.
// One finding per kind of misuse, object and site, with a count. The walk
// is MisuseWatch's (misuse_watch.hpp), which the check's model walk carries.
#include "misuse_watch.hpp"

#include <algorithm>

#include "weft/analysis/detectors.hpp"
#include "weft/format/object_end.hpp"

namespace weft::analysis {
namespace detail {

using format::EventKind;

// A timed wait the C library refused for its deadline (weft record).
constexpr const char* kRefusedDeadline = "its deadline is not a valid time";
constexpr const char* kRefusedDeadlineWhy =
    "The C library returned EINVAL at once, without waiting (nor, for a semaphore or a lock, taking it): a "
    "deadline's tv_nsec must be 0 to 999,999,999, and the clock of a *clockwait or *clocklock call "
    "CLOCK_REALTIME or CLOCK_MONOTONIC. The usual cause is adding a timeout's nanoseconds to tv_nsec without "
    "carrying whole seconds into tv_sec: a loop that waits for ETIMEDOUT then spins, and one that takes any "
    "return for a wake-up goes on too early. Carry them: ts.tv_sec += ts.tv_nsec / 1000000000; ts.tv_nsec %= "
    "1000000000;";

// A call on a mutex destroyed and not initialised again (weft record).
constexpr const char* kDestroyedMutexWhy =
    "A destroyed mutex may not be used until pthread_mutex_init initialises it again (POSIX: undefined "
    "behaviour). glibc refuses the call with EINVAL: a lock then protects nothing, and a program that does not "
    "check the result goes on as if it held the lock. Destroy a mutex only when no thread will use it any more, "
    "or initialise it again before its next use (ThreadSanitizer reports this as use of an invalid mutex).";

// A join or detach of a thread joined or detached already (weft record).
constexpr const char* kHandleAgainWhy =
    "A thread is joined or detached once. After a join, its pthread_t names a thread that no longer exists, and "
    "glibc may give the same value to a thread created later, which the second call would then join or detach "
    "instead; a detached thread cannot be joined (nobody may wait for it). POSIX leaves it undefined; glibc "
    "returned an error here (EINVAL or ESRCH) and the call did nothing. Give each thread handle one owner, who "
    "joins or detaches it once.";

MisuseWatch::MisuseWatch(const format::Trace& t)
    : t_(t),
      holder_(t.objects.size(), kNobody),
      taken_at_(t.objects.size(), 0),
      taken_event_(t.objects.size(), 0),
      condition_lock_(t.objects.size(), 0),
      holds_of_thread_(t.threads.size(), 0),
      waiting_(t.threads.size(), 0),
      thread_of_object_(t.objects.size(), kNobody),
      created_at_(t.threads.size(), kNoEvent),
      ended_at_(t.threads.size(), kNoEvent),
      released_(t.threads.size(), 0),
      released_at_(t.threads.size(), kNoEvent),
      awaited_(t.threads.size(), 0) {
  for (const auto& th : t.threads)
    if (th.object < thread_of_object_.size()) thread_of_object_[th.object] = th.id;
}

// Who held `lock` when event `index` released it: the thread of its latest
// acquisition before. Looked back for only at the rare misuse, so that the
// step of every event stays short.
std::string MisuseWatch::holder_before(std::uint32_t lock, std::uint64_t index) const {
  for (std::uint64_t i = index; i-- > 0;) {
    const format::Event& e = t_.events[i];
    if (e.object == lock && format::meaning(e.kind).hold == format::HoldOp::Takes && e.seq != format::kNoSeq)
      return thread_name(t_, e.thread);
  }
  return "another thread";
}

Finding& MisuseWatch::add(int what, const format::Event& e, std::uint64_t index, std::string title,
                          std::string explanation) {
  auto [it, added] = found_.try_emplace({what, e.object, e.site});
  Finding& f = it->second;
  if (!added) {
    ++f.count;
    return f;
  }
  f.kind = FindingKind::Misuse;
  f.about = e.object ? object_name(t_, e.object) : thread_name(t_, e.thread);
  f.title = std::move(title);
  f.explanation = std::move(explanation);
  f.threads = {e.thread};
  if (e.object) f.objects = {e.object};
  f.sites = {e.site};
  f.events = {index};
  return f;
}

void MisuseWatch::look(std::uint64_t i, const format::Event& e) {
  const format::Trace& t = t_;
  // Only the events that may be misuse come here: names are looked up
  // for those alone.
  const auto who = [&] { return thread_name(t, e.thread); };
  const auto where = [&] { return site_text(t, e.site); };
  const auto what = [&] { return object_name(t, e.object); };
  // weft's own primitives refuse a misuse; a program recorded unmodified
  // (weft record: its objects have addresses) did it through the C
  // library, which weft passed the call on to.
  const auto refused = [&](const char* weft_text, const char* recorded_text) {
    const bool recorded = e.object < t.objects.size() && t.objects[e.object].address != 0;
    return std::string(recorded ? recorded_text : weft_text);
  };
  switch (e.kind) {
    case EventKind::MutexReleased:
      if (!(e.flags & format::kFlagNotOwner)) break;
      if (e.flags & format::kFlagRejected) {  // a destroyed mutex
        add_destroyed_use(e, i, " unlocks ");
      } else if (e.seq == format::kNoSeq &&
                 (e.object >= holder_.size() || holder_[e.object] == kNobody || holder_[e.object] == e.thread)) {
        add(0, e, i, who() + " unlocks " + what() + ", which nobody holds, at " + where(),
            "Unlocking a lock that is not locked is an error (undefined behaviour for a std::mutex; Python raises "
            "RuntimeError). " +
                refused("weft refused it.",
                        "The call went on to the C library: an error-checking mutex refuses it (EPERM), a "
                        "normal one is corrupted by it."));
      } else {
        // Refused (no sequence number) by a mutex that checks its owner: an
        // error-checking, recursive or priority-inheriting one (EPERM).
        const bool rejected = e.seq == format::kNoSeq;
        const std::string owner = holder_before(e.object, i);
        add(1, e, i,
            who() + " unlocks " + what() + ", held by " + owner + ", at " + where() + (rejected ? ": refused" : ""),
            "A mutex must be unlocked by the thread that locked it (" + owner +
                " here). Python's Lock allows it, C++'s std::mutex does not (undefined behaviour), and it makes the "
                "lock's ownership impossible to follow. To hand a permission from one thread to another, use a "
                "semaphore." +
                (rejected ? " This mutex checks its owner and refused the unlock (EPERM): it is still held." : ""));
      }
      break;
    case EventKind::MutexReleasedShared:
      if (e.flags & format::kFlagNotOwner)
        add(7, e, i, who() + " unlocks " + what() + " shared without holding it shared, at " + where(),
            "unlock_shared() gives back a shared hold the calling thread took with lock_shared(); this thread "
            "had none (undefined behaviour for a std::shared_mutex). " +
                refused("weft refused it.", "The call went on to the C library, whose lock it may corrupt."));
      break;
    case EventKind::SemReleased:
      if (e.flags & format::kFlagRejected)
        add(2, e, i, who() + " releases bounded semaphore " + what() + " above its initial value at " + where(),
            "A bounded semaphore counts permits that were handed out; releasing more than were taken means a "
            "release without a matching acquire. weft refused it (Python raises ValueError).");
      break;
    case EventKind::QueueTaskDone:
      if (e.flags & format::kFlagRejected)
        add(3, e, i, who() + " calls task_done() on " + what() + " more times than items were put, at " + where(),
            "task_done() tells the queue one item taken out has been processed; called more often than items "
            "were put, it counts work that does not exist. weft refused it (Python raises ValueError).");
      break;
    case EventKind::MutexTryFailed:
      if (!(e.flags & format::kFlagRejected)) break;
      if (e.flags & format::kFlagTimed)  // a refused deadline
        add(19, e, i, who() + "'s timed lock of " + what() + " was refused at " + where() + ": " + kRefusedDeadline,
            kRefusedDeadlineWhy);
      else  // a destroyed mutex
        add_destroyed_use(e, i, e.flags & format::kFlagTry ? " tries to lock " : " locks ");
      break;
    case EventKind::SemAcquireFailed:
      if (e.flags & format::kFlagRejected)
        add(18, e, i, who() + "'s timed wait on semaphore " + what() + " was refused at " + where() + ": " +
                          kRefusedDeadline,
            kRefusedDeadlineWhy);
      break;
    case EventKind::CondWaitBegin:
      if (e.flags & format::kFlagRejected) {
        add(17, e, i, who() + "'s timed wait on condition " + what() + " was refused at " + where() + ": " +
                          kRefusedDeadline,
            kRefusedDeadlineWhy);
        break;
      }
      if (e.seq != format::kNoSeq && e.arg != 0 && e.object < condition_lock_.size()) {
        std::uint32_t& first = condition_lock_[e.object];
        if (first == 0) first = static_cast<std::uint32_t>(e.arg);
        if (first != e.arg)
          add(8, e, i,
              who() + " waits on condition " + what() + " with " + object_name(t, static_cast<std::uint32_t>(e.arg)) +
                  ", which earlier waits used with " + object_name(t, first) + ", at " + where(),
              "One condition variable belongs with one mutex, the one that guards the state it signals about: "
              "waits with two mutexes are undefined behaviour for pthread and std::condition_variable, and a "
              "notifier holding one of them does not exclude a waiter checking under the other.");
      }
      if (e.flags & format::kFlagNotOwner)
        add(4, e, i, who() + " waits on condition " + what() + " without holding its lock, at " + where(),
            "A condition wait must hold the lock that protects the condition's state, or the check and the wait "
            "can miss a notification in between. " +
                refused("weft refused the wait.",
                        "The wait went on as the program asked (undefined behaviour in POSIX)."));
      break;
    case EventKind::ObjectDestroy: {
      if (e.object >= t.objects.size()) break;
      if (e.flags & format::kFlagRejected) {
        // Refused by the C library (glibc: EBUSY, the mutex locked): the
        // misuse, and the object lives on, still held.
        // glibc counts a condition wait's hold as a hold: the waiter let
        // the mutex go, and takes it again as it leaves.
        if (format::object_meaning(t.objects[e.object].kind).lock) {
          const bool locked = holder_[e.object] != kNobody;
          add(5, e, i,
              who() + " destroys " + what() + (locked ? " while it is locked" : " while a condition wait uses it") +
                  ", at " + where() + ": refused",
              "Destroying a mutex that is still " + std::string(locked ? "locked" : "in use by a condition wait") +
                  " is undefined behaviour. glibc refuses it (EBUSY) and the mutex stays as it was; a caller "
                  "that ignores the error goes on as if it were gone (and may free its memory under its " +
                  (locked ? "holder" : "waiter") + "). " + (locked ? "Unlock it" : "Let the wait end") + " first.");
        }
        break;
      }
      if (t.objects[e.object].address != 0) destroyed_at_[t.objects[e.object].address] = {e.object, i};
      // An ended lock is held by nobody: its holder ending later is not
      // misuse of its own (the destroy is).
      if (holder_[e.object] != kNobody) {
        --holds_of_thread_[holder_[e.object]];
        holder_[e.object] = kNobody;
      }
      if (!e.arg) break;
      const format::ObjectKind kind = t.objects[e.object].kind;
      // weft record sees an init over a live object as its end (object_end.hpp).
      const bool reinit = e.arg == static_cast<std::uint64_t>(format::ObjectEnd::ReinitialisedInUse);
      const std::string ends = reinit ? " initialises " : " destroys ";
      const std::string ending = reinit ? "Initialising again " : "Destroying ";
      if (format::object_meaning(kind).lock)
        add(reinit ? 12 : 5, e, i, who() + ends + what() + " while it is locked" + (reinit ? ", at " + where() : ""),
            ending + "a mutex that is still locked is undefined behaviour: its holder will unlock " +
                (reinit ? "a lock that is no longer the one it took" : "freed memory") +
                ", and any waiter waits on it.");
      else if (kind == format::ObjectKind::Condition)
        add(reinit ? 13 : 9, e, i, who() + ends + "condition " + what() + " while threads wait on it, at " + where(),
            ending + "a condition variable that threads are waiting on is undefined behaviour: they wait on " +
                (reinit ? "a condition that no longer knows them" : "freed memory") +
                " and may never wake (glibc's pthread_cond_destroy waits for them, forever if nobody wakes "
                "them). Wake them and let them leave the wait first.");
      else if (kind == format::ObjectKind::Barrier)
        add(reinit ? 14 : 15, e, i, who() + ends + "barrier " + what() + " while threads wait at it, at " + where(),
            ending + "a barrier that threads are waiting at is undefined behaviour: the threads already there "
            "wait for a generation that will never fill. Let every generation complete first.");
      break;
    }
    case EventKind::ThreadCreate:
      if (e.arg < created_at_.size()) created_at_[e.arg] = i;
      break;
    case EventKind::ThreadJoinEnd:
    case EventKind::ThreadDetach: {
      const std::uint32_t th = e.object < thread_of_object_.size() ? thread_of_object_[e.object] : kNobody;
      if (th >= released_.size()) break;
      if (e.kind == EventKind::ThreadDetach && (e.flags & format::kFlagRejected)) {
        add_handle_again(e, i, th, " detaches ");
        break;
      }
      // Joined (a join that returned it, not a try that timed out) or
      // detached: nobody has to join it any more.
      if ((e.kind == EventKind::ThreadDetach || e.arg != 0) && !released_[th]) {
        released_[th] = 1;
        released_at_[th] = i;
      }
      break;
    }
    case EventKind::ThreadEnd:
      if (e.thread < ended_at_.size()) ended_at_[e.thread] = i;
      // Judged at the end of the walk: a lock another thread releases
      // later is the foreign unlock reported above (Python's Lock allows
      // the pattern), and a thread that ends inside a wait was stopped
      // there by the watchdog, not returned.
      if (e.thread < holds_of_thread_.size() && holds_of_thread_[e.thread] > 0 && !waiting_[e.thread]) {
        ended_holding_.push_back({i, {}});
        for (std::uint32_t lock = 0; lock < holder_.size(); ++lock)
          if (holder_[lock] == e.thread) ended_holding_.back().second.push_back({lock, taken_at_[lock]});
        for (const auto& [key, n] : shared_holds_)
          if (key.second == e.thread && n > 0) ended_holding_.back().second.push_back({key.first, taken_at_[key.first]});
      }
      break;
    case EventKind::ThreadJoinBegin:
      // Someone waits to join it, for as long as it takes: it is no leak if
      // the process ends first (the thread called exit()).
      if (!(e.flags & (format::kFlagRejected | format::kFlagTimed | format::kFlagTry)) && e.arg < awaited_.size())
        awaited_[e.arg] = 1;
      if ((e.flags & format::kFlagRejected) && e.arg < released_.size())
        add_handle_again(e, i, static_cast<std::uint32_t>(e.arg), " joins ");
      else if (e.arg == e.thread)
        add(6, e, i, who() + " tries to join itself at " + where(),
            "A thread cannot wait for its own end: in Python this raises RuntimeError, in C++ std::system_error "
            "(resource_deadlock_would_occur), and pthread_join refuses it with EDEADLK; the call returned at once, "
            "having joined nothing.");
      break;
    default: break;
  }
}

void MisuseWatch::add_destroyed_use(const format::Event& e, std::uint64_t index, const char* verb) {
  const format::Trace& t = t_;
  const std::uint64_t address = e.object < t.objects.size() ? t.objects[e.object].address : 0;
  const auto it = destroyed_at_.find(address);
  std::string title = thread_name(t, e.thread) + verb;
  if (it != destroyed_at_.end() && it->second.second < index) {
    const auto [old, destroy] = it->second;
    const std::uint32_t destroyer = t.events[destroy].thread;
    title += object_name(t, old) + " after " +
             (destroyer == e.thread ? std::string("destroying") : thread_name(t, destroyer) + " destroyed") +
             " it at " + site_text(t, t.events[destroy].site) + ",";
  } else {
    title += object_name(t, e.object) + ", which was destroyed,";
  }
  add(20, e, index, title + " at " + site_text(t, e.site) + ": refused (EINVAL)", kDestroyedMutexWhy);
}

void MisuseWatch::add_handle_again(const format::Event& e, std::uint64_t index, std::uint32_t thread,
                                   const char* verb) {
  const format::Trace& t = t_;
  std::string before = "which was joined or detached already";
  if (const std::uint64_t r = released_at_[thread]; r != kNoEvent) {
    const format::Event& first = t.events[r];
    const std::uint64_t create = created_at_[thread];
    const bool born_detached = first.kind == EventKind::ThreadDetach && create != kNoEvent &&
                               t.events[create].thread == first.thread && t.events[create].site == first.site;
    if (born_detached)
      before = "which was created detached at " + site_text(t, first.site);
    else
      before = std::string("which ") + (first.thread == e.thread ? "it" : thread_name(t, first.thread)) +
               (first.kind == EventKind::ThreadDetach ? " detached" : " joined") + " at " + site_text(t, first.site);
  }
  Finding& f = add(e.kind == EventKind::ThreadDetach ? 22 : 21, e, index,
                   thread_name(t, e.thread) + verb + thread_name(t, thread) + ", " + before + ", at " +
                       site_text(t, e.site),
                   kHandleAgainWhy);
  f.about = thread_name(t, thread);
  f.threads = {e.thread, thread};
}

std::vector<Finding> MisuseWatch::finish() {
  const format::Trace& t = t_;
  // The last event of each process: a thread whose end is its process's
  // last event, in a process that ended by exit, ended with the process
  // (it called exit(), or main returned; or it died of an uncaught
  // exception, a crash): no thread comes after it to wait for the lock it
  // held, which is no misuse. (A thread that returned
  // holding a lock ends before its process's last events: a join, main's
  // own end.)
  // (Read from the end, and only when a thread is to be judged: a process
  // that ended early puts its last event far from the end.)
  const auto leak_candidate = [&](std::uint32_t th) {
    return ended_at_[th] != kNoEvent && created_at_[th] != kNoEvent && !released_[th] && !awaited_[th];
  };
  bool judged = !ended_holding_.empty();
  for (std::uint32_t th = 0; th < ended_at_.size() && !judged; ++th) judged = leak_candidate(th);
  std::vector<std::uint64_t> last_of_process(std::max<std::size_t>(1, t.processes.size()), kNoEvent);
  std::size_t missing = judged ? last_of_process.size() : 0;
  for (std::uint64_t i = t.events.size(); i-- > 0 && missing > 0;) {
    const std::uint32_t p = t.threads[t.events[i].thread].process;
    if (p < last_of_process.size() && last_of_process[p] == kNoEvent) {
      last_of_process[p] = i;
      --missing;
    }
  }
  // How the process of `thread` ended, if it did.
  const auto process_end = [&](std::uint32_t thread) -> const std::optional<format::EndRecord>& {
    const std::uint32_t p = t.threads[thread].process;
    return p < t.processes.size() && t.processes[p].end ? t.processes[p].end : t.end;
  };
  // The process of `thread` ended by exit (main returned, or exit()).
  const auto exited = [&](std::uint32_t thread) {
    const std::optional<format::EndRecord>& end = process_end(thread);
    return end && end->reason == format::EndReason::Exit;
  };
  // A thread whose end is its process's last event, in a process that
  // ended by exit, or that the thread's uncaught exception ended (the
  // crash is the finding, not the lock it held as it died).
  const auto ended_with_process = [&](std::uint64_t index) {
    const std::uint32_t p = t.threads[t.events[index].thread].process;
    const std::optional<format::EndRecord>& end = process_end(t.events[index].thread);
    return p < last_of_process.size() && last_of_process[p] == index && end &&
           (end->reason == format::EndReason::Exit || end->reason == format::EndReason::UncaughtException);
  };
  for (const auto& [index, locks] : ended_holding_) {
    if (locks.empty() || ended_with_process(index)) continue;
    const format::Event& e = t.events[index];
    std::string names;
    std::vector<std::uint32_t> sites, objects;
    for (const auto [lock, taken_at] : locks) {
      names += (names.empty() ? "" : ", ") + object_name(t, lock) + " (taken at " + site_text(t, taken_at) + ")";
      sites.push_back(taken_at);
      objects.push_back(lock);
    }
    auto [it, added] = found_.try_emplace({10, e.object, e.site});
    if (!added) continue;
    Finding& f = it->second;
    f.kind = FindingKind::Misuse;
    f.about = thread_name(t, e.thread);
    f.title = thread_name(t, e.thread) + " ends while holding " + names;
    f.explanation =
        "A thread that ends holding a lock leaves it locked for good: every thread that asks for it later waits "
        "forever (the owner is gone; only a robust pthread mutex tells the next one). Release the lock before the "
        "thread returns, on every path: a std::lock_guard or std::unique_lock does.";
    f.threads = {e.thread};
    f.objects = objects;
    f.sites = sites;
    f.events = {index};
  }

  // A thread created joinable that ended, in a process that went on and
  // ended by exit, and that nobody joined or detached: its exit status and
  // stack are kept for a join that never comes (ThreadSanitizer's "thread
  // leak"; a std::thread would have called std::terminate). Not judged: a
  // thread still running at the end (a daemon the exit ends) or ending with
  // its process, nor a process stopped or killed (it may have been about
  // to join), nor one whose creator had ended before it (a main that left
  // by pthread_exit, letting its workers finish: nobody was left to join),
  // nor one a join was waiting for when the process ended (it called
  // exit() itself while its joiner waited).
  for (std::uint32_t th = 0; th < ended_at_.size(); ++th) {
    if (!leak_candidate(th)) continue;
    const std::uint64_t end = ended_at_[th], create = created_at_[th];
    if (!exited(th) || ended_with_process(end)) continue;
    const format::Event& c = t.events[create];
    if (c.thread < ended_at_.size() && ended_at_[c.thread] < end) continue;
    auto [it, added] = found_.try_emplace({16, 0, c.site});  // one finding per place of creation
    if (!added) {
      ++it->second.count;
      continue;
    }
    Finding& f = it->second;
    f.kind = FindingKind::Misuse;
    f.severity = Severity::Warning;  // resources held until the exit, not a wrong result
    f.about = thread_name(t, th);
    f.title = thread_name(t, th) + " (created at " + site_text(t, c.site) + ") ended and was never joined or detached";
    f.explanation =
        "A thread created joinable keeps its exit status and its stack after it ends, until another thread joins "
        "it (pthread_join, std::thread::join); one never joined nor detached holds them until the process ends, "
        "and a program that starts threads in a loop this way runs out of them (ThreadSanitizer reports it as a "
        "thread leak). Join it where its work is needed, or detach it (pthread_detach, or create it detached) if "
        "nobody waits for it.";
    f.threads = {th, c.thread};
    f.objects = {t.threads[th].object};
    f.sites = {c.site};
    f.events = {create, end};
  }

  // A process of a run killed (a signal, or no END at all) while one of its
  // threads held a lock other processes share: the lock stays taken. (A
  // process that exits normally ends its threads, judged above; one stopped
  // by the watchdog holds it as part of the hang or deadlock reported.)
  if (t.processes.size() > 1) {
    for (std::uint32_t lock = 0; lock < holder_.size(); ++lock) {
      if (holder_[lock] == kNobody || t.objects[lock].shared_key == 0) continue;
      const std::uint32_t p = t.threads[holder_[lock]].process;
      if (p >= t.processes.size()) continue;
      const format::ProcessInfo& process = t.processes[p];
      const bool killed = !process.end || process.end->reason == format::EndReason::Signal;
      if (!killed) continue;
      auto [it, added] = found_.try_emplace({11, lock, taken_at_[lock]});
      if (!added) continue;
      Finding& f = it->second;
      f.kind = FindingKind::Misuse;
      f.about = object_name(t, lock);
      f.title = "process " + process.name + " died holding " + object_name(t, lock) + " (taken at " +
                site_text(t, taken_at_[lock]) + ")";
      f.explanation =
          "The process was killed (" +
          (process.end ? "by signal " + std::to_string(process.end->status) : std::string("its trace has no end")) +
          ") while " + thread_name(t, holder_[lock]) +
          " held a lock that other processes share. Nobody will release it: a process that asks for it next "
          "waits forever, unless the lock is robust (weft::process_mutex is: the next one to lock it is told the "
          "owner died, and must repair what the owner left half done).";
      f.threads = {holder_[lock]};
      f.objects = {lock};
      f.sites = {taken_at_[lock]};
      f.events = {taken_event_[lock]};
    }
  }

  std::vector<Finding> out;
  for (auto& [key, f] : found_) {
    if (f.count > 1) f.title += " (" + std::to_string(f.count) + " times)";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace detail

std::vector<Finding> find_misuse(const format::Trace& t) {
  detail::MisuseWatch watch(t);
  t.events.for_each(0, t.events.size(), [&watch](std::uint64_t i, const format::Event& e)
                                            __attribute__((always_inline)) { watch.step(i, e); });
  return watch.finish();
}

}  // namespace weft::analysis
