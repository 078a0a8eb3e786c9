// Who runs next, at a scheduling point where more than one thread could:
// the strategies of weft explore. Each is a pure function of its settings
// (seed, depth, forced decisions) and of what it is shown, so a run is
// decided by its seed and replays exactly.
//   random  uniform choice at every point;
//   pct     probabilistic concurrency testing (Burckhardt et al., ASPLOS
//           2010): random distinct priorities, the highest-priority thread
//           runs, and at d - 1 random steps the running thread drops below
//           all others. It finds a bug of depth d with probability at least
//           1/(n k^(d-1)) per run (n threads, k steps). A thread that
//           yields (sched_yield: it waits for another to do something)
//           drops below every other, as a spin loop needs; past twice the
//           horizon (at least kUnfairSteps) the choice is uniform, as
//           random's, so that a run whose threads only make progress when
//           the scheduler is fair (a thread polling under a lock another
//           needs) ends, as it ends unscheduled;
//   dfs     the forced decisions weft explore's search gives it, then no
//           preemption: the running thread goes on while it can (unless it
//           yielded: then the next one by id that can), else the lowest id
//           (weft explore backtracks over the recorded choices); past
//           kUnfairSteps, each thread that can in turn, by id (fair, as
//           pct's tail);
//   replay  exactly the recorded decisions; a decision they do not cover, or
//           one naming a thread that cannot run, is a divergence.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "settings.hpp"

namespace weft::detail::explore {

inline constexpr std::uint32_t kDiverged = 0xffffffffu;
// Steps after which pct (at the least) and dfs choose fairly (see above).
inline constexpr std::uint64_t kUnfairSteps = 10'000;

class Chooser {
 public:
  virtual ~Chooser() = default;
  virtual void thread_added(std::uint32_t /*id*/) {}
  // Every scheduling step, `running` holding the turn.
  virtual void at_step(std::uint64_t /*step*/, std::uint32_t /*running*/) {}
  // `running` offers the turn (a program's sched_yield), at the step just
  // counted, before the choice.
  virtual void yielded(std::uint32_t /*running*/) {}
  // `enabled`: ascending, two or more; `running` may be among them. Returns
  // one of them, or kDiverged (replay).
  virtual std::uint32_t choose(const std::vector<std::uint32_t>& enabled, std::uint32_t running) = 0;
};

std::unique_ptr<Chooser> make_chooser(const Settings& settings);

// A small, fast generator whose sequence is fixed by its seed everywhere
// (std's distributions are not specified to be).
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }  // n > 0; the bias is negligible here

 private:
  std::uint64_t state_;
};

}  // namespace weft::detail::explore
