// Deadlocks that happened. A thread that waits for a non-recursive mutex it
// holds itself never gets it (self-deadlock). Threads that each wait for a
// mutex another one of them holds, round in a circle, never get theirs
// either (a wait-for cycle): found at the moment the circle closes, and
// reported if nothing broke it before the trace ended (a timed lock giving
// up would have).
#include <algorithm>
#include <map>
#include <set>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {

using format::EventKind;

struct Blocked {
  std::uint32_t lock = 0;
  std::uint64_t event = 0;
  bool timed = false;
};

}  // namespace

std::vector<Finding> find_deadlocks(const Model& m) {
  const format::Trace& t = *m.trace;
  // By lock (object id; flat, since every lock event looks here):
  // who holds it and how deep (depth 0: free), and the acquisition that
  // made it held.
  struct Owner {
    std::uint32_t thread = 0, depth = 0;
  };
  std::vector<Owner> owner(t.objects.size());
  std::vector<std::uint64_t> holder_event(t.objects.size());
  std::map<std::uint32_t, Blocked> blocked;  // thread -> what it waits for
  std::vector<Finding> out;
  struct Open {
    Finding finding;
    std::set<std::uint32_t> threads;
  };
  std::vector<Open> cycles;  // formed, not (yet) broken

  const auto is_lock = [&](std::uint32_t o) {
    return o && o < t.objects.size() &&
           (t.objects[o].kind == format::ObjectKind::Mutex || t.objects[o].kind == format::ObjectKind::RecursiveMutex);
  };

  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (!is_lock(e.object)) continue;
    if (e.kind == EventKind::MutexAcquired) {
      Owner& o = owner[e.object];
      if (o.depth > 0 && o.thread == e.thread) {
        ++o.depth;
      } else {
        o = {e.thread, 1};
        holder_event[e.object] = i;
      }
    } else if (e.kind == EventKind::MutexReleased) {
      Owner& o = owner[e.object];
      if (o.depth > 0 && (e.seq == format::kNoSeq || --o.depth == 0)) o.depth = 0;
    }

    if (e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexTryFailed) {
      blocked.erase(e.thread);
      // A wait that ended broke any circle it was part of.
      std::erase_if(cycles, [&](const Open& c) { return c.threads.count(e.thread) > 0; });
      continue;
    }
    if (e.kind != EventKind::MutexLockBegin) continue;

    const bool timed = (e.flags & format::kFlagTimed) != 0;
    if (owner[e.object].depth > 0 && owner[e.object].thread == e.thread) {
      if (timed || t.objects[e.object].kind != format::ObjectKind::Mutex) continue;
      Finding f;
      f.kind = FindingKind::SelfDeadlock;
      f.about = object_name(t, e.object);
      f.title = "self-deadlock: " + thread_name(t, e.thread) + " locks " + f.about + ", which it already holds";
      f.explanation = thread_name(t, e.thread) + " took " + f.about + " at " +
                      site_text(t, t.events[holder_event[e.object]].site) + " and, still holding it, locks it again at " +
                      site_text(t, e.site) + ". A mutex that is not recursive waits for its holder to release it, "
                      "and the holder is the thread that waits: it never will. Release it first, or use a "
                      "recursive mutex.";
      f.threads = {e.thread};
      f.objects = {e.object};
      f.sites = {t.events[holder_event[e.object]].site, e.site};
      f.events = {holder_event[e.object], i};
      out.push_back(std::move(f));
      continue;
    }
    blocked[e.thread] = {e.object, i, timed};

    // Follow thread -> lock it waits for -> that lock's holder -> ...
    std::vector<std::uint32_t> path{e.thread};
    std::uint32_t current = e.thread;
    for (;;) {
      const auto b = blocked.find(current);
      if (b == blocked.end()) break;
      const Owner& o = owner[b->second.lock];
      if (o.depth == 0) break;
      current = o.thread;
      if (current == e.thread) {
        Open c;
        Finding& f = c.finding;
        f.kind = FindingKind::Deadlock;
        std::vector<std::string> names;
        std::string how;
        bool any_timed = false;
        for (std::uint32_t th : path) {
          const Blocked& w = blocked[th];
          any_timed = any_timed || w.timed;
          names.push_back(object_name(t, w.lock));
          f.threads.push_back(th);
          f.objects.push_back(w.lock);
          f.events.push_back(holder_event[w.lock]);
          f.events.push_back(w.event);
          f.sites.push_back(t.events[w.event].site);
          f.cycle.push_back({0, w.lock, th, w.event, t.events[w.event].site, 0});
          how += (how.empty() ? "" : "; ") + thread_name(t, th) + " waits at " + site_text(t, t.events[w.event].site) +
                 " for " + object_name(t, w.lock) + ", held by " + thread_name(t, owner[w.lock].thread);
          c.threads.insert(th);
        }
        if (any_timed) break;  // a timed wait will give up: not a deadlock
        // Each thread holds the lock the thread before it waits for.
        for (std::size_t k = 0; k < f.cycle.size(); ++k)
          f.cycle[k].from = f.cycle[(k + f.cycle.size() - 1) % f.cycle.size()].to;
        std::sort(f.events.begin(), f.events.end());
        f.about = join_sorted(names);
        f.title = "deadlock: " + std::to_string(path.size()) + " threads wait for each other on " + f.about;
        f.explanation = "A circle of threads, each waiting for a lock the next one holds: " + how +
                        ". None can go on, so none ever releases what the others wait for.";
        cycles.push_back(std::move(c));
        break;
      }
      if (std::find(path.begin(), path.end(), current) != path.end()) break;  // a circle not through us
      path.push_back(current);
    }
  }
  for (Open& c : cycles) out.push_back(std::move(c.finding));
  return out;
}

}  // namespace weft::analysis
