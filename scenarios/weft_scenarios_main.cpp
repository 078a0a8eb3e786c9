// weft-scenarios: every scenario in one program.
//   weft-scenarios list [--json]
//   weft-scenarios describe NAME          (JSON)
//   weft-scenarios run NAME [--seed N] [--timeout SECONDS]
//   weft-scenarios serve NAME             (weft explore's fork server: weft/detail/fork_server.hpp)
//   weft-scenarios --help, weft-scenarios COMMAND --help
// `weft list` and `weft run` use it; the trace goes where WEFT_TRACE says.
// The first word is the command; the command parses the rest with the
// project's parser (weft::command_line).
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "catalog_json.hpp"
#include "runner.hpp"
#include "weft/detail/fork_server.hpp"
#include "weft/support/command_line.hpp"

namespace {

using namespace weft::scenarios;
using weft::command_line::parser;
using Args = std::span<const std::string>;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "weft-scenarios: %s\n", message.c_str());
  return 2;
}

const scenario* find_or_explain(const std::string& name) {
  if (const scenario* s = find(name)) return s;
  std::string message = "unknown scenario '" + name + "'";
  const auto close = close_matches(name);
  if (!close.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i) message += (i ? ", " : "") + close[i];
    message += "?";
  }
  message += " (weft list shows them all)";
  std::fprintf(stderr, "weft-scenarios: %s\n", message.c_str());
  return nullptr;
}

void print_table() {
  std::size_t width = 4;
  for (const scenario* s : all()) width = std::max(width, std::string_view(s->name).size());
  std::printf("%-*s  %s\n", static_cast<int>(width), "NAME", "SUMMARY  [EXPECTED]");
  for (const scenario* s : all()) {
    std::string expected = describe_verdict(*s);
    if (s->marks) expected += std::string(expected.empty() ? "" : ", ") + "marks " + s->marks;
    std::printf("%-*s  %s  [%s]\n", static_cast<int>(width), s->name, s->summary, expected.c_str());
  }
}

struct command {
  const char* name;
  const char* usage;
  const char* summary;
};
constexpr command kList{"list", "[--json]", "the catalogue: each scenario's name, summary and expected verdict"};
constexpr command kDescribe{"describe", "NAME", "one scenario's declaration, as JSON: what weft check must find in it"};
constexpr command kRun{"run", "NAME [--seed N] [--timeout SECONDS]",
                       "run one scenario under tracing (the trace goes where WEFT_TRACE says)"};

constexpr command kServe{"serve", "NAME",
                         "weft explore's fork server: runs of the scenario, each forked from this process when asked"};

parser parser_for(const command& c) { return parser(std::string("weft-scenarios ") + c.name, c.usage, c.summary); }

void print_help() {
  std::printf("weft-scenarios: every scenario of the catalogue in one program (weft list and weft run use it)\n\n");
  std::printf("usage: weft-scenarios COMMAND [ARGS...]\n\ncommands:\n");
  for (const command& c : {kList, kDescribe, kRun, kServe})
    std::printf("  %-46s %s\n", (std::string(c.name) + " " + c.usage).c_str(), c.summary);
  std::printf("\noptions:\n  %-46s %s\n  %-46s %s\n", "-h, --help", "show this help",
              "COMMAND --help", "the command's arguments and flags, each explained");
}

// Parses; false: help was asked for and printed. Throws usage_error.
bool parse(parser& p, Args args, const parser::extra_argument& extra = {}) {
  if (p.parse(args, extra)) return true;
  std::fputs(p.help().c_str(), stdout);
  return false;
}

parser::extra_argument one_scenario(const std::string& name) {
  return [&name](const std::string& second) { return "one scenario at a time (got " + name + " and " + second + ")"; };
}

int list(Args args) {
  bool as_json = false;
  parser p = parser_for(kList);
  p.flag("--json", as_json, "the catalogue as JSON: each scenario's name, summary, lesson and expected verdict");
  if (!parse(p, args)) return 0;
  if (as_json)
    std::printf("%s\n", catalog_json().c_str());
  else
    print_table();
  return 0;
}

int describe(Args args) {
  std::string name;
  parser p = parser_for(kDescribe);
  p.positional("NAME", name, "the scenario");
  if (!parse(p, args, one_scenario(name))) return 0;
  if (name.empty()) throw weft::command_line::usage_error("which scenario? " + p.usage());
  const scenario* s = find_or_explain(name);
  if (!s) return 2;
  std::printf("%s\n", scenario_json(*s).c_str());
  return 0;
}

int run(Args args) {
  std::string name;
  run_flags flags;
  parser p = parser_for(kRun);
  p.positional("NAME", name, "the scenario");
  declare_run_flags(p, flags);
  if (!parse(p, args, one_scenario(name))) return 0;
  if (name.empty()) throw weft::command_line::usage_error("which scenario? " + p.usage());
  const scenario* s = find_or_explain(name);
  if (!s) return 2;
  return run_scenario(*s, settings_from(flags));
}

int serve(Args args) {
  std::string name;
  parser p = parser_for(kServe);
  p.positional("NAME", name, "the scenario");
  p.footer(
      "Reads requests on standard input: a seed, then NAME=VALUE environment variables, each field ended by a NUL "
      "byte, the request by an empty field. Forks a run of the scenario with that seed and environment for each, "
      "its output discarded, and answers 'exit N' or 'signal N' on a line when it ends.");
  if (!parse(p, args, one_scenario(name))) return 0;
  if (name.empty()) throw weft::command_line::usage_error("which scenario? " + p.usage());
  const scenario* s = find_or_explain(name);
  if (!s) return 2;
  // weft explore starts the server with LD_BIND_NOW (explore.cpp), so that
  // its runs need not bind symbols again; nothing they start is told to.
  ::unsetenv("LD_BIND_NOW");
  // Returns in each forked run (the server itself exits when asked no more).
  run_settings settings;
  settings.opt.seed = weft::detail::explore::serve_forked_runs(0, 1);
  settings.seed_given = true;
  return run_scenario(*s, settings);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("usage: weft-scenarios list [--json] | describe NAME | run NAME [--seed N] [--timeout S] | serve NAME");
  const std::string& name = args[0];
  if (name == "-h" || name == "--help") {
    print_help();
    return 0;
  }
  const Args rest = Args(args).subspan(1);
  try {
    if (name == kList.name) return list(rest);
    if (name == kDescribe.name) return describe(rest);
    if (name == kRun.name) return run(rest);
    if (name == kServe.name) return serve(rest);
  } catch (const weft::command_line::usage_error& e) {
    return usage_error(name + ": " + e.what());
  }
  return usage_error("unknown command '" + name + "' (list, describe, run, serve; try: weft-scenarios --help)");
}
