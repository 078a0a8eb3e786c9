#include "schedule_replay.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli.hpp"
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

}  // namespace

Replay replay_settings(const std::string& command, const std::string& schedule, const std::string& strategy,
                       const std::optional<std::string>& depth, const std::optional<std::string>& horizon,
                       bool early_timers) {
  Replay r;
  if (all_digits(schedule)) {
    if (strategy != "random" && strategy != "pct")
      throw usage_error(command + ": --schedule SEED remakes a random or pct run; --strategy must be random or pct, not '" +
                        strategy + "'");
    r.env = {{"WEFT_EXPLORE", strategy}, {"WEFT_EXPLORE_SEED", schedule}};
    if (early_timers) r.env.emplace_back("WEFT_EXPLORE_EARLY_TIMERS", "1");
    if (depth) r.env.emplace_back("WEFT_EXPLORE_DEPTH", *depth);
    if (horizon) r.env.emplace_back("WEFT_EXPLORE_HORIZON", *horizon);
    r.seed = schedule;
    return r;
  }
  if (!std::filesystem::is_regular_file(schedule))
    throw usage_error(command + ": --schedule wants a seed (a whole number) or a file, and " + schedule + " is neither");
  std::string decisions;
  std::uint64_t seed = 0;
  if (starts_like_a_trace(schedule)) {
    const format::Trace t = symbolize::load_trace(schedule);
    if (!t.schedule) throw usage_error(command + ": " + schedule + " was not made by weft explore: it has no schedule to replay");
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


std::string schedule_summary(const format::Schedule& s) {
  char text[256];
  std::snprintf(text, sizeof text, "under weft's scheduler (%s, seed %llu): %zu decisions, %llu steps, %.3f ms of virtual time",
                s.strategy.c_str(), static_cast<unsigned long long>(s.seed), s.decisions.size(),
                static_cast<unsigned long long>(s.steps), double(s.virtual_ns) / 1e6);
  return text;
}

void ScheduleFlags::declare(command_line::parser& p, const std::string& what_seed) {
  p.option("--schedule", schedule, "SEED|FILE",
           "run it under weft's scheduler: remake " + what_seed + ", or replay the decisions in FILE (a trace weft "
           "explore kept) exactly");
  p.option("--strategy", strategy, "random|pct", "with --schedule SEED: the strategy that made the run (random)");
  p.option("--depth", depth, "D", "with --schedule SEED and pct: its depth (3)");
  p.option("--horizon", horizon, "K", "with --schedule SEED and pct: the steps its change points were spread over");
  p.flag("--early-timers", early_timers, "with --schedule SEED: the run was explored with --early-timers");
}

std::optional<Replay> ScheduleFlags::replay(const std::string& command) const {
  if (schedule) return replay_settings(command, *schedule, strategy, depth, horizon, early_timers);
  if (strategy != "random" || depth || horizon || early_timers)
    throw usage_error(command + ": --strategy, --depth, --horizon and --early-timers go with --schedule");
  return std::nullopt;
}

}  // namespace weft::cli
