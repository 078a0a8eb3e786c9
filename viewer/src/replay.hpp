// Replay: the state of every thread and sync object after the first N
// events (the replay cursor), for the state panel: who holds which lock,
// who waits on what, queue depths, semaphore values, barrier arrivals.
// Seeking is incremental forward and restarts from a saved checkpoint
// backward, so scrubbing a long trace costs at most `every` events a step.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "timeline.hpp"
#include "weft/format/trace.hpp"

namespace weft::viewer {

struct LockHolder {
  std::uint32_t thread = 0;
  std::uint64_t depth = 1;
  std::uint64_t since = 0;  // event index of the acquisition
};

struct Waiting {
  State state = State::Running;
  std::uint32_t object = 0;  // 0 for sleeps
  std::uint64_t since = 0;   // event index of the wait's begin
};

struct ReplayState {
  std::uint64_t applied = 0;  // events [0, applied) are in this state
  std::map<std::uint32_t, LockHolder> holders;          // lock -> who holds it
  std::map<std::uint32_t, Waiting> waiting;             // thread -> what it waits for
  std::map<std::uint32_t, std::int64_t> queue_depth;    // queue -> items in it
  std::map<std::uint32_t, std::int64_t> semaphore_value;
  std::map<std::uint32_t, std::uint32_t> barrier_arrived;  // barrier -> arrivals in the current generation
  std::set<std::uint32_t> alive;                        // threads seen and not ended
  std::set<std::uint32_t> ended;

  // The threads waiting on `object`, in thread id order.
  std::vector<std::uint32_t> waiters_of(std::uint32_t object) const;
};

// Applies event `index` (which must be state.applied) to `state`.
void apply_event(ReplayState& state, const format::Trace& trace, std::uint64_t index);

class Replayer {
 public:
  explicit Replayer(const format::Trace& trace, std::uint64_t every = 1u << 14) : trace_(&trace), every_(every) {}
  // The state after the first `cursor` events (clamped to the trace).
  const ReplayState& seek(std::uint64_t cursor);
  const ReplayState& state() const { return current_; }
  std::size_t checkpoints() const { return checkpoints_.size(); }

 private:
  const format::Trace* trace_;
  std::uint64_t every_;
  std::vector<ReplayState> checkpoints_;  // [k]: the state after k * every_ events
  ReplayState current_;
};

}  // namespace weft::viewer
