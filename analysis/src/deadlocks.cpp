// Deadlocks that happened. A thread that waits for a lock it holds itself,
// a lock that does not let its holder in again, never gets it
// (self-deadlock). Threads that each wait for a lock another one of them
// holds, round in a circle, never get theirs either (a wait-for cycle):
// found at the moment the circle closes, and reported if nothing broke it
// before the trace ended (a timed lock giving up would have).
//
// Who holds what is the LockTracker's (deadlock_watch.hpp); a thread
// asking for a lock exclusively waits for every holder, one asking for it
// shared only for an exclusive holder.
#include "deadlock_watch.hpp"

#include <algorithm>
#include <functional>

#include "lock_nesting.hpp"
#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace detail {
namespace {

// Whether a request (shared or not) must wait for a holder (shared or not).
bool excludes(bool request_shared, const Holder& h) { return !request_shared || !h.shared; }

// Whether `waiter`, asking for a lock (shared or not), waits for its holder `h`.
bool waits_for(std::uint32_t waiter, bool request_shared, const Holder& h) {
  return h.thread != waiter && excludes(request_shared, h);
}

}  // namespace

void DeadlockWatch::lock_wait(std::uint64_t i, const format::Event& e, format::WaitOp op) {
  if (!locks_.is_lock(e.object) || e.thread >= blocked_.size()) return;
  if (op == format::WaitOp::Ends) {
    if (self_wait_[e.thread] != kNone) {
      // Taken after all: another thread unlocked it (glibc lets any thread
      // unlock a normal mutex: the "mutex as a semaphore"). The wait was
      // not for ever; that unlock is the misuse, found as such.
      if (format::meaning(e.kind).sync.op == format::SyncOp::Acquires)
        withdrawn_.push_back(self_wait_[e.thread]);
      else
        refused_self_lock(i, e, out_[self_wait_[e.thread]]);
      self_wait_[e.thread] = kNone;
      --self_open_;
    }
    blocked_[e.thread].reset();
    // A wait that ended broke any circle it was part of.
    if (!cycles_.empty()) std::erase_if(cycles_, [&](const Open& c) { return c.threads.count(e.thread) > 0; });
    return;
  }
  const Blocked b{e.object, i, (e.flags & format::kFlagTimed) != 0, takes_shared(e)};
  if (const Holder* mine = locks_.holder(e.object, e.thread)) {
    self_deadlock(i, e, *mine, b);
    return;
  }
  blocked_[e.thread] = b;
  find_cycle(e.thread);
}

void DeadlockWatch::self_deadlock(std::uint64_t i, const format::Event& e, const Holder& mine, const Blocked& b) {
  // A recursive mutex lets its holder in again, and a second shared hold
  // does not wait for the first.
  if (b.timed || format::object_meaning(t_.objects[e.object].kind).reentrant || (b.shared && mine.shared)) return;
  Finding f;
  f.kind = FindingKind::SelfDeadlock;
  f.about = object_name(t_, e.object);
  f.title = "self-deadlock: " + thread_name(t_, e.thread) + " locks " + f.about + ", which it already holds";
  const std::uint32_t held_site = t_.events[mine.since].site;
  f.explanation = thread_name(t_, e.thread) + " took " + f.about + " at " + site_text(t_, held_site) +
                  " and, still holding it, locks it again at " + site_text(t_, e.site) +
                  ". A mutex that is not recursive waits for its holder to release it, and the holder is the "
                  "thread that waits: it never will. Release it first, or use a recursive mutex." +
                  standard_library_note(t_, {held_site, e.site});
  f.threads = {e.thread};
  f.objects = {e.object};
  f.sites = {held_site, e.site};
  f.events = {mine.since, i};
  if (self_wait_[e.thread] == kNone) ++self_open_;
  self_wait_[e.thread] = out_.size();
  out_.push_back(std::move(f));
}

// The self-lock's wait ended at event `i`: the lock refused its holder (an
// error-checking mutex returns EDEADLK) instead of deadlocking. Misuse, not
// a deadlock: `f`, the self-deadlock found at its begin, becomes that.
void DeadlockWatch::refused_self_lock(std::uint64_t i, const format::Event& e, Finding& f) {
  const std::uint32_t held_site = f.sites.front();
  f.kind = FindingKind::Misuse;
  f.events.push_back(i);
  if (e.kind == format::EventKind::MutexTrySharedFailed) {  // a reader-writer lock's writer asked to read
    f.title = thread_name(t_, e.thread) + " read-locks " + f.about + ", which it holds for writing, at " +
              site_text(t_, f.sites.back()) + ": refused";
    f.explanation = thread_name(t_, e.thread) + " took " + f.about + " for writing at " + site_text(t_, held_site) +
                    " and, still holding it, asked for a read lock at " + site_text(t_, f.sites.back()) +
                    ". A reader-writer lock does not let its writer read-lock it too: glibc refuses the call "
                    "(EDEADLK; another implementation may deadlock), and a caller that ignores the error reads, "
                    "then unlocks, as if it held a read lock, releasing its write lock instead. Read under the "
                    "write lock it already holds, or release it first." +
                    standard_library_note(t_, {held_site, f.sites.back()});
    return;
  }
  f.title = thread_name(t_, e.thread) + " locks " + f.about + " again while holding it, at " +
            site_text(t_, f.sites.back()) + ": refused";
  f.explanation = thread_name(t_, e.thread) + " took " + f.about + " at " + site_text(t_, held_site) +
                  " and, still holding it, locked it again at " + site_text(t_, f.sites.back()) +
                  ". A normal mutex deadlocks there; this one refused the second lock (an error-checking mutex "
                  "returns EDEADLK) and the call failed at once. A caller that ignores the error goes on as if it "
                  "held the lock twice, and its second unlock releases a lock it no longer holds. Release it "
                  "first, or use a recursive mutex." +
                  standard_library_note(t_, {held_site, f.sites.back()});
}

// The threads `thread` waits for now.
std::vector<const Holder*> DeadlockWatch::blockers(std::uint32_t thread) const {
  std::vector<const Holder*> out;
  if (thread >= blocked_.size() || !blocked_[thread]) return out;
  const Blocked& b = *blocked_[thread];
  for (const Holder& h : locks_.holders(b.lock))
    if (waits_for(thread, b.shared, h)) out.push_back(&h);
  return out;
}

// Follows thread -> lock it waits for -> a holder that excludes it -> ...
// (depth first) for a way back to `start`.
void DeadlockWatch::find_cycle(std::uint32_t start) {
  // A circle back to `start` goes through a thread that holds what it waits
  // for and waits too. Most lock waits of a contended trace wait for a
  // thread that runs: settled here, with nothing allocated for the search.
  const Blocked& b = *blocked_[start];
  const auto waits_too = [&](const Holder& h) {
    return waits_for(start, b.shared, h) && h.thread < blocked_.size() && blocked_[h.thread];
  };
  const std::span<const Holder> holders = locks_.holders(b.lock);
  if (std::none_of(holders.begin(), holders.end(), waits_too)) return;
  Path path;
  std::set<std::uint32_t> seen{start};
  if (search(start, start, path, seen)) report(path);
}

bool DeadlockWatch::search(std::uint32_t start, std::uint32_t thread, Path& path, std::set<std::uint32_t>& seen) {
  for (const Holder* h : blockers(thread)) {
    path.emplace_back(thread, h);
    if (h->thread == start) return true;
    if (seen.insert(h->thread).second && search(start, h->thread, path, seen)) return true;
    path.pop_back();
  }
  return false;
}

void DeadlockWatch::report(const Path& path) {
  Open c;
  Finding& f = c.finding;
  f.kind = FindingKind::Deadlock;
  std::vector<std::string> names;
  std::string how;
  for (const auto& [th, holder] : path) {
    const Blocked& w = *blocked_[th];  // on the path: blocked
    if (w.timed) return;  // a timed wait will give up: not a deadlock
    names.push_back(object_name(t_, w.lock));
    f.threads.push_back(th);
    f.objects.push_back(w.lock);
    f.events.push_back(holder->since);
    f.events.push_back(w.event);
    f.sites.push_back(t_.events[w.event].site);
    f.cycle.push_back({0, w.lock, th, w.event, t_.events[w.event].site, 0});
    how += (how.empty() ? "" : "; ") + thread_name(t_, th) + " waits at " + site_text(t_, t_.events[w.event].site) +
           " for " + object_name(t_, w.lock) + ", held by " + thread_name(t_, holder->thread);
    c.threads.insert(th);
  }
  // Each thread holds the lock the thread before it waits for.
  for (std::size_t k = 0; k < f.cycle.size(); ++k)
    f.cycle[k].from = f.cycle[(k + f.cycle.size() - 1) % f.cycle.size()].to;
  std::sort(f.events.begin(), f.events.end());
  f.about = join_sorted(names);
  f.title = "deadlock: " + std::to_string(path.size()) + " threads wait for each other on " + f.about;
  f.explanation = "A circle of threads, each waiting for a lock the next one holds: " + how +
                  ". None can go on, so none ever releases what the others wait for." +
                  standard_library_note(t_, f.sites);
  cycles_.push_back(std::move(c));
}

std::vector<Finding> DeadlockWatch::finish() {
  std::sort(withdrawn_.begin(), withdrawn_.end(), std::greater<>());
  for (const std::size_t k : withdrawn_) out_.erase(out_.begin() + static_cast<std::ptrdiff_t>(k));
  withdrawn_.clear();
  for (Open& c : cycles_) out_.push_back(std::move(c.finding));
  cycles_.clear();
  return std::move(out_);
}

}  // namespace detail

std::vector<Finding> find_deadlocks(const Model& m) {
  const format::Trace& t = *m.trace;
  detail::LockTracker locks(t);
  detail::DeadlockWatch deadlocks(t, locks);
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event e = t.events[i];
    deadlocks.step(i, e);
    locks.step(i, e);
  }
  return deadlocks.finish();
}

}  // namespace weft::analysis
