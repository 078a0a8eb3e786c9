// Holds one scenario (named by WEFT_SCENARIO_NAME; CMake registers one test
// per scenario) to what its catalogue entry says, over several runs with
// different seeds: it ends on its own (or, for a hang, is stopped with a
// complete trace), its trace holds the events its lesson is about, its marks
// follow the expected order, and `weft check` finds exactly the expected
// findings: every "always" one, nothing beyond "always" and "sometimes"; and
// the viewer and the Chrome export show the same holds and counters for it,
// and every causal edge in it is a happens-before edge. A scenario whose
// lesson is a hang is stopped by the one that should stop it (kStoppers):
// weft's watchdog, which names what it found, or the runner's deadline, the
// backstop for what the watchdog cannot call stuck.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "hb_property.hpp"
#include "scenario_under_test.hpp"
#include "views_agree.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kStoppedExitStatus = 86;  // weft::kStoppedExitStatus

// Who stops a run of a scenario whose lesson is a hang.
enum class Stopper {
  deadlock,                // the watchdog, on a wait-for cycle
  deadlock_or_none,        // the same, when the deadlock struck; else the run finishes
  self_deadlock,           // the watchdog, caught by the thread locking again
  hang,                    // the watchdog: every thread blocked, no timeout
  deadline,                // the runner: some thread polls or sleeps forever
};

const std::map<std::string, Stopper> kStoppers = {
    {"crawler-bounded-queue", Stopper::hang},
    {"lock-order-deadlock", Stopper::deadlock_or_none},
    {"pipe-reader-hang", Stopper::hang},  // the run-wide watchdog: both processes wait on the pipe
    {"pipeline", Stopper::deadline},  // its stages poll, with sleeps: never all blocked
    {"safe-queue-self-deadlock", Stopper::self_deadlock},
    {"speakers-a-first", Stopper::hang},
};

// Under ThreadSanitizer the watchdog never calls anything a hang: TSan's
// background thread, which weft cannot see, might still wake the others
// (test_blocked_watchdog.cpp). There the deadline stops a hang.
Stopper in_this_build(Stopper s) {
#ifdef WEFT_TSAN_BUILD
  if (s == Stopper::hang) return Stopper::deadline;
#endif
  return s;
}

// How the stop's reason begins: the watchdog names its finding, the
// deadline says it ran out.
std::string reason_prefix(Stopper s, const std::string& name) {
  switch (s) {
    case Stopper::deadlock:
    case Stopper::deadlock_or_none: return "deadlock: ";
    case Stopper::self_deadlock: return "self-deadlock: ";
    case Stopper::hang: return "hang: ";
    case Stopper::deadline: return "scenario " + name + " did not finish within ";
  }
  return "";
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

// Checks that the run was stopped by `stopper`, or, for a deadlock that may
// not strike, that it finished on its own.
void check_stopped_by(Stopper stopper, const std::string& name, const weft::test::ChildResult& result,
                      const weft::format::Trace& trace, const std::string& trace_path) {
  const std::string logged = "weft stopped the program: ";
  std::vector<weft::format::Event> stops;
  for (const weft::format::Event e : trace.events)
    if (e.kind == weft::format::EventKind::Log && trace.text(e).substr(0, logged.size()) == logged) stops.push_back(e);
  const auto reports = lines_starting(result.err, "weft: stopped the program: ");

  if (stopper == Stopper::deadlock_or_none && result.exit_code == 0 && trace.end->reason == weft::format::EndReason::Exit) {
    INFO("the deadlock did not strike: the run finished, and nobody stopped it");
    CHECK(stops.empty());
    CHECK(reports.empty());
    return;
  }
  CHECK(result.exit_code == kStoppedExitStatus);
  CHECK(trace.end->reason == weft::format::EndReason::Watchdog);
  // One stop, logged in the trace by the one that stopped it and reported
  // on one line, for the same reason. A hang across the processes of a run
  // stops every one of them: each logs it, in its own trace, and the one
  // whose watchdog saw it first reports it, naming its own trace.
  const bool across = trace.processes.size() > 1 && (stopper == Stopper::hang || stopper == Stopper::deadline);
  REQUIRE(stops.size() == (across ? trace.processes.size() : 1));
  const std::string reason(trace.text(stops[0]).substr(logged.size()));
  for (const weft::format::Event& stop : stops) CHECK(trace.text(stop).substr(logged.size()) == reason);
  const std::string expected =
      across && stopper == Stopper::hang ? "hang across processes: " : reason_prefix(stopper, name);
  INFO("stopped for: " << reason);
  CHECK(reason.rfind(expected, 0) == 0);
  for (const weft::format::ProcessInfo& p : trace.processes) {
    INFO("process " << p.name);
    REQUIRE(p.end.has_value());
    CHECK(p.end->reason == weft::format::EndReason::Watchdog);
  }
  // Who logged it: in a run, the first process's stopper (the others' are
  // their watchdogs, taking up its stop).
  std::size_t first_process_stop = 0;
  for (std::size_t k = 0; k < stops.size(); ++k)
    if (trace.thread(stops[k].thread).process == 0) first_process_stop = k;
  const std::string by = trace.thread(stops[first_process_stop].thread).name;
  if (stopper == Stopper::deadline) CHECK(by == "deadline");
  if (stopper == Stopper::deadlock || stopper == Stopper::deadlock_or_none || stopper == Stopper::hang)
    CHECK(by == "watchdog");
  for (std::size_t k = 0; k < stops.size(); ++k)
    if (k != first_process_stop) CHECK(trace.thread(stops[k].thread).name == "watchdog");
  if (stopper == Stopper::self_deadlock) CHECK(by != "deadline");  // the thread locking again
  REQUIRE(reports.size() == 1);
  std::vector<std::string> reported;
  for (const weft::format::ProcessInfo& p : trace.processes)
    reported.push_back("weft: stopped the program: " + reason + "; trace: " + p.path);
  if (!across) reported = {"weft: stopped the program: " + reason + "; trace: " + trace_path};
  CHECK(std::find(reported.begin(), reported.end(), reports[0]) != reported.end());
}

}  // namespace

TEST_CASE("the scenario does what its lesson says, run after run", "[scenario]") {
  const weft::test::ScenarioUnderTest scenario = weft::test::scenario_under_test(WEFT_SCENARIOS_BIN);
  const std::string& name = scenario.name;
  const nlohmann::json& entry = scenario.entry;
  const weft::analysis::Expectations& expected = scenario.expected;
  const bool hangs = scenario.hangs;
  std::set<std::string> shows;
  for (const auto& k : entry.at("shows")) shows.insert(k.get<std::string>());

  std::optional<Stopper> stopper;
  if (hangs) {
    const auto it = kStoppers.find(name);
    INFO("a scenario whose lesson is a hang: say in kStoppers who should stop it");
    REQUIRE(it != kStoppers.end());
    stopper = in_this_build(it->second);
  }

  const fs::path dir = fs::temp_directory_path() / ("weft-scenario-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const int runs = hangs ? 2 : 3;
  for (int run = 1; run <= runs; ++run) {
    const std::string seed = std::to_string(run * 7919);
    INFO("scenario " << name << ", run " << run << " (--seed " << seed << ")");
    const std::string trace_path = (dir / ("run-" + std::to_string(run) + ".weft")).string();
    weft::test::ChildOptions options = weft::test::with_env({{"WEFT_TRACE", trace_path}});
    std::vector<std::string> argv{WEFT_SCENARIOS_BIN, "run", name, "--seed", seed};
    // Where the watchdog should stop it, the deadline (3 s) is moved out of
    // its way: on a loaded machine, getting stuck may take a while.
    if (stopper && *stopper != Stopper::deadline) argv.insert(argv.end(), {"--timeout", "60"});
    options.timeout = std::chrono::seconds(120);
    const auto result = weft::test::run_child(argv, options);
    INFO("stderr: " << result.err.substr(0, 2000));
    REQUIRE_FALSE(result.timed_out);
    // The whole run: a scenario of processes wrote one trace per process.
    const weft::format::Trace trace = weft::format::load_run({trace_path}, weft::format::load_trace);
    REQUIRE(trace.end.has_value());
    for (const weft::format::ProcessInfo& p : trace.processes) {
      INFO("process " << p.name << " (" << p.path << ")");
      CHECK(p.end.has_value());  // every process of the run completed its trace
      CHECK_FALSE(p.truncated);
    }
    if (stopper) {
      check_stopped_by(*stopper, name, result, trace, trace_path);
    } else {
      CHECK(result.exit_code == 0);
      CHECK(trace.end->reason == weft::format::EndReason::Exit);
    }

    std::set<std::string> seen;
    for (const auto& e : trace.events) seen.insert(std::string(trace.kind_name(e.kind)));
    for (const std::string& kind : shows) {
      INFO("the lesson is about " << kind << " events");
      CHECK(seen.count(kind) == 1);
    }

    weft::analysis::CheckOptions check;
    check.marks_pattern = expected.marks;
    const weft::analysis::Report report = weft::analysis::check(trace, check);
    const weft::analysis::Comparison c = weft::analysis::compare(report, expected);
    std::string titles;
    for (const auto& f : report.findings) titles += "\n    " + f.title;
    INFO("findings:" << titles);
    INFO("missing:" << weft::test::describe_findings(c.missing));
    INFO("unexpected:" << weft::test::describe_findings(c.unexpected));
    CHECK(c.matches());

    // Once per scenario (the trace is the same program's each run): the
    // viewer and the Chrome export draw the same holds and counters, and
    // every causal edge is a happens-before edge.
    if (run > 1) continue;
    const std::vector<std::string> disagreements = weft::test::view_disagreements(trace);
    std::string listed;
    for (std::size_t k = 0; k < disagreements.size() && k < 10; ++k) listed += "\n    " + disagreements[k];
    INFO("the viewer and the export disagree (" << disagreements.size() << "):" << listed);
    CHECK(disagreements.empty());
    const std::vector<std::string> not_hb = weft::test::causal_edges_not_in_happens_before(trace);
    INFO("causal edges that are not happens-before edges: " << not_hb.size());
    CHECK(not_hb.empty());
  }
  fs::remove_all(dir);
}
