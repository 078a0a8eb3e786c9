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
#include "weft/format/schema.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {
namespace {

bool starts_like_a_trace(const std::string& path) {
  unsigned char head[sizeof format::kMagic] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head), sizeof head);
  return in.gcount() == sizeof head && std::equal(std::begin(head), std::end(head), std::begin(format::kMagic));
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// What `--schedule SEED|FILE` asks of the scheduler, as the environment the
// scenario runs in. A seed remakes a run of --strategy (random, or pct with
// its --depth and --horizon); a file replays its decisions exactly: a trace
// weft explore kept (its SCHD record), or a text file of thread ids.
struct Replay {
  Environment env;
  std::string seed;  // the scenario's own --seed, as the explored run had it
  std::string decisions_file;  // a temporary file to remove afterwards
};

Replay replay_settings(const std::string& schedule, const std::string& strategy, const std::optional<std::string>& depth,
                       const std::optional<std::string>& horizon, bool early_timers) {
  Replay r;
  if (all_digits(schedule)) {
    if (strategy != "random" && strategy != "pct")
      throw usage_error("run: --schedule SEED remakes a random or pct run; --strategy must be random or pct, not '" +
                        strategy + "'");
    r.env = {{"WEFT_EXPLORE", strategy}, {"WEFT_EXPLORE_SEED", schedule}};
    if (early_timers) r.env.emplace_back("WEFT_EXPLORE_EARLY_TIMERS", "1");
    if (depth) r.env.emplace_back("WEFT_EXPLORE_DEPTH", *depth);
    if (horizon) r.env.emplace_back("WEFT_EXPLORE_HORIZON", *horizon);
    r.seed = schedule;
    return r;
  }
  if (!std::filesystem::is_regular_file(schedule))
    throw usage_error("run: --schedule wants a seed (a whole number) or a file, and " + schedule + " is neither");
  std::string decisions;
  std::uint64_t seed = 0;
  if (starts_like_a_trace(schedule)) {
    const format::Trace t = symbolize::load_trace(schedule);
    if (!t.schedule) throw usage_error("run: " + schedule + " was not made by weft explore: it has no schedule to replay");
    for (const format::ScheduleDecision& d : t.schedule->decisions) decisions += std::to_string(d.chosen) + "\n";
    seed = t.schedule->seed;
    early_timers = t.schedule->early_timers;
  } else {
    std::ifstream in(schedule);
    decisions.assign(std::istreambuf_iterator<char>(in), {});
  }
  char path[] = "/tmp/weft-schedule-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for the schedule");
  ::close(fd);
  std::ofstream(path) << decisions;
  r.decisions_file = path;
  r.env = {{"WEFT_EXPLORE", "replay"}, {"WEFT_EXPLORE_SCHEDULE", path}, {"WEFT_EXPLORE_SEED", std::to_string(seed)}};
  if (early_timers) r.env.emplace_back("WEFT_EXPLORE_EARLY_TIMERS", "1");
  r.seed = std::to_string(seed);
  return r;
}

}  // namespace

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
  std::optional<std::string> output, seed, timeout, schedule, depth, horizon;
  std::string strategy = "random";
  bool then_check = false, early_timers = false;
  command_line::parser p = command_parser("run");
  p.positional("NAME", name, "the scenario (weft list shows them)");
  p.option("-o,--output", output, "FILE", "where the trace goes (default: NAME.weft)");
  p.option("--seed", seed, "N", "the seed of the scenario's random choices (default: a random one, logged in the trace)");
  p.option("--timeout", timeout, "S", "stop it, with a complete trace, after S seconds, 1 to 3600 (default: 30, 3 for a hang)");
  p.flag("--check", then_check, "then check the trace against the scenario's declared verdict (exit 0: as declared)");
  p.option("--schedule", schedule, "SEED|FILE",
           "run it under weft's scheduler: remake the explored run of this seed, or replay the decisions in FILE "
           "(a trace weft explore kept) exactly");
  p.option("--strategy", strategy, "random|pct", "with --schedule SEED: the strategy that made the run (random)");
  p.option("--depth", depth, "D", "with --schedule SEED and pct: its depth (3)");
  p.option("--horizon", horizon, "K", "with --schedule SEED and pct: the steps its change points were spread over");
  p.flag("--early-timers", early_timers, "with --schedule SEED: the run was explored with --early-timers");
  const auto one_scenario = [&name](const std::string& second) {
    return "one scenario at a time (got " + name + " and " + second + ")";
  };
  if (!parse_command(p, "run", args, one_scenario)) return kExitOk;
  if (name.empty()) throw usage_error("run: which scenario? " + p.usage());
  // weft-scenarios checks the numbers, in its own words.
  std::optional<Replay> replay;
  if (schedule) {
    replay = replay_settings(*schedule, strategy, depth, horizon, early_timers);
    if (!seed) seed = replay->seed;  // the scenario's own choices, as in the explored run
  } else if (strategy != "random" || depth || horizon || early_timers) {
    throw usage_error("run: --strategy, --depth, --horizon and --early-timers go with --schedule");
  }
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
    if (loaded.schedule)
      std::fprintf(stderr, "weft: under weft's scheduler (%s, seed %llu): %zu decisions, %llu steps, %.3f ms of virtual time\n",
                   loaded.schedule->strategy.c_str(), static_cast<unsigned long long>(loaded.schedule->seed),
                   loaded.schedule->decisions.size(), static_cast<unsigned long long>(loaded.schedule->steps),
                   double(loaded.schedule->virtual_ns) / 1e6);
  }
  if (!then_check) return kExitOk;
  // Checked against what the scenario's lesson says it should find.
  const std::optional<std::string> expected = capture_scenarios_program({"describe", name});
  if (!expected) return kExitUnusable;
  return check_trace(trace, "text", expected, "scenario " + name);
}

}  // namespace weft::cli
