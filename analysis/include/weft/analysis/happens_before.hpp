// Happens-before, from the synchronization the trace records, with vector
// clocks. Fed the events in the trace's order, it keeps each thread's clock:
// an access happens before another exactly when its thread's component at
// the time is covered by the later thread's clock.
//
// Its rules are the meaning table's sync column (weft/format/meaning.hpp,
// kind_meanings.def): an event that releases joins its thread's clock into
// its key's, an event that acquires joins its key's clock into its
// thread's. Releases on one key accumulate (an acquire sees every earlier
// release on it, as ThreadSanitizer's sync clocks do); a queue item's clock
// is consumed by its get. The causal edges (causality.hpp) read the same
// column, so each of them is a happens-before edge.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/format/trace.hpp"
#include "weft/analysis/sync_key.hpp"

namespace weft::analysis {

class VectorClock {
 public:
  std::uint32_t get(std::uint32_t thread) const { return thread < c_.size() ? c_[thread] : 0; }
  void set(std::uint32_t thread, std::uint32_t value) {
    if (thread >= c_.size()) c_.resize(thread + 1, 0);
    c_[thread] = value;
  }
  void join(const VectorClock& o) {
    if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
    for (std::size_t i = 0; i < o.c_.size(); ++i)
      if (o.c_[i] > c_[i]) c_[i] = o.c_[i];
  }

 private:
  std::vector<std::uint32_t> c_;
};

// An access's place in happens-before: thread and its clock component then.
struct Epoch {
  std::uint32_t thread = 0;
  std::uint32_t clock = 0;
};

class HappensBefore {
 public:
  explicit HappensBefore(const format::Trace& trace);

  // Applies event `index`, which is `e` (call in trace order, every index
  // once). The caller has the event already: a trace's events are packed,
  // and unpacking one twice is work (event_store.hpp).
  void step(std::uint64_t index, const format::Event& e);

  // Whether something at `e` happens before what `thread` does now.
  bool ordered_before(const Epoch& e, std::uint32_t thread) const {
    return e.thread == thread || e.clock <= clocks_[thread].get(e.thread);
  }
  Epoch now(std::uint32_t thread) const { return {thread, clocks_[thread].get(thread)}; }
  // The thread's last synchronization event so far, or ~0.
  std::uint64_t last_sync(std::uint32_t thread) const { return last_sync_[thread]; }

 private:
  void acquire(std::uint32_t thread, const VectorClock& from) { clocks_[thread].join(from); }
  void release_into(std::uint32_t thread, VectorClock& into);  // into |= thread's clock, then tick
  void tick(std::uint32_t thread) { clocks_[thread].set(thread, clocks_[thread].get(thread) + 1); }

  std::vector<VectorClock> clocks_;           // by thread
  std::vector<std::uint64_t> last_sync_;      // by thread
  // Keys' clocks: mutexes (the busiest) by object id, every other key hashed.
  std::vector<VectorClock> locks_;
  std::unordered_map<SyncKey, VectorClock, SyncKeyHash> keyed_;
};

}  // namespace weft::analysis
