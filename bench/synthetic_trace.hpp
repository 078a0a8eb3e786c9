// A large trace built in memory, for benchmarking what reads traces (the
// analysis, the exporters, the viewer's layout) without recording one
// first. It looks like a busy program: worker threads taking a few locks in
// one consistent order, reading and writing shared variables under them,
// handing items through a queue, now and then waiting for a lock, sleeping
// or leaving a mark, with one unprotected statistics variable that races.
// Deterministic for a given size.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "weft/format/schema.hpp"
#include "weft/format/trace.hpp"

namespace weft::bench {

class SyntheticTrace {
 public:
  // About `events` events over `threads` worker threads (plus main).
  static format::Trace make(std::uint64_t events, std::uint32_t threads = 8) {
    SyntheticTrace s;
    return s.build(events, threads);
  }

 private:
  using K = format::EventKind;

  std::uint32_t object(format::ObjectKind kind, const std::string& name) {
    format::ObjectInfo o;
    o.id = static_cast<std::uint32_t>(t_.objects.size());
    o.kind = kind;
    o.name = t_.names->keep(name);
    t_.objects.push_back(o);
    return o.id;
  }
  std::uint32_t site(std::uint32_t line) {
    format::SiteInfo s;
    s.id = static_cast<std::uint32_t>(t_.sites.size());
    s.file = "workload.cpp";
    s.line = line;
    s.function = "worker";
    t_.sites.push_back(s);
    return s.id;
  }
  void add(std::uint32_t thread, K kind, std::uint32_t object, std::uint64_t arg = 0, std::uint32_t site = 0,
           std::uint8_t flags = 0) {
    format::Event e;
    e.thread = thread;
    e.kind = kind;
    e.object = object;
    e.arg = arg;
    e.site = site;
    e.flags = flags;
    now_ += 40;  // ns: a plausible pace for a traced program
    e.time_ns = now_;
    if (format::kind_layout(static_cast<std::uint8_t>(kind)) & format::kLayoutSeq) e.seq = seq_[object]++;
    t_.events.push_back(e);
  }

  format::Trace build(std::uint64_t events, std::uint32_t workers) {
    t_.objects.emplace_back();
    t_.sites.emplace_back();
    for (unsigned code = 0; code <= format::kMaxKindCode; ++code)
      t_.kinds.push_back(format::builtin_kind(static_cast<std::uint8_t>(code)));
    t_.info.program = "synthetic";
    t_.texts = {"tick"};  // the marks' text
    t_.events.reserve(events + 64);

    const std::uint32_t threads = workers + 1;
    for (std::uint32_t i = 0; i < threads; ++i) {
      format::ThreadInfo th;
      th.id = i;
      th.name = i == 0 ? "main" : "worker-" + std::to_string(i);
      th.object = object(format::ObjectKind::Thread, th.name);
      t_.threads.push_back(th);
    }
    constexpr std::uint32_t kLocks = 4;
    std::uint32_t locks[kLocks], vars[kLocks];
    for (std::uint32_t i = 0; i < kLocks; ++i) {
      locks[i] = object(format::ObjectKind::Mutex, "lock_" + std::to_string(i));
      vars[i] = object(format::ObjectKind::Shared, "total_" + std::to_string(i));
    }
    const std::uint32_t stats = object(format::ObjectKind::Shared, "stats");
    const std::uint32_t items = object(format::ObjectKind::Queue, "items");
    const std::uint32_t lock_site = site(10), unlock_site = site(11), read_site = site(12), write_site = site(13),
                        stats_site = site(14), put_site = site(15), get_site = site(16), sleep_site = site(17),
                        mark_site = site(18);

    add(0, K::ThreadStart, t_.threads[0].object);
    for (std::uint32_t w = 1; w < threads; ++w) {
      add(0, K::ThreadCreate, t_.threads[w].object, w);
      add(w, K::ThreadStart, t_.threads[w].object);
    }
    // Threads take turns in bursts, as a scheduler would run them; each
    // burst is one unit of work (about 12 events).
    std::uint64_t next_item = 0, rng = 0x9E3779B97F4A7C15ull;
    std::deque<std::uint64_t> queued;  // item ids, first in first out
    while (t_.events.size() < events) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      const std::uint32_t w = 1 + static_cast<std::uint32_t>(rng % workers);
      const std::uint32_t a = static_cast<std::uint32_t>((rng >> 8) % (kLocks - 1));
      // Two nested locks, always in increasing order: no inversion. One
      // burst in four has to wait for the first.
      const bool contended = ((rng >> 24) & 3) == 0;
      if (contended) add(w, K::MutexLockBegin, locks[a], 0, lock_site);
      add(w, K::MutexAcquired, locks[a], 1, lock_site, contended ? format::kFlagContended : 0);
      add(w, K::MutexAcquired, locks[a + 1], 1, lock_site);
      add(w, K::SharedRead, vars[a], 0, read_site);
      add(w, K::SharedWrite, vars[a], 0, write_site);
      add(w, K::SharedRead, vars[a + 1], 0, read_site);
      add(w, K::SharedWrite, vars[a + 1], 0, write_site);
      add(w, K::MutexReleased, locks[a + 1], 0, unlock_site);
      add(w, K::MutexReleased, locks[a], 0, unlock_site);
      add(w, K::SharedRead, stats, 0, stats_site);   // unprotected: races
      add(w, K::SharedWrite, stats, 0, stats_site);
      if ((rng >> 20) & 1) {
        queued.push_back(++next_item);
        add(w, K::QueuePut, items, next_item, put_site);
      } else if (!queued.empty()) {
        add(w, K::QueueGetBegin, items, 0, get_site);
        add(w, K::QueueGet, items, queued.front(), get_site);
        queued.pop_front();
      }
      if (((rng >> 28) & 7) == 0) {
        add(w, K::SleepBegin, 0, 1000, sleep_site);
        add(w, K::SleepEnd, 0, 0, sleep_site);
      }
      if (((rng >> 32) & 15) == 0) add(w, K::Mark, 0, 0, mark_site);  // text 0
    }
    for (std::uint32_t w = 1; w < threads; ++w) {
      add(w, K::ThreadEnd, t_.threads[w].object);
      add(0, K::ThreadJoinBegin, t_.threads[w].object, w);
      add(0, K::ThreadJoinEnd, t_.threads[w].object, 1);
    }
    format::EndRecord end;
    end.reason = format::EndReason::Exit;
    t_.end = end;
    return std::move(t_);
  }

  format::Trace t_;
  std::map<std::uint32_t, std::uint64_t> seq_;
  std::uint64_t now_ = 0;
};

}  // namespace weft::bench
