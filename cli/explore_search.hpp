// The exhaustive search of `weft explore --strategy dfs`: depth first over
// the scheduler's decisions, at most `bound` preemptions per run (CHESS's
// iterative context bounding, Musuvathi & Qadeer, PLDI 2007: most bugs need
// very few). A preemption is a decision that takes the turn from a thread
// that could have gone on.
//
// Each run replays a prefix of decisions and then lets the running thread
// go on while it can (the scheduler's dfs strategy); its recorded decisions,
// with which threads could run at each, tell the search the alternatives.
// The search assumes the program makes the same decisions under the same
// schedule (no clock or random number changes its path); a run that does not
// shows as a divergence.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/format/schedule.hpp"

namespace weft::cli {

class PreemptionBoundedSearch {
 public:
  explicit PreemptionBoundedSearch(std::uint32_t bound) : bound_(bound) {}

  // The decisions the next run makes first (none for the first run).
  const std::vector<std::uint32_t>& next_prefix() const { return prefix_; }
  // Takes in a run's decisions (enabled sets recorded) and picks the next
  // prefix; false once every schedule within the bound has been run.
  bool advance(const std::vector<format::ScheduleDecision>& run);

 private:
  struct Level {
    std::vector<std::uint32_t> enabled;  // ascending
    std::uint32_t previous = 0;          // who held the turn
    std::uint32_t chosen = 0;
    std::vector<std::uint32_t> tried;
    std::uint32_t preemptions_before = 0;
    bool preempts(std::uint32_t t) const;
  };
  const std::uint32_t bound_;
  std::vector<Level> stack_;
  std::vector<std::uint32_t> prefix_;
};

}  // namespace weft::cli
