// The table of `weft`'s commands, and the one way each parses its command
// line (weft::command_line, CLI11 underneath): `weft --help` and each
// command's own help and usage line come from here, so they cannot drift.
#include <algorithm>
#include <cstdio>

#include "cli.hpp"

namespace weft::cli {
namespace {

constexpr Command kCommands[] = {
    {"list", "list [--json]", "list the scenarios: teaching programs to trace, check and view", run_list},
    {"run", "run NAME [-o FILE] [--seed N] [--timeout S] [--check] [--schedule SEED|FILE]",
     "run a scenario under tracing (trace: NAME.weft); --schedule replays a run of weft explore", run_run},
    {"explore", "explore NAME [--runs N] [--strategy random|pct|dfs] [--depth D] [--bound K] [--seed S] "
                "[--early-timers] [--time-limit SECONDS] [--stop-at-first] [--check] [-o DIR]",
     "run a scenario many times under weft's scheduler, each run a different interleaving, and report what any "
     "run found", run_explore},
    {"record", "record [-o FILE] [-f] [--] PROGRAM [ARGS...]",
     "run an unmodified program under tracing, through LD_PRELOAD (trace: PROGRAM.weft)", run_record},
    {"check", "check TRACE [--format text|json|sarif] [--expect FILE]",
     "find data races, deadlocks, lock-order inversions, hangs, misuse", run_check},
    {"stats", "stats TRACE [--json]", "contention per lock, running and blocked time per thread", run_stats},
    {"dump", "dump TRACE [--no-header]", "print every event of a trace, one line each, in order", run_dump},
    {"view", "view [TRACE] [--screenshot PNG] [--select-finding N] [--time A..B] [--size WxH]",
     "open the desktop viewer: timelines, findings, replay", run_view},
    {"export", "export TRACE [--format chrome|perfetto] [-o FILE|-] [--no-findings]",
     "Chrome trace JSON or a Perfetto trace, for Perfetto UI (default: TRACE.json)", run_export},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

command_line::parser command_parser(std::string_view name) {
  for (const Command& c : kCommands) {
    const std::string_view usage = c.usage;
    if (name == c.name) {
      // The usage line repeats the name: "check TRACE ..." -> "TRACE ...".
      const std::string args(usage.size() > name.size() ? usage.substr(name.size() + 1) : std::string_view{});
      return command_line::parser("weft " + std::string(name), args, c.summary);
    }
  }
  throw std::logic_error("no weft command " + std::string(name));
}

bool parse_command(command_line::parser& parser, std::string_view name, Args args,
                   const command_line::parser::extra_argument& extra) {
  try {
    if (parser.parse(args, extra)) return true;
  } catch (const usage_error& e) {
    throw usage_error(std::string(name) + ": " + e.what());
  }
  std::fputs(parser.help().c_str(), stdout);
  return false;
}

bool parse_trace_command(command_line::parser& parser, std::string_view name, Args args, const std::string& path) {
  const auto second_trace = [&path](const std::string& second) {
    return "one trace at a time (got " + path + " and " + second + ")";
  };
  if (!parse_command(parser, name, args, second_trace)) return false;
  if (path.empty()) throw usage_error(std::string(name) + ": which trace? " + parser.usage());
  return true;
}

namespace {
// Thrown by the extra-argument hook to hand a further trace back (the
// parser has no list positional; it stops at the first stray argument).
struct another_trace {
  std::string path;
};
}  // namespace

bool parse_run_command(command_line::parser& parser, std::string_view name, Args args, const std::string& path,
                       std::vector<std::string>& more) {
  std::vector<std::string> rest(args.begin(), args.end());
  // Each round takes out one further trace (the first stray argument, in
  // command-line order) and parses again, until none is left: at most one
  // round per argument.
  for (;;) {
    try {
      if (!parse_command(parser, name, rest, [](const std::string& a) -> std::string { throw another_trace{a}; }))
        return false;
      break;
    } catch (const another_trace& t) {
      more.push_back(t.path);
      // Its first occurrence: if the first trace is named twice, that one
      // goes and the second becomes the first, which is the same.
      rest.erase(std::find(rest.begin(), rest.end(), t.path));
    }
  }
  if (path.empty()) throw usage_error(std::string(name) + ": which trace? " + parser.usage());
  more.insert(more.begin(), path);
  return true;
}

}  // namespace weft::cli
