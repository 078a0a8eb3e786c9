// `weft explore -- PROGRAM` and `weft record --schedule`: an unmodified
// program (std::thread, std::mutex, a condition, sleeps, clock reads) is
// explored through the preload library; the run that found its deadlock
// replays exactly, its clocks reading the scheduler's virtual time; bad
// input is one line.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "replayed_events.hpp"

namespace fs = std::filesystem;
using weft::test::ChildResult;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

ChildResult weft_in(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), WEFT_CLI);
  weft::test::ChildOptions o;
  o.cwd = dir.path().string();
  o.timeout = std::chrono::seconds(120);
  return run_child(args, o);
}

// An exploration that found nothing and whose runs all ran to their end
// (unused in builds without the preload library).
[[maybe_unused]] void check_found_nothing(const ChildResult& r) {
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no run found anything") != std::string::npos);
  CHECK(r.out.find("stopped") == std::string::npos);
}

// The events of a trace, as a replay must repeat them (unused in builds
// without the preload library).
[[maybe_unused]] std::string events_of(const TempDir& dir, const std::string& trace) {
  const ChildResult r = weft_in(dir, {"dump", trace, "--no-header"});
  REQUIRE(r.exit_code == 0);
  return weft::test::without_thread_ids(r.out);
}

}  // namespace

TEST_CASE("explore finds an unmodified program's deadlock, and weft record --schedule replays it exactly",
          "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "30", "--seed", "1", "--", WEFT_TRANSFER_DEADLOCK});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(r.out.find("deadlock: 2 threads wait for each other on accounts, audit") != std::string::npos);
  CHECK(r.out.find("lock-order inversion between accounts, audit") != std::string::npos);
  std::smatch m;
  const std::regex replay("replay: weft record --schedule ([0-9]+) -- (\\S+)\n      trace:  (\\S*deadlock-seed-[0-9]+\\.weft)");
  REQUIRE(std::regex_search(r.out, m, replay));
  const std::string seed = m[1], kept = m[3];
  CHECK(m[2] == std::string(WEFT_TRANSFER_DEADLOCK));
  CHECK(fs::exists(dir.path() / kept));

  // The seed remakes the run, every time the same.
  std::string first;
  for (int i = 0; i < 3; ++i) {
    const std::string trace = "replay-" + std::to_string(i) + ".weft";
    const ChildResult again = weft_in(dir, {"record", "--schedule", seed, "-o", trace, "--", WEFT_TRANSFER_DEADLOCK});
    INFO(again.err);
    CHECK(again.exit_code == 86);  // weft stopped the deadlocked program
    CHECK(again.err.find("under weft's scheduler (random, seed " + seed + ")") != std::string::npos);
    CHECK(weft_in(dir, {"check", trace}).out.find("deadlock") != std::string::npos);
    const std::string events = events_of(dir, trace);
    if (i == 0)
      first = events;
    else
      CHECK(events == first);
  }
  // The kept trace replays decision by decision.
  const ChildResult by_file = weft_in(dir, {"record", "--schedule", kept, "-o", "by-file.weft", "--", WEFT_TRANSFER_DEADLOCK});
  INFO(by_file.err);
  CHECK(by_file.exit_code == 86);
  CHECK(events_of(dir, "by-file.weft") == events_of(dir, kept));
#endif
}

TEST_CASE("pct spreads its priority changes over the steps runs take: it finds a short program's deadlock",
          "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  // A run of this program takes a few dozen scheduling steps. With the
  // change points drawn over 1000 steps they fell after its end, and pct
  // ran it by fixed priorities: no deadlock in 100 runs.
  const ChildResult r = weft_in(dir, {"explore", "--runs", "100", "--seed", "1", "--strategy", "pct", "--jobs", "1",
                                      "--", WEFT_TRANSFER_DEADLOCK});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(r.out.find("deadlock: 2 threads wait for each other on accounts, audit") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("--strategy pct --depth 3 --horizon ([0-9]+)")));
  CHECK(std::stoul(m[1]) < 1000);
#endif
}

TEST_CASE("two groups of one title in explore's report say where each is", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  // Either waiter may be the one the single notify leaves behind: the same
  // hang, with main stuck at a different join.
  const ChildResult r = weft_in(dir, {"explore", "--runs", "100", "--seed", "1", "--jobs", "1", "--",
                                      WEFT_ONE_SIGNAL_TWO_WAITERS});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const std::regex group("\\] hang: 2 threads wait forever for condition ready_cv\n      at ([^\n]+)\n");
  std::vector<std::string> places;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), group); it != std::sregex_iterator(); ++it)
    places.push_back((*it)[1]);
  REQUIRE(places.size() == 2);
  CHECK(places[0] != places[1]);
  CHECK(places[0].find("one_signal_two_waiters.cpp:") != std::string::npos);
#endif
}

TEST_CASE("threads that poll end under every strategy: a woken waiter gets the lock and a yield gives the turn", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  // Each run takes well under a second when the scheduler is fair; before,
  // every run went on until the time limit (here 20 s: a run stopped by it
  // is reported as stopped, which fails the test quickly enough).
  TempDir dir;
  for (const char* strategy : {"random", "pct", "dfs"}) {
    const ChildResult r = weft_in(dir, {"explore", "--runs", "10", "--seed", "1", "--jobs", "1", "--strategy", strategy,
                                        "--time-limit", "20", "--", WEFT_POLLING_THREADS});
    INFO(strategy << "\n" << r.out << r.err);
    check_found_nothing(r);
  }
#endif
}

TEST_CASE("an error-checking mutex locked again by its holder is refused under the scheduler too", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  // Every run finds the misuse, refused as glibc refuses it, and no
  // self-deadlock (the scheduler waited for the lock for ever).
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "10", "--seed", "1", "--jobs", "1", "--",
                                      WEFT_ERRORCHECK_RELOCK});
  INFO(r.out << r.err);
  CHECK(r.out.find("] main locks mutex@errorcheck_relock.cpp:21 again while holding it, at errorcheck_relock.cpp:22: "
                   "refused") != std::string::npos);
  CHECK(r.out.find("in 10 of 10 runs") != std::string::npos);
  CHECK(r.out.find("deadlock") == std::string::npos);
  CHECK(r.out.find("stopped") == std::string::npos);
#endif
}

TEST_CASE("a barrier its serial thread initialises again at once releases its waiters under the scheduler", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "20", "--seed", "1", "--jobs", "1", "--",
                                      WEFT_BARRIER_REUSED});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no run found anything") != std::string::npos);
#endif
}

// The work a thread does as it ends (thread_local and pthread key
// destructors, notify_all_at_thread_exit, a promise kept at thread exit) is
// scheduled as the rest of the thread: the thread gives its turn away for
// good only after it. (It gave it away as its function returned: main was
// never notified, a false hang in every run, and the key destructors'
// locks were unscheduled.)
TEST_CASE("work at a thread's exit is scheduled before the thread ends", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  for (const char* strategy : {"random", "pct", "dfs"}) {
    DYNAMIC_SECTION(strategy) {
      TempDir dir;
      const ChildResult r = weft_in(dir, {"explore", "--runs", "10", "--seed", "1", "--jobs", "1", "--strategy",
                                          strategy, "--", WEFT_THREAD_EXIT_DESTRUCTORS});
      INFO(r.out << r.err);
      check_found_nothing(r);
    }
  }
  // The main thread's too, when it leaves by pthread_exit: its key
  // destructor unlocks what the worker waits for.
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "10", "--seed", "1", "--jobs", "1", "--",
                                      WEFT_MAIN_KEY_DESTRUCTOR_UNLOCKS});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no run found anything") != std::string::npos);
#endif
}

// main leaves by pthread_exit and its detached workers finish: the run
// ends when they have, as the process does natively. (Every explored run
// went on to the 10 s stall limit: weft's own threads kept the process
// alive, and no watchdog ran under the scheduler to end it.)
TEST_CASE("a program whose main thread leaves by pthread_exit ends under the scheduler", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  const ChildResult r =
      weft_in(dir, {"explore", "--runs", "5", "--seed", "1", "--jobs", "1", "--", WEFT_MAIN_EXITS_FIRST});
  INFO(r.out << r.err);
  check_found_nothing(r);
#endif
}

// A thread that holds the turn and sleeps in the kernel in a wait weft does
// not see (a pipe's read, sigsuspend) waits for a thread that cannot run
// without the turn: every run was stopped at the 10 s stall limit. The turn
// is handed on once it has slept for a moment.
TEST_CASE("a thread asleep in a wait weft does not see hands the turn on", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  for (const char* mode : {"pipe", "signal"}) {
    const ChildResult r =
        weft_in(dir, {"explore", "--runs", "5", "--seed", "1", "--jobs", "1", "--", WEFT_SLEEPS_UNSEEN, mode});
    INFO(mode << "\n" << r.out << r.err);
    check_found_nothing(r);
  }
#endif
}

// OpenMP's team waits are futexes weft does not see; its threads run the
// program's locks. The deadlock is found, and replayed: the threads the
// kernel woke are let reach their scheduling points before each decision,
// so a replay decides among the same threads.
TEST_CASE("explore finds and replays a deadlock between OpenMP threads", "[explore][record]") {
#if !defined(WEFT_PRELOAD) || !defined(WEFT_OPENMP_LOCK_ORDER)
  WARN("this build has no weft_preload target or no OpenMP: skipped");
#else
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "10", "--seed", "1", "--jobs", "1", "--", WEFT_OPENMP_LOCK_ORDER});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("stopped") == std::string::npos);
  std::smatch found;
  REQUIRE(std::regex_search(r.out, found,
                            std::regex("deadlock: 2 threads wait for each other on left, right\n.*first in run [0-9]+, "
                                       "seed ([0-9]+)\n")));
  std::string decisions;
  for (int replay = 0; replay < 3; ++replay) {
    const ChildResult again = weft_in(dir, {"record", "--schedule", found[1].str(), "-o", "replay.weft", "--",
                                            WEFT_OPENMP_LOCK_ORDER});
    INFO(again.err);
    CHECK(again.exit_code == 86);
    std::smatch counted;
    REQUIRE(std::regex_search(again.err, counted, std::regex("[0-9]+ decisions, [0-9]+ steps")));
    if (replay == 0) decisions = counted.str();
    CHECK(counted.str() == decisions);
  }
#endif
}

// A run that dies of a failed assert is what it found: a crash, grouped,
// with the run's replay (its trace is completed in the crash with the
// scheduler's decisions; before, explore said only that runs "left no
// complete trace"). The replay crashes again, and its trace checks as one.
TEST_CASE("explore finds a crash that only some orders make, and its replay crashes again", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  const ChildResult r = weft_in(dir, {"explore", "--runs", "20", "--seed", "1", "--jobs", "1", "--", WEFT_BUFFER_CHECKED_ONCE});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("left no complete trace") == std::string::npos);
  std::smatch found;
  REQUIRE(std::regex_search(r.out, found,
                            std::regex("crash: the program was killed by SIGABRT \\(signal 6\\) in thread-[23], after "
                                       "its last event at buffer_checked_once\\.cpp:[0-9]+\\n.*first in run [0-9]+, "
                                       "seed ([0-9]+)\\n")));
  const ChildResult again =
      weft_in(dir, {"record", "--schedule", found[1].str(), "-o", "replay.weft", "--", WEFT_BUFFER_CHECKED_ONCE});
  INFO(again.err);
  CHECK(again.exit_code == 128 + 6);
  const ChildResult check = weft_in(dir, {"check", "replay.weft"});
  INFO(check.out);
  CHECK(check.exit_code == 1);
  CHECK(check.out.find("1 finding (1 crash)") != std::string::npos);
#endif
}

// The program serves its own runs (its preload library forks each before
// main), or each run starts it anew (WEFT_EXPLORE_SPAWN=1): the same runs
// find the same things, run for run, with one job.
TEST_CASE("an unmodified program's forked runs find what its runs in new processes find", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  std::string reports[2];
  for (const bool spawn : {false, true}) {
    weft::test::ChildOptions o;
    o.cwd = dir.path().string();
    o.timeout = std::chrono::seconds(120);
    if (spawn) o.env["WEFT_EXPLORE_SPAWN"] = "1";
    const std::string out_dir = spawn ? "spawned" : "forked";
    const ChildResult r = run_child({WEFT_CLI, "explore", "--runs", "20", "--seed", "2", "--jobs", "1", "-o", out_dir,
                                     "--", WEFT_TRANSFER_DEADLOCK},
                                    o);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    reports[spawn] = weft::test::explore_report(r.out, out_dir);
  }
  CHECK(reports[0] == reports[1]);
  CHECK(reports[0].find("deadlock: 2 threads wait for each other on accounts, audit") != std::string::npos);
#endif
}

TEST_CASE("under the scheduler an unmodified program's clock reads virtual time", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  // Some seed lets it finish: its sleep and the clock read around it are
  // the scheduler's, 300 ms exactly whatever the machine does.
  bool finished = false;
  for (int seed = 1; seed <= 40 && !finished; ++seed) {
    const ChildResult r = weft_in(dir, {"record", "--schedule", std::to_string(seed), "-o", "t.weft", "--",
                                        WEFT_TRANSFER_DEADLOCK});
    if (r.exit_code != 0) continue;
    finished = true;
    CHECK(r.out == "balance 0; slept 300 ms\n");
    const ChildResult header = weft_in(dir, {"dump", "t.weft"});
    CHECK(header.out.find("clock    virtual") != std::string::npos);
  }
  CHECK(finished);
#endif
}

TEST_CASE("futures, latches, counting semaphores and atomic waits are scheduled too: a correct program stays clean",
          "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  // libstdc++ waits for these on a futex; a wait the scheduler did not see
  // would hold the turn until the 10 s stall limit stopped the run.
  const ChildResult r = weft_in(dir, {"explore", "--runs", "30", "--seed", "1", "--", WEFT_FUTURES_AND_LATCHES});
  INFO(r.out << r.err);
  check_found_nothing(r);
  const ChildResult one = weft_in(dir, {"record", "--schedule", "7", "-o", "f.weft", "--", WEFT_FUTURES_AND_LATCHES});
  CHECK(one.exit_code == 0);
  CHECK(one.out == "sum 5 total 6\n");
#endif
}

TEST_CASE("a thread cancelled inside a scheduled wait acts on the cancel as in a real run", "[explore][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  TempDir dir;
  // Two workers cancelled inside a condition wait (one timed): under the
  // scheduler they block on the scheduler, which no cancel reached, so one
  // waited forever and the other timed out again and again in virtual time
  // until the time limit stopped the run.
  const ChildResult r = weft_in(dir, {"explore", "--runs", "20", "--seed", "1", "--time-limit", "20", "--",
                                      WEFT_CANCELLED_WAIT});
  INFO(r.out << r.err);
  check_found_nothing(r);
  const ChildResult one = weft_in(dir, {"record", "--schedule", "3", "-o", "c.weft", "--", WEFT_CANCELLED_WAIT});
  CHECK(one.exit_code == 0);
  CHECK(one.out == "cancelled: 1 1\n");
  const ChildResult check = weft_in(dir, {"check", "c.weft"});
  CHECK(check.exit_code == 0);  // the cleanup handlers' unlocks are the holders'
#endif
}

TEST_CASE("explore and record --schedule refuse a wrong program or flag in one line", "[explore][record]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases{
      {{"explore", "--"}, "weft: explore: which program?"},
      {{"explore", "abc-turns", "--", "/bin/true"}, "not both"},
      {{"explore", "--check", "--", "/bin/true"}, "a program has none"},
      {{"explore", "--", "/nonexistent/program"}, "weft explore: /nonexistent/program: No such file or directory"},
      {{"explore", "--", dir.path().string()}, "is a directory, not a program"},
      {{"record", "--schedule", "3", "-f", "--", "/bin/true"}, "does not go with -f"},
      {{"record", "--strategy", "pct", "--", "/bin/true"}, "go with --schedule"},
      {{"record", "--schedule", "no-such-file", "--", "/bin/true"}, "neither"},
  };
  for (const Case& c : cases) {
    const ChildResult r = weft_in(dir, c.args);
    INFO(c.args.front() << " " << c.args[1] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find(c.says) != std::string::npos);
  }
}
