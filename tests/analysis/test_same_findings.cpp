// `weft check` gives the same findings, byte for byte, whether the trace is
// loaded by the one-thread streaming loader (WEFT_LOAD_THREADS=1, the
// reference) or decoded on several threads and merged without a second
// copy (the default, and more threads than cores). Real scenario traces,
// recorded here: a race, a lock-order inversion and deadlock, a
// self-deadlock, a lost wake-up with a hang, a hang on a queue, misuse,
// marks, and runs of several processes; each compared as `--format json`
// (every finding, its events and sites) and as the text report.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "../support/sanitized.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace {

struct Checked {
  int exit_code = -1;
  std::string out, err;
};

Checked check(const std::string& trace, const std::string& threads, const std::vector<std::string>& format) {
  std::vector<std::string> argv{WEFT_CLI, "check"};
  argv.insert(argv.end(), format.begin(), format.end());
  argv.push_back(trace);
  weft::test::ChildOptions options;
  if (threads.empty())
    options.unset_env = {"WEFT_LOAD_THREADS"};  // the default: every core
  else
    options.env = {{"WEFT_LOAD_THREADS", threads}};
  options.timeout = std::chrono::seconds(120);
  const weft::test::ChildResult r = weft::test::run_child(argv, options);
  REQUIRE_FALSE(r.timed_out);
  return {r.exit_code, r.out, r.err};
}

// Records `scenario` (seed 1) and holds the parallel loads' reports to the
// one-thread load's. `expect` must appear in the JSON report: the
// comparison is about real findings, not two empty reports.
void same_findings(const std::string& scenario, const std::string& expect, bool stopped = false, std::size_t traces = 1) {
  weft::test::TempDir dir;
  const std::string trace = dir.file("run.weft");
  std::vector<std::string> argv{WEFT_SCENARIOS_BIN, "run", scenario, "--seed", "1"};
  // The watchdog stops it, not the deadline; except a hang under TSan, where
  // the watchdog calls no hang (watchdog.hpp) and the deadline ends the run
  // with the same events: there it comes sooner.
  if (stopped) argv.insert(argv.end(), {"--timeout", weft::test::kTsan ? "10" : "60"});
  weft::test::ChildOptions options = weft::test::with_env({{"WEFT_TRACE", trace}});
  options.timeout = std::chrono::seconds(120);
  const weft::test::ChildResult run = weft::test::run_child(argv, options);
  INFO(scenario << ": " << run.err.substr(0, 1000));
  REQUIRE_FALSE(run.timed_out);
  std::size_t written = 0;  // a run of processes writes one trace per process, all read as one run
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) written += entry.path().extension() == ".weft";
  REQUIRE(written == traces);

  for (const std::vector<std::string>& format : {std::vector<std::string>{"--format", "json"}, std::vector<std::string>{}}) {
    const Checked serial = check(trace, "1", format);
    INFO("serial stderr: " << serial.err);
    REQUIRE(serial.exit_code != 2);  // 2: could not read the trace
    if (!format.empty()) {
      REQUIRE(serial.out.find("\"findings\"") != std::string::npos);
      CHECK(serial.out.find(expect) != std::string::npos);
    }
    for (const std::string threads : {"", "2", "5"}) {
      INFO("WEFT_LOAD_THREADS=" << (threads.empty() ? "(unset)" : threads));
      const Checked parallel = check(trace, threads, format);
      CHECK(parallel.exit_code == serial.exit_code);
      CHECK(parallel.err == serial.err);
      REQUIRE(parallel.out == serial.out);
    }
  }
}

}  // namespace

TEST_CASE("same findings: a data race (counter-race)", "[same-findings]") { same_findings("counter-race", "data race"); }

TEST_CASE("same findings: a lock-order inversion (lock-order-deadlock)", "[same-findings]") {
  same_findings("lock-order-deadlock", "lock-order inversion", true);
}

TEST_CASE("same findings: a self-deadlock (safe-queue-self-deadlock)", "[same-findings]") {
  same_findings("safe-queue-self-deadlock", "self-deadlock", true);
}

TEST_CASE("same findings: a lost wake-up and a hang (speakers-a-first)", "[same-findings]") {
  same_findings("speakers-a-first", "lost wake-up", true);
}

TEST_CASE("same findings: a hang on a queue (crawler-bounded-queue)", "[same-findings]") {
  same_findings("crawler-bounded-queue", "\"hang\"", true);
}

TEST_CASE("same findings: misuse (lock-chain-mutex)", "[same-findings]") { same_findings("lock-chain-mutex", "misuse"); }

TEST_CASE("same findings: a clean run of 400,000 events (share-lock-per-iteration)", "[same-findings]") {
  same_findings("share-lock-per-iteration", "\"events\"");
}

TEST_CASE("same findings: a race across processes (shared-value-race)", "[same-findings]") {
  same_findings("shared-value-race", "data race", false, 3);
}

TEST_CASE("same findings: a run of three processes (process-queue-producer-consumer)", "[same-findings]") {
  same_findings("process-queue-producer-consumer", "\"events\"", false, 4);
}
