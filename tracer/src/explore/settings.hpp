// How the controlled scheduler is asked for: by the environment, as
// `weft explore` and `weft run --schedule` set it for the program they run.
//   WEFT_EXPLORE           random | pct | dfs | replay (unset: no scheduler)
//   WEFT_EXPLORE_SEED      the run's seed (random, pct; recorded for all)
//   WEFT_EXPLORE_DEPTH     pct: the bug depth d (d - 1 priority change points; 3)
//   WEFT_EXPLORE_HORIZON   pct: the steps the change points are spread over (1000)
//   WEFT_EXPLORE_BOUND     dfs: the preemption bound (recorded; the search is weft explore's)
//   WEFT_EXPLORE_SCHEDULE  a file of decisions (thread ids) to make first: all of
//                          them for replay, a prefix for dfs
//   WEFT_EXPLORE_BUDGET_MS the run's real-time budget (60000; a thread that holds the
//                          turn 10 s without a scheduling point is stopped sooner)
//   WEFT_EXPLORE_EARLY_TIMERS  "1": the next timer may fire while threads can
//                          still run (else only when none can)
//   WEFT_EXPLORE_CPU       the CPU the run's threads are kept on (default:
//                          the one it starts on)
// A bad value stops the program at once, in one line: a run that silently
// went unscheduled would explore nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace weft::detail::explore {

enum class Strategy { random, pct, dfs, replay };

struct Settings {
  Strategy strategy = Strategy::random;
  std::uint64_t seed = 0;
  std::uint32_t depth = 3;
  std::uint64_t horizon = 1000;
  std::uint32_t bound = 0;
  std::vector<std::uint32_t> forced;
  std::uint64_t budget_ms = 60000;
  std::optional<unsigned> cpu;
  bool early_timers = false;
};

const char* strategy_name(Strategy s);

// nullopt when WEFT_EXPLORE is unset; a bad setting ends the process (exit 2).
std::optional<Settings> settings_from_environment();

}  // namespace weft::detail::explore
