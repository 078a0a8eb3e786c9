// `weft explore` and `weft run --schedule`: the controlled scheduler finds
// a bug that a plain run shows only sometimes, the run that found it
// replays exactly, clean scenarios stay clean, and bad input is one line.
// Short explorations only (tens of runs): the find-rate table of the README
// comes from longer ones, by hand.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/sanitized.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "replayed_events.hpp"

namespace fs = std::filesystem;
using weft::test::ChildResult;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

// How these tests start weft. Under ThreadSanitizer a process that ends
// with other threads alive first sleeps a second (its atexit_sleep_ms), for
// them to race with the exit. A run under weft's scheduler ends with its
// other threads parked by the scheduler, which cannot run in that second:
// it would only add up to a second to each of an exploration's runs,
// minutes to these tests. The scenario tests run the same programs to
// their end with the sleep.
weft::test::ChildOptions scheduled_options() {
  weft::test::ChildOptions o;
  o.timeout = std::chrono::seconds(120);
  if (weft::test::kTsan) weft::test::add_sanitizer_option(o, "TSAN_OPTIONS", "atexit_sleep_ms=0");
  return o;
}

ChildResult weft_cli(std::vector<std::string> args) {
  args.insert(args.begin(), WEFT_CLI);
  return run_child(args, scheduled_options());
}

// The events of a trace, as `weft dump` prints them, as a replay must repeat them.
std::string events_of(const std::string& trace) {
  const ChildResult r = weft_cli({"dump", trace, "--no-header"});
  REQUIRE(r.exit_code == 0);
  return weft::test::without_thread_ids(r.out);
}

// What `weft check` says of a trace: its first line.
std::string verdict(const std::string& trace) {
  const ChildResult r = weft_cli({"check", trace});
  return r.out.substr(0, r.out.find('\n'));
}

// The replay command explore printed for its first finding.
std::string first_replay_seed(const std::string& out) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("replay: weft run \\S+ --schedule ([0-9]+)")));
  return m[1];
}

}  // namespace

TEST_CASE("explore finds lock-order-deadlock's deadlock and its seed replays it every time", "[explore]") {
  TempDir dir;
  const std::string out_dir = (dir.path() / "found").string();
  const ChildResult r =
      weft_cli({"explore", "lock-order-deadlock", "--runs", "20", "--seed", "1", "--check", "-o", out_dir});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);  // --check: the union is the declared verdict, deadlock included
  CHECK(r.out.find("deadlock: 2 threads wait for each other on lock_X, lock_Y") != std::string::npos);
  CHECK(r.out.find("as declared") != std::string::npos);
  const std::string seed = first_replay_seed(r.out);
  CHECK(fs::exists(fs::path(out_dir) / ("deadlock-seed-" + seed + ".weft")));

  std::string first_events;
  for (int i = 0; i < 10; ++i) {
    const std::string trace = (dir.path() / ("replay-" + std::to_string(i) + ".weft")).string();
    const ChildResult replay = weft_cli({"run", "lock-order-deadlock", "--schedule", seed, "-o", trace});
    INFO(replay.err);
    REQUIRE(replay.exit_code == 0);
    CHECK(verdict(trace).find("deadlock") != std::string::npos);
    const std::string events = events_of(trace);
    if (i == 0)
      first_events = events;
    else
      CHECK(events == first_events);  // the same decisions: the same events, in the same order, at the same times
  }
}

TEST_CASE("explore finds condition-four-consumers' lost wake-up, a bet on a sleep, and its seed replays it every time",
          "[explore]") {
  TempDir dir;
  const std::string out_dir = (dir.path() / "found").string();
  const ChildResult r =
      weft_cli({"explore", "condition-four-consumers", "--runs", "40", "--seed", "1", "--check", "-o", out_dir});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);  // its sometimes-findings, and nothing else
  // The scenario declares its bug a bet on its sleeps: timers may fire early.
  CHECK(r.out.find("early timers") != std::string::npos);
  CHECK(r.out.find("lost wake-up on condition: notified at condition_four_consumers.cpp:50 before consumer-") !=
        std::string::npos);
  CHECK(r.out.find("hang: ") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("lost wake-up[^\n]*\n[^\n]*\n      replay: weft run "
                                                 "condition-four-consumers --schedule ([0-9]+) --early-timers\n")));
  const std::string seed = m[1];
  std::string first_events;
  for (int i = 0; i < 10; ++i) {
    const std::string trace = (dir.path() / ("replay-" + std::to_string(i) + ".weft")).string();
    const ChildResult replay =
        weft_cli({"run", "condition-four-consumers", "--schedule", seed, "--early-timers", "-o", trace});
    INFO(replay.err);
    REQUIRE(replay.exit_code == 0);
    CHECK(weft_cli({"check", trace}).out.find("lost wake-up on condition") != std::string::npos);
    const std::string events = events_of(trace);
    if (i == 0)
      first_events = events;
    else
      CHECK(events == first_events);
  }
}

TEST_CASE("a kept trace replays its run exactly, decision by decision", "[explore]") {
  TempDir dir;
  const std::string out_dir = (dir.path() / "found").string();
  const ChildResult r = weft_cli({"explore", "lock-order-deadlock", "--runs", "5", "--strategy", "pct", "--seed", "3",
                                  "--stop-at-first", "-o", out_dir});
  REQUIRE(r.exit_code == 1);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("trace:  (\\S*deadlock-seed-[0-9]+\\.weft)")));
  const std::string kept = m[1];
  const std::string again = (dir.path() / "again.weft").string();
  const ChildResult replay = weft_cli({"run", "lock-order-deadlock", "--schedule", kept, "-o", again});
  INFO(replay.err);
  REQUIRE(replay.exit_code == 0);
  CHECK(events_of(again) == events_of(kept));
}

TEST_CASE("the same seed twice gives the same events, in a scenario full of sleeps and timeouts", "[explore]") {
  TempDir dir;
  const std::string a = (dir.path() / "a.weft").string(), b = (dir.path() / "b.weft").string();
  REQUIRE(weft_cli({"run", "handmade-bounded-queue", "--schedule", "42", "-o", a}).exit_code == 0);
  REQUIRE(weft_cli({"run", "handmade-bounded-queue", "--schedule", "42", "-o", b}).exit_code == 0);
  CHECK(events_of(a) == events_of(b));
  // Virtual time: its sleeps and timeouts cost nothing, and the header says so.
  const ChildResult header = weft_cli({"dump", a});
  CHECK(header.out.find("clock    virtual") != std::string::npos);
}

TEST_CASE("exploring a clean scenario finds nothing", "[explore]") {
  TempDir dir;
  for (const char* name : {"abc-turns", "semaphore-signal", "thread-pool-futures"}) {
    const ChildResult r =
        weft_cli({"explore", name, "--runs", "30", "--seed", "1", "--check", "-o", (dir.path() / name).string()});
    INFO(name << "\n" << r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("no run found anything") != std::string::npos);
  }
}

TEST_CASE("exploring a process pool: results another process sends wake their waiter, none is lost", "[explore]") {
  // The pool's result reader is a thread the scheduler does not run. Its
  // wake could come between the waiter's check and its block (lost: the
  // run stuck for 10 s), and with nothing else to run the scheduler called
  // the wait for another process's result a hang (every run). (A run is
  // still stopped by the stall limit now and then: about 1 in 700 here, 1
  // in 30 under ThreadSanitizer, in runs forked by the fork server only.
  // Such a run is reported as stopped, not as a finding.)
  TempDir dir;
  for (const char* strategy : {"random", "pct"}) {
    const ChildResult r = weft_cli({"explore", "process-pool-squares", "--runs", "20", "--seed", "1", "--strategy",
                                    strategy, "--check", "-o", (dir.path() / strategy).string()});
    INFO(strategy << "\n" << r.out << r.err);
    CHECK(r.out.find("found anything") != std::string::npos);
    CHECK(r.out.find("hang") == std::string::npos);
    CHECK(r.out.find("as declared: the findings are the scenario's verdict") != std::string::npos);
  }
}

TEST_CASE("exploring a hang across processes: the run board calls it and the kept trace holds every process", "[explore]") {
  // pipe-reader-hang's parent blocks in the kernel on a pipe its child never
  // writes, holding the scheduler's turn: the scheduler cannot call that
  // stuck, and every run was stopped by the 10 s stall limit, unjudged. The
  // run board calls the hang, as without the scheduler, within seconds; the
  // kept trace must bring its child's file along (it was left behind under
  // the run's temporary name, and the kept trace loaded without it).
  if (weft::test::kTsan) {
    // Under ThreadSanitizer no watchdog calls a hang (its background thread,
    // which weft cannot see, might wake the others: test_scenario.cpp), so
    // the runs end at the stall limit, as before.
    WARN("a ThreadSanitizer build: the run board calls no hang here; skipped");
    return;
  }
  if (weft::test::kSanitized) {
    // Under AddressSanitizer a forked child may stall for good, it seems in
    // the sanitizer's own allocator lock (a fork while another thread held
    // it, as the orphaned process-pool workers of the sanitized builds do):
    // its state never reaches the board and the run ends at the stall
    // limit (1 run in 2, once in CI). The default and clang builds judge it.
    WARN("an AddressSanitizer build: a forked child may stall in the sanitizer; skipped");
    return;
  }
  TempDir dir;
  const std::string out = (dir.path() / "pipe").string();
  const ChildResult r = weft_cli({"explore", "pipe-reader-hang", "--runs", "2", "--seed", "1", "--check", "-o", out});
  INFO(r.out << r.err);
  CHECK(r.out.find("hang: 2 threads wait forever for a message on pipe channel") != std::string::npos);
  CHECK(r.out.find("in 2 of 2 runs") != std::string::npos);
  CHECK(r.out.find("stopped") == std::string::npos);
  CHECK(r.out.find("as declared: the findings are the scenario's verdict") != std::string::npos);
  const ChildResult check = weft_cli({"check", (fs::path(out) / "hang-seed-1.weft").string()});
  INFO(check.out << check.err);
  CHECK(check.out.find("1 finding (1 hang)") != std::string::npos);
  CHECK(check.out.find("2 threads wait forever") != std::string::npos);
  CHECK(check.err.find("missing") == std::string::npos);
  // Nothing is left of the runs but the kept traces.
  for (const auto& entry : fs::directory_iterator(out)) {
    INFO(entry.path());
    CHECK(entry.path().filename().string().rfind("hang-seed-1.", 0) == 0);
  }
}

TEST_CASE("explore's report is the same for one seed however many runs go at once", "[explore]") {
  // With two jobs runs end out of order; each finding's first run must
  // still be the lowest-numbered run that showed it (its seed, its kept
  // trace), and the findings come in that order, as with one job. A
  // scenario whose bug shows in every run (a later run that ends first
  // finds it too) and one whose findings show in some runs only.
  TempDir dir;
  int explored = 0;
  const auto report = [&](const std::string& scenario, const std::string& runs, const std::string& jobs) {
    const fs::path out_dir = dir.path() / ("explored-" + std::to_string(explored++));
    const ChildResult r = weft_cli({"explore", scenario, "--runs", runs, "--seed", "3", "--jobs", jobs, "-o",
                                    out_dir.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);  // findings
    // Everything but the timing line, with the kept traces by file name.
    std::string kept;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("weft explore ", 0) == 0) continue;
      const std::string trace_label = "      trace:  ";
      if (line.rfind(trace_label, 0) == 0) line = trace_label + fs::path(line.substr(trace_label.size())).filename().string();
      kept += line + "\n";
    }
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(out_dir)) files.push_back(f.path().filename().string());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) kept += "file " + f + "\n";
    return kept;
  };
  for (const auto& [scenario, runs] : {std::pair<std::string, std::string>{"lock-order-deadlock", "12"},
                                       {"condition-four-consumers", "24"}}) {
    INFO(scenario);
    const std::string one_job = report(scenario, runs, "1");
    CHECK(one_job.find("first in run ") != std::string::npos);
    for (int attempt = 0; attempt < 5; ++attempt) CHECK(report(scenario, runs, "2") == one_job);
  }
}

TEST_CASE("dfs runs every schedule within the bound, and says when it is done", "[explore]") {
  TempDir dir;
  const ChildResult r = weft_cli({"explore", "speakers-a-first", "--strategy", "dfs", "--bound", "1", "--runs", "500",
                                  "-o", (dir.path() / "dfs").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("the search is complete") != std::string::npos);
  CHECK(r.out.find("lost wake-up") != std::string::npos);
}

TEST_CASE("early timers find the lost wake-up that condition-four-consumers' sleep hides", "[explore]") {
  TempDir dir;
  const ChildResult r = weft_cli({"explore", "condition-four-consumers", "--early-timers", "--strategy", "pct",
                                  "--runs", "100", "--seed", "1", "-o", (dir.path() / "c4").string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("lost wake-up[^\\n]*\\n[^\\n]*\\n *replay: weft (run [^\\n]*)")));
  // The replay command as printed, word by word, with a trace path added.
  std::vector<std::string> replay;
  std::istringstream words(m[1].str());
  for (std::string w; words >> w;) replay.push_back(w);
  CHECK(std::find(replay.begin(), replay.end(), "--early-timers") != replay.end());
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> args = replay;
    args.insert(args.end(), {"-o", (dir.path() / ("r" + std::to_string(i) + ".weft")).string()});
    REQUIRE(weft_cli(args).exit_code == 0);
    CHECK(weft_cli({"check", args.back()}).out.find("lost wake-up") != std::string::npos);
  }
}

TEST_CASE("a replay that cannot follow its schedule stops and says where", "[explore]") {
  TempDir dir;
  const std::string wrong = (dir.path() / "wrong.txt").string();
  {
    std::ofstream out(wrong);
    out << "7 7 7 7\n";  // no such thread
  }
  const std::string trace = (dir.path() / "t.weft").string();
  const ChildResult r = weft_cli({"run", "abc-turns", "--schedule", wrong, "-o", trace});
  CHECK(r.err.find("the replay diverged at decision 1") != std::string::npos);
  CHECK(r.err.find("which cannot run here") != std::string::npos);
}

TEST_CASE("a thread that never reaches a scheduling point is stopped by the budget, by name", "[explore]") {
  TempDir dir;
  const std::string trace = (dir.path() / "spin.weft").string();
  const ChildResult r = run_child({WEFT_EXPLORE_SPINNER}, weft::test::with_env({{"WEFT_TRACE", trace},
                                                                              {"WEFT_EXPLORE", "random"},
                                                                              {"WEFT_EXPLORE_BUDGET_MS", "1000"}}));
  INFO(r.err);
  CHECK(r.exit_code == 86);
  CHECK(r.err.find("thread 'spinner' has run for") != std::string::npos);
  CHECK(r.err.find("without reaching a scheduling point") != std::string::npos);
  CHECK(fs::exists(trace));  // complete, as any stopped program's
}

TEST_CASE("explore refuses bad input in one line", "[explore]") {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"explore", "no-such-scenario"}, "no-such-scenario"},
      {{"explore", "abc-turns", "--strategy", "chaos"}, "--strategy must be random, pct or dfs"},
      {{"explore", "abc-turns", "--runs", "0"}, "--runs wants a whole number"},
      {{"explore", "abc-turns", "--depth", "2"}, "--depth goes with --strategy pct"},
      {{"explore", "abc-turns", "--strategy", "pct", "--depth", "0"}, "--depth wants a whole number"},
      {{"explore", "abc-turns", "--time-limit", "x"}, "--time-limit wants a whole number"},
      {{"run", "abc-turns", "--schedule", "/no/such/file"}, "--schedule wants a seed"},
      {{"run", "abc-turns", "--strategy", "pct"}, "go with --schedule"},
  };
  for (const Case& c : cases) {
    const ChildResult r = weft_cli(c.args);
    INFO(c.args[0] << " " << c.args[1] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find(c.says) != std::string::npos);
  }
}

namespace {

// weft-scenarios serve, its requests read from `requests` (a file).
ChildResult serve(const std::string& scenario, const std::string& requests) {
  return run_child({"/bin/sh", "-c", std::string("exec '") + WEFT_SCENARIOS + "' serve " + scenario + " < '" + requests + "'"});
}

// One request of the protocol (weft/detail/fork_server.hpp): the seed, then
// NAME=VALUE fields, each ended by a NUL, then an empty field.
std::string request(const std::string& seed, const std::vector<std::string>& env) {
  std::string r = seed + '\0';
  for (const std::string& pair : env) r += pair + '\0';
  return r + '\0';
}

}  // namespace

// The fork server forks one run per request, in the environment it was
// given, and each is the run a new process makes: the same events as
// `weft run --schedule SEED`, which starts one.
TEST_CASE("weft-scenarios serve forks each run it is asked for, as a new process would make it", "[explore]") {
  TempDir dir;
  std::string bytes;
  for (const char* seed : {"4", "5"})
    bytes += request(seed, {"WEFT_TRACE=" + (dir.path() / (std::string("run ") + seed + ".weft")).string(),
                            "WEFT_EXPLORE=random", std::string("WEFT_EXPLORE_SEED=") + seed});
  const ChildResult r = serve("lock-order-deadlock", dir.write_text("requests", bytes));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);  // its input ended: so does it
  CHECK(r.out == "exit 86\nexit 86\n");  // both seeds deadlock, and weft stops a deadlocked program so
  for (const char* seed : {"4", "5"}) {
    const std::string forked = (dir.path() / (std::string("run ") + seed + ".weft")).string();
    const std::string fresh = (dir.path() / (std::string("fresh-") + seed + ".weft")).string();
    REQUIRE(weft_cli({"run", "lock-order-deadlock", "--schedule", seed, "-o", fresh}).exit_code == 0);
    CHECK(events_of(forked) == events_of(fresh));
  }
}

TEST_CASE("weft-scenarios serve refuses a malformed request in one line", "[explore]") {
  TempDir dir;
  struct Case {
    std::string bytes;
    const char* says;
  };
  const std::vector<Case> cases = {
      {request("seven", {}), "the seed 'seven' is not a whole number"},
      {request("7", {"WEFT_TRACE"}), "'WEFT_TRACE' is not NAME=VALUE"},
      {std::string("7\0WEFT_TRACE=x", 14), "a request cut short"},
  };
  for (const Case& c : cases) {
    const ChildResult r = serve("abc-turns", dir.write_text("requests", c.bytes));
    INFO(c.says << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(one_line(r.err));
    CHECK(r.err.find(c.says) != std::string::npos);
  }
  const std::string requests = dir.write_text("requests", "");
  const ChildResult none = serve("abc-turns", requests);
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(serve("no-such-scenario", requests).exit_code == 2);
}

// Forked by servers (the default) or started anew (WEFT_EXPLORE_SPAWN=1),
// the same runs find the same things: run for run, with one job.
TEST_CASE("explore's forked runs find what runs in new processes find", "[explore]") {
  TempDir dir;
  for (const char* strategy : {"random", "pct"}) {
    std::string reports[2];
    for (const bool spawn : {false, true}) {
      const std::string out_dir = (dir.path() / (std::string(strategy) + (spawn ? "-spawned" : "-forked"))).string();
      weft::test::ChildOptions o = scheduled_options();
      if (spawn) o.env["WEFT_EXPLORE_SPAWN"] = "1";
      const ChildResult r = run_child({WEFT_CLI, "explore", "lock-order-deadlock", "--runs", "6", "--seed", "3",
                                       "--strategy", strategy, "--jobs", "1", "-o", out_dir},
                                      o);
      INFO(r.out << r.err);
      CHECK(r.exit_code == 1);
      reports[spawn] = weft::test::explore_report(r.out, out_dir);
    }
    CHECK(reports[0] == reports[1]);
    CHECK(reports[0].find("deadlock: 2 threads wait for each other on lock_X, lock_Y") != std::string::npos);
  }
}
