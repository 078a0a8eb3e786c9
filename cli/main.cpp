// The `weft` command: dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.hpp"
#include "weft/format/bytes.hpp"
#include "weft/version.hpp"

namespace weft::cli {
namespace {

struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  int (*run)(Args);
};

constexpr Command kCommands[] = {
    {"list", "list [--json]", "list the scenarios: teaching programs to trace, check and view", run_list},
    {"run", "run NAME [-o FILE] [--seed N] [--timeout S] [--check]", "run a scenario under tracing (trace: NAME.weft)",
     run_run},
    {"check", "check TRACE [--format text|json|sarif] [--expect FILE]",
     "find data races, deadlocks, lock-order inversions, hangs, misuse", run_check},
    {"stats", "stats TRACE", "contention per lock, running and blocked time per thread", run_stats},
    {"dump", "dump TRACE [--no-header]", "print every event of a trace, one line each, in order", run_dump},
    {"view", "view [TRACE] [--screenshot PNG] [--select-finding N] [--time A..B] [--size WxH]",
     "open the desktop viewer: timelines, findings, replay", run_view},
    {"export", "export TRACE [--format chrome] [-o FILE|-]", "Chrome trace JSON for Perfetto UI (default: TRACE.json)",
     run_export},
};

void print_help() {
  std::printf("weft %s: record, check and view what the threads of a program do\n\n", kVersion);
  std::printf("usage: weft COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::printf("  %-56s %s\n", c.usage, c.summary);
  std::printf("\noptions:\n  %-56s %s\n  %-56s %s\n", "-h, --help", "show this help", "--version",
              "show the version");
  std::printf("\nexit status: 0 success, 1 findings, 2 unusable input or command line\n");
}

int main_impl(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) throw usage_error("no command given (try: weft --help)");
  const std::string& first = args.front();
  if (first == "-h" || first == "--help" || first == "help") {
    print_help();
    return kExitOk;
  }
  if (first == "--version" || first == "version") {
    std::printf("weft %s\n", kVersion);
    return kExitOk;
  }
  for (const Command& c : kCommands)
    if (first == c.name) return c.run(Args(args).subspan(1));
  throw usage_error("unknown command '" + first + "' (try: weft --help)");
}

}  // namespace
}  // namespace weft::cli

int main(int argc, char** argv) {
  using namespace weft::cli;
  try {
    return main_impl(argc, argv);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "weft: %s\n", e.what());
  } catch (const weft::format::format_error& e) {
    std::fprintf(stderr, "weft: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft: error: %s\n", e.what());
  }
  return kExitUnusable;
}
