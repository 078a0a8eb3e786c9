// `weft list` and `weft run NAME`: the scenario catalogue lives in the
// weft-scenarios program next to this one (scenarios_program.hpp); these
// hand over to it. `weft run --schedule` replays one run of weft explore.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "scenarios_program.hpp"
#include "schedule_replay.hpp"
#include "weft/format/schema.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {

int run_list(Args args) {
  bool as_json = false;
  command_line::parser p = command_parser("list");
  p.flag("--json", as_json, "the catalogue as JSON: each scenario's name, summary, lesson and expected verdict");
  if (!parse_command(p, "list", args)) return kExitOk;
  std::vector<std::string> forwarded{"list"};
  if (as_json) forwarded.push_back("--json");
  return run_scenarios_program(forwarded) == 0 ? kExitOk : kExitUnusable;
}

int run_run(Args args) {
  std::string name;
  std::optional<std::string> output, seed, timeout;
  ScheduleFlags scheduling;
  bool then_check = false;
  command_line::parser p = command_parser("run");
  p.positional("NAME", name, "the scenario (weft list shows them)");
  p.option("-o,--output", output, "FILE", "where the trace goes (default: NAME.weft)");
  p.option("--seed", seed, "N", "the seed of the scenario's random choices (default: a random one, logged in the trace)");
  p.option("--timeout", timeout, "S", "stop it, with a complete trace, after S seconds, 1 to 3600 (default: 30, 3 for a hang)");
  p.flag("--check", then_check, "then check the trace against the scenario's declared verdict (exit 0: as declared)");
  scheduling.declare(p, "the explored run of this seed");
  const auto one_scenario = [&name](const std::string& second) {
    return "one scenario at a time (got " + name + " and " + second + ")";
  };
  if (!parse_command(p, "run", args, one_scenario)) return kExitOk;
  if (name.empty()) throw usage_error("run: which scenario? " + p.usage());
  // weft-scenarios checks the numbers, in its own words.
  const std::optional<Replay> replay = scheduling.replay("run");
  if (replay && !seed) seed = replay->seed;  // the scenario's own choices, as in the explored run
  std::vector<std::string> forwarded{"run", name};
  if (seed) forwarded.insert(forwarded.end(), {"--seed", *seed});
  if (timeout) forwarded.insert(forwarded.end(), {"--timeout", *timeout});
  const std::string trace = output.value_or(name + ".weft");
  Environment env{{"WEFT_TRACE", trace}};
  if (replay) env.insert(env.end(), replay->env.begin(), replay->env.end());
  const int status = run_scenarios_program(forwarded, env);
  if (replay && !replay->decisions_file.empty()) std::filesystem::remove(replay->decisions_file);
  if (status == 2 || status == 127) return kExitUnusable;  // unknown name, bad flag: already said
  // The scenario ran (whatever it did: finding its bugs is `weft check`'s job).
  if (!std::filesystem::exists(trace)) {
    std::fprintf(stderr, "weft: run: the scenario exited with status %d and wrote no trace\n", status);
    return kExitUnusable;
  }
  {
    const format::Trace loaded = symbolize::load_trace(trace);
    std::fprintf(stderr, "weft: %s: %zu events from %zu threads written to %s%s\n", name.c_str(), loaded.events.size(),
                 loaded.threads.size(), trace.c_str(),
                 status != 86                                  ? ""
                 : loaded.schedule && loaded.schedule->stop != format::ScheduleStop::None ? " (weft's scheduler stopped it)"
                                                                       : " (the program hung and weft stopped it)");
    if (loaded.schedule) std::fprintf(stderr, "weft: %s\n", schedule_summary(*loaded.schedule).c_str());
  }
  if (!then_check) return kExitOk;
  // Checked against what the scenario's lesson says it should find.
  const std::optional<std::string> expected = capture_scenarios_program({"describe", name});
  if (!expected) return kExitUnusable;
  return check_trace(trace, "text", expected, "scenario " + name);
}

}  // namespace weft::cli
