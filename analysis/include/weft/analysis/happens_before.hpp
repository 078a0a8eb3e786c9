// Happens-before, from the synchronization the trace records, with vector
// clocks. Fed the events in the trace's order, it keeps each thread's clock:
// an access happens before another exactly when its thread's component at
// the time is covered by the later thread's clock.
//
// The edges, one rule each (see happens_before.cpp): mutex unlock -> lock,
// notify -> wake, semaphore release -> acquire, barrier arrivals -> the same
// generation's departures, event set -> a successful wait, queue put -> the
// get of the same item, task_done -> join, thread create -> start, end ->
// join, pool submit -> task start, task end -> result and callbacks, timer
// start -> fire.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/format/trace.hpp"

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

  // Applies event `index` (call in trace order, every index once).
  void step(std::uint64_t index);

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
  VectorClock& object_clock(std::uint32_t object) {
    if (object >= objects_.size()) objects_.resize(object + 1);
    return objects_[object];
  }

  const format::Trace& trace_;
  std::vector<VectorClock> clocks_;           // by thread
  std::vector<std::uint64_t> last_sync_;      // by thread
  std::vector<VectorClock> objects_;                                 // by object id: mutex, condition, ...
  std::unordered_map<std::uint32_t, VectorClock> task_done_;         // queue: task_done -> join
  std::unordered_map<std::uint32_t, VectorClock> started_, ended_;   // thread objects; futures (submit, end)
  // Queue items in flight and barrier generations, by (object, item or generation).
  struct KeyHash {
    std::size_t operator()(const std::pair<std::uint32_t, std::uint64_t>& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.second * 0x9E3779B97F4A7C15ull ^ k.first);
    }
  };
  std::unordered_map<std::pair<std::uint32_t, std::uint64_t>, VectorClock, KeyHash> keyed_;
};

}  // namespace weft::analysis
