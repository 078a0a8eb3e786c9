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
  std::uint32_t get(std::uint32_t slot) const { return slot < c_.size() ? c_[slot] : 0; }
  void set(std::uint32_t slot, std::uint32_t value) {
    if (slot >= c_.size()) c_.resize(slot + 1, 0);
    c_[slot] = value;
  }
  void join(const VectorClock& o) {
    if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
    for (std::size_t i = 0; i < o.c_.size(); ++i)
      if (o.c_[i] > c_[i]) c_[i] = o.c_[i];
  }
  void clear() { c_.clear(); }

 private:
  std::vector<std::uint32_t> c_;  // by slot
};

// An access's place in happens-before: its thread, the clock slot the
// thread had then, and the slot's component then.
struct Epoch {
  std::uint32_t thread = 0;
  std::uint32_t slot = 0;
  std::uint32_t clock = 0;
};

// Clocks are indexed by slot, not by thread: a program that starts a
// thread per task has tens of thousands of threads, a few alive at a time,
// and clocks with a component for each were quadratic (10,000 threads each
// taking one lock: 4 s and 630 MB, every clock as long as the threads
// started before it). A thread takes a free slot at its first event, and
// its slot is freed once it has ended and no epoch of it is kept (keep,
// forget): then no question can be asked about it any more. The next
// thread in that slot counts on from where the last stopped, so the
// components other clocks still hold for the old one are all below the
// new one's epochs, and order nothing they should not.
class HappensBefore {
 public:
  explicit HappensBefore(const format::Trace& trace);

  // Applies event `index`, which is `e` (call in trace order, every index
  // once). The caller has the event already: a trace's events are packed,
  // and unpacking one twice is work (event_store.hpp).
  void step(std::uint64_t index, const format::Event& e);

  // Whether something at `e` happens before what `thread` does now. `e`
  // must be kept if its thread may end before the question is asked.
  bool ordered_before(const Epoch& e, std::uint32_t thread) const {
    if (e.thread == thread) return true;
    const std::uint32_t s = thread < slot_of_.size() ? slot_of_[thread] : kNoSlot;
    return s != kNoSlot && e.clock <= clocks_[s].get(e.slot);
  }
  // Where `thread` is now (it takes a slot if it has none yet).
  Epoch now(std::uint32_t thread) {
    const std::uint32_t s = slot(thread);
    return {thread, s, clocks_[s].get(s)};
  }
  // An epoch someone will ask about later: its thread's slot stays its
  // own until every kept epoch is forgotten.
  void keep(const Epoch& e) { ++kept_[e.slot]; }
  void forget(const Epoch& e);
  // The thread's last synchronization event so far, or ~0.
  std::uint64_t last_sync(std::uint32_t thread) const { return last_sync_[thread]; }
  // How many slots were ever in use at once: the length of a clock.
  std::size_t slots() const { return clocks_.size(); }

 private:
  static constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};

  std::uint32_t slot(std::uint32_t thread);  // the thread's, taken if it has none
  void free_slot(std::uint32_t s);
  void tick(std::uint32_t s) { clocks_[s].set(s, clocks_[s].get(s) + 1); }

  std::vector<std::uint64_t> last_sync_;      // by thread
  std::vector<std::uint32_t> slot_of_;        // by thread: kNoSlot before its first event and once freed
  std::vector<std::uint32_t> thread_object_;  // by thread: the object its end releases on
  std::vector<bool> ended_;                   // by thread
  std::vector<VectorClock> clocks_;           // by slot: its thread's clock
  std::vector<std::uint32_t> occupant_;       // by slot: its thread, kNoSlot when free
  std::vector<std::uint32_t> kept_;           // by slot: its thread's epochs kept
  std::vector<std::uint32_t> free_;           // slots free to take
  // Keys' clocks: mutexes (the busiest) by object id, every other key hashed.
  std::vector<VectorClock> locks_;
  std::unordered_map<SyncKey, VectorClock, SyncKeyHash> keyed_;
};

}  // namespace weft::analysis
