// Replay: the state of every thread and sync object after the first N
// events (the replay cursor), for the state panel: who holds which lock,
// who waits on what, queue depths, semaphore values, barrier arrivals.
// Read off the analysis model's intervals (its waits, holds and series),
// never derived again here: seeking anywhere, in either direction, is a
// binary search per thread and per counted object (queue, semaphore,
// barrier), and a read of the holds under way from a checkpoint before
// the cursor (active_holds.hpp), however many locks the trace has.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "active_holds.hpp"
#include "timeline.hpp"
#include "weft/analysis/model.hpp"
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

// How many queues, semaphores and barriers a seek reads whole.
inline constexpr std::size_t kValuesListed = 64;

struct ReplayState {
  std::uint64_t applied = 0;  // events [0, applied) are in this state
  std::map<std::uint32_t, LockHolder> holders;          // lock -> who holds it (exclusively)
  std::map<std::uint32_t, std::vector<LockHolder>> readers;  // shared mutex -> who holds it shared
  std::map<std::uint32_t, Waiting> waiting;             // thread -> what it waits for
  std::map<std::uint32_t, std::int64_t> queue_depth;    // queue -> items in it
  std::map<std::uint32_t, std::int64_t> semaphore_value;
  std::map<std::uint32_t, std::uint32_t> barrier_arrived;  // barrier -> arrivals in the current generation
  // Past kValuesListed counted objects, the three maps above hold only
  // those a thread waits on at the cursor: a trace of a million semaphores
  // made every seek read a million series. The totals count every one in
  // the trace.
  std::size_t queues = 0, semaphores = 0, barriers = 0;
  bool values_partial() const { return queues + semaphores + barriers > kValuesListed; }
  std::set<std::uint32_t> alive;                        // threads seen and not ended
  std::set<std::uint32_t> ended;

  // The threads waiting on `object`, in thread id order.
  std::vector<std::uint32_t> waiters_of(std::uint32_t object) const;
};

// What a seek reads besides the model: each thread's waits, the counted
// series, the holds under way at checkpoints. Built once per document,
// while the trace opens (Document::replay_index), and only read after: on
// a trace of millions of locks or events, building it is tens to hundreds
// of milliseconds, which the window's thread would otherwise stall for.
struct ReplayIndex {
  // `model` must outlive it.
  explicit ReplayIndex(const analysis::Model& model);

  std::vector<std::vector<std::uint32_t>> waits;  // by thread, by begin: indices into the model's (packed) waits
  ActiveHolds holds;                              // the holds under way at any cursor
  std::vector<std::uint32_t> values;              // the model's queue, semaphore and barrier series
  std::size_t queues = 0, semaphores = 0, barriers = 0;
};

class Replayer {
 public:
  // With an index of its own, built here.
  explicit Replayer(const analysis::Model& model);
  // Reading `index`, built for `model`; both must outlive the Replayer.
  Replayer(const analysis::Model& model, const ReplayIndex& index);
  // The state after the first `cursor` events (clamped to the trace).
  const ReplayState& seek(std::uint64_t cursor);
  const ReplayState& state() const { return current_; }

 private:
  const analysis::Model* model_;
  std::unique_ptr<const ReplayIndex> own_index_;  // when not given one
  const ReplayIndex* index_;
  ReplayState current_;
};

}  // namespace weft::viewer
