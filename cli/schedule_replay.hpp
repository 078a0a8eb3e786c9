// `--schedule SEED|FILE`, shared by `weft run NAME` (a scenario) and `weft
// record PROGRAM` (an unmodified program): what the controlled scheduler is
// asked to do, as the environment the program runs in.
#pragma once

#include <optional>
#include <string>

#include "scenarios_program.hpp"  // Environment
#include "weft/format/schedule.hpp"
#include "weft/support/command_line.hpp"

namespace weft::cli {

// A seed remakes a run of --strategy (random, or pct with its --depth and
// --horizon); a file replays its decisions exactly: a trace weft explore
// kept (its SCHD record), or a text file of thread ids.
struct Replay {
  Environment env;
  std::string seed;            // the seed of the explored run (a scenario's own --seed too)
  std::string decisions_file;  // a temporary file to remove afterwards
};

// `command` names the command in errors ("run: --schedule wants ...").
Replay replay_settings(const std::string& command, const std::string& schedule, const std::string& strategy,
                       const std::optional<std::string>& depth, const std::optional<std::string>& horizon,
                       bool early_timers);

// What the scheduler did in a run, from its SCHD record: "under weft's
// scheduler (random, seed 7): 12 decisions, 15 steps, 0.002 ms of virtual
// time", as weft run and weft record say it after the run.
std::string schedule_summary(const format::Schedule& s);

// The flags that ask for it, the same on every command that takes them.
struct ScheduleFlags {
  std::optional<std::string> schedule, depth, horizon;
  std::string strategy = "random";
  bool early_timers = false;

  // `what_seed`: what a seed remakes ("the explored run of this seed").
  void declare(command_line::parser& p, const std::string& what_seed);
  // The replay asked for, if any; a usage error for --strategy and the
  // like without --schedule.
  std::optional<Replay> replay(const std::string& command) const;
};

}  // namespace weft::cli
