// Every weft program's command line as a user meets it: `--help` (and `-h`)
// on every command says how to call it and what each flag does, on stdout,
// exit 0; a mistake — a wrong flag, a missing value, an argument too many, a
// bad number, an unknown command — is exactly one line on stderr naming it,
// exit status 2, nothing on stdout. The programs: weft and each of its
// commands, weft-view, weft-scenarios and a scenario's own program.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"

using weft::test::one_line;
using weft::test::run_child;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// weft view's mistakes must be found before any window: no display at all.
weft::test::ChildOptions no_display() {
  weft::test::ChildOptions o;
  o.unset_env = {"DISPLAY", "WAYLAND_DISPLAY"};
  return o;
}

// The help line of `flag`: it starts the line (after the indent), and a
// description follows after a gap.
bool described(const std::string& help, const std::string& flag) {
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t at = line.find_first_not_of(' ');
    if (at == std::string::npos || at == 0 || line.compare(at, flag.size(), flag) != 0) continue;
    const std::size_t gap = line.find("  ", at + flag.size());
    if (gap != std::string::npos && line.find_first_not_of(' ', gap) != std::string::npos) return true;
  }
  return false;
}

struct Help {
  std::vector<std::string> argv;  // up to the command
  std::string usage;              // how the usage line starts
  std::vector<std::string> entries;
};

void check_help(const Help& h) {
  for (const char* flag : {"--help", "-h"}) {
    std::vector<std::string> argv = h.argv;
    argv.push_back(flag);
    const auto r = run_child(argv, no_display());
    INFO(h.usage << " " << flag << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "\nusage: " + h.usage));
    CHECK(described(r.out, "-h,--help"));
    for (const std::string& e : h.entries) {
      INFO(e);
      CHECK(described(r.out, e));
    }
  }
}

struct Mistake {
  std::vector<std::string> argv;
  std::string says;  // the line names the problem: it holds this
};

void check_mistake(const Mistake& m) {
  const auto r = run_child(m.argv, no_display());
  std::string command;
  for (const std::string& a : m.argv) command += " " + a.substr(a.rfind('/') + 1);
  INFO(command << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK(contains(r.err, m.says));
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("weft COMMAND --help: the usage and every flag, explained, exit 0", "[cli][help]") {
  const std::string weft = WEFT_CLI;
  const Help helps[] = {
      {{weft, "list"}, "weft list [--json]", {"--json"}},
      {{weft, "run"}, "weft run NAME", {"NAME", "-o,--output FILE", "--seed N", "--timeout S", "--check"}},
      {{weft, "record"}, "weft record [-o FILE] [-f] [--] PROGRAM [ARGS...]", {"PROGRAM", "-o,--output FILE", "-f,--follow"}},
      {{weft, "check"}, "weft check TRACE", {"TRACE", "--format text|json|sarif", "--expect FILE"}},
      {{weft, "stats"}, "weft stats TRACE [--json]", {"TRACE", "--json"}},
      {{weft, "dump"}, "weft dump TRACE [--no-header]", {"TRACE", "--no-header"}},
      {{weft, "export"}, "weft export TRACE", {"TRACE", "--format chrome|perfetto", "-o,--output FILE|-", "--no-findings"}},
      {{weft, "view"}, "weft view [TRACE]", {"TRACE", "--screenshot OUT.png", "--select-finding N", "--time A..B", "--size WxH"}},
  };
  for (const Help& h : helps) check_help(h);
}

TEST_CASE("weft-view, weft-scenarios and a scenario's program answer --help too", "[cli][help]") {
  check_help({{WEFT_VIEW}, "weft view [TRACE]", {"TRACE", "--screenshot OUT.png", "--select-finding N", "--time A..B", "--size WxH"}});
  check_help({{WEFT_SCENARIOS, "list"}, "weft-scenarios list [--json]", {"--json"}});
  check_help({{WEFT_SCENARIOS, "describe"}, "weft-scenarios describe NAME", {"NAME"}});
  check_help({{WEFT_SCENARIOS, "run"}, "weft-scenarios run NAME", {"NAME", "--seed N", "--timeout SECONDS"}});
  check_help({{WEFT_ABC_SCENARIO}, "abc-turns [--seed N] [--timeout SECONDS]", {"--seed N", "--timeout SECONDS"}});

  // The programs with commands list them.
  const auto scenarios = run_child({WEFT_SCENARIOS, "--help"});
  CHECK(scenarios.exit_code == 0);
  for (const char* c : {"list", "describe", "run"}) CHECK(contains(scenarios.out, std::string("\n  ") + c + " "));
  const auto weft = run_child({WEFT_CLI, "--help"});
  CHECK(weft.exit_code == 0);
  for (const char* c : {"list", "run", "record", "check", "stats", "dump", "view", "export"})
    CHECK(contains(weft.out, std::string("\n  ") + c + " "));
  CHECK(contains(weft.out, "COMMAND --help"));
}

TEST_CASE("a mistake on any weft command is one line naming it, exit status 2", "[cli][errors]") {
  const std::string weft = WEFT_CLI;
  const Mistake mistakes[] = {
      // the command itself
      {{weft}, "weft: no command given (try: weft --help)"},
      {{weft, "chekc"}, "weft: unknown command 'chekc' (try: weft --help)"},
      {{weft, "--fromat"}, "weft: unknown command '--fromat'"},
      // a wrong flag
      {{weft, "list", "--jsn"}, "weft: list: unknown option --jsn"},
      {{weft, "run", "abc-turns", "--sed", "3"}, "weft: run: unknown option --sed"},
      {{weft, "check", "t.weft", "--fromat", "json"}, "weft: check: unknown option --fromat"},
      {{weft, "stats", "t.weft", "--jsno"}, "weft: stats: unknown option --jsno"},
      {{weft, "dump", "-x", "t.weft"}, "weft: dump: unknown option -x"},
      {{weft, "export", "t.weft", "--output-file", "x"}, "weft: export: unknown option --output-file"},
      // a missing value
      {{weft, "run", "abc-turns", "--seed"}, "weft: run: --seed needs a value"},
      {{weft, "run", "abc-turns", "-o"}, "weft: run: -o needs a value"},
      {{weft, "record", "-o"}, "weft: record: -o needs a value"},
      {{weft, "record", "--follow=1", "true"}, "weft: record: --follow takes no value"},
      {{weft, "check", "t.weft", "--expect"}, "weft: check: --expect needs a value"},
      {{weft, "export", "t.weft", "--output"}, "weft: export: --output needs a value"},
      // a value where none is taken
      {{weft, "list", "--json=yes"}, "weft: list: --json takes no value"},
      {{weft, "stats", "t.weft", "--json=false"}, "weft: stats: --json takes no value"},
      {{weft, "run", "abc-turns", "--check=1"}, "weft: run: --check takes no value"},
      // an argument too many, or none where one is needed
      {{weft, "list", "abc-turns"}, "weft: list: unexpected argument abc-turns"},
      {{weft, "run"}, "weft: run: which scenario? usage: weft run NAME"},
      {{weft, "run", "abc-turns", "share-race"}, "weft: run: one scenario at a time (got abc-turns and share-race)"},
      {{weft, "stats"}, "weft: stats: which trace? usage: weft stats TRACE [--json]"},
      // several traces are one run (test_run_cli.cpp): each must open
      {{weft, "stats", "a.weft", "b.weft"}, "weft: cannot open a.weft: No such file or directory"},
      {{weft, "check", "a.weft", "b.weft"}, "weft: cannot open a.weft: No such file or directory"},
      // a bad value (numbers are checked by the program that uses them)
      {{weft, "check", "t.weft", "--format", "xml"}, "weft: check: --format must be text, json or sarif, not 'xml'"},
      {{weft, "run", "abc-turns", "--seed", "many"}, "--seed wants a whole number, not 'many'"},
      {{weft, "run", "abc-turns", "--seed", "-1"}, "--seed wants a whole number, not '-1'"},
      {{weft, "run", "abc-turns", "--timeout", "0"}, "--timeout wants seconds from 1 to 3600"},
      {{weft, "run", "no-such-scenario"}, "unknown scenario 'no-such-scenario'"},
      // view hands over to weft-view, which says it
      {{weft, "view", "--frobnicate"}, "weft-view: unknown option --frobnicate"},
      {{weft, "view", "t.weft", "--time"}, "weft-view: --time needs a value"},
      {{weft, "view", "t.weft", "--select-finding", "0"}, "--select-finding wants a number from 1, not '0'"},
      {{weft, "view", "t.weft", "--size", "10x10"}, "--size 10x10 is out of range"},
      {{weft, "view", "t.weft", "--size", "big"}, "--size wants WxH, not 'big'"},
      {{weft, "view", "t.weft", "--time", "5ms..1ms"}, "--time: the range '5ms..1ms' is empty"},
      {{weft, "view", "a.weft", "b.weft"}, "weft-view: cannot open a.weft: No such file or directory"},  // a run
  };
  for (const Mistake& m : mistakes) check_mistake(m);
}

TEST_CASE("weft-view, weft-scenarios and a scenario's program: one line, exit status 2", "[cli][errors]") {
  const Mistake mistakes[] = {
      {{WEFT_VIEW, "--bogus"}, "weft-view: unknown option --bogus"},
      {{WEFT_VIEW, "t.weft", "--screenshot"}, "weft-view: --screenshot needs a value"},
      {{WEFT_VIEW, "--screenshot", "o.png"}, "weft-view: --screenshot needs a TRACE to render"},
      {{WEFT_SCENARIOS}, "weft-scenarios: usage: weft-scenarios"},
      {{WEFT_SCENARIOS, "frob"}, "weft-scenarios: unknown command 'frob'"},
      {{WEFT_SCENARIOS, "list", "--csv"}, "weft-scenarios: list: unknown option --csv"},
      {{WEFT_SCENARIOS, "describe"}, "weft-scenarios: describe: which scenario?"},
      {{WEFT_SCENARIOS, "describe", "abc-turns", "x"}, "weft-scenarios: describe: one scenario at a time"},
      {{WEFT_SCENARIOS, "run", "abc-turns", "--timeout"}, "weft-scenarios: run: --timeout needs a value"},
      {{WEFT_SCENARIOS, "run", "abc-turns", "--timeout", "3601"}, "weft-scenarios: run: --timeout wants seconds from 1 to 3600"},
      {{WEFT_ABC_SCENARIO, "--seed", "1.5"}, "abc-turns: --seed wants a whole number, not '1.5'"},
      {{WEFT_ABC_SCENARIO, "--colour"}, "abc-turns: unknown option --colour"},
      {{WEFT_ABC_SCENARIO, "extra"}, "abc-turns: unexpected argument extra"},
  };
  for (const Mistake& m : mistakes) check_mistake(m);
}

TEST_CASE("flags keep their forms: --name=value, the last of two wins, a value may start with '-', --", "[cli]") {
  // Each of these would be refused if the form were not understood (`--`:
  // what follows is an argument, not a flag); the command then fails on the
  // missing trace, naming it: the flags passed.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", "/nonexistent/t.weft", "--format=json"},
        {"check", "/nonexistent/t.weft", "--format", "xml", "--format", "sarif"},
        {"export", "/nonexistent/t.weft", "-o", "-"},
        {"export", "/nonexistent/t.weft", "-o-"},
        {"dump", "--no-header", "/nonexistent/t.weft"},
        {"dump", "--", "/nonexistent/t.weft"}}) {
    std::vector<std::string> argv{WEFT_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_child(argv);
    INFO(args.front() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "weft: cannot open /nonexistent/t.weft: No such file or directory\n");
  }
}
