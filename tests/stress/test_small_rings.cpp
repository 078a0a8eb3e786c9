// One scenario (WEFT_SCENARIO_NAME; CMake registers one test per scenario)
// with the smallest ring the runtime takes, 1024 events per thread, so that
// rings fill all the time:
//   - WEFT_ON_FULL=block: threads wait for the writer and nothing is lost,
//     so the verdict is the scenario's declared one, as with the default
//     ring, and the trace is complete;
//   - WEFT_ON_FULL=drop: events are lost, and no finding may rest on what
//     was lost: every finding stated as certain is one the scenario can
//     have; what the losses could explain is marked uncertain.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../scenarios/scenario_under_test.hpp"
#include "../support/subprocess.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kStoppedExitStatus = 86;  // weft::kStoppedExitStatus

struct Run {
  weft::format::Trace trace;
  weft::analysis::Report report;
  weft::analysis::Comparison comparison;
};

Run run_with_small_rings(const std::string& name, const std::string& on_full, const fs::path& dir,
                         const weft::analysis::Expectations& expected, bool hangs) {
  const std::string path = (dir / (on_full + ".weft")).string();
  weft::test::ChildOptions options = weft::test::with_env(
      {{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"}, {"WEFT_ON_FULL", on_full}});
  options.timeout = std::chrono::seconds(120);
  const auto result = weft::test::run_child({WEFT_SCENARIOS_BIN, "run", name, "--seed", "7919"}, options);
  INFO("stderr: " << result.err.substr(0, 2000));
  REQUIRE_FALSE(result.timed_out);
  if (hangs)
    CHECK((result.exit_code == kStoppedExitStatus || result.exit_code == 0));
  else
    CHECK(result.exit_code == 0);
  Run run{weft::format::load_run({path}, weft::format::load_trace), {}, {}};  // every process of the run
  REQUIRE(run.trace.end.has_value());
  std::uint64_t written = 0;  // by every process of the run, each into its own trace
  for (const weft::format::ProcessInfo& p : run.trace.processes) {
    REQUIRE(p.end.has_value());
    written += p.end->events;
  }
  CHECK(written == run.trace.events.size());
  weft::analysis::CheckOptions check;
  check.marks_pattern = expected.marks;
  run.report = weft::analysis::check(run.trace, check);
  run.comparison = weft::analysis::compare(run.report, expected);  // uncertain findings do not count
  return run;
}

}  // namespace

TEST_CASE("the scenario with 1024-event rings: block loses nothing, drop invents nothing", "[stress][scenario]") {
  const weft::test::ScenarioUnderTest scenario = weft::test::scenario_under_test(WEFT_SCENARIOS_BIN);
  const std::string& name = scenario.name;
  const weft::analysis::Expectations& expected = scenario.expected;
  const bool hangs = scenario.hangs;
  const fs::path dir = fs::temp_directory_path() / ("weft-rings-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  SECTION("block") {
    const Run run = run_with_small_rings(name, "block", dir, expected, hangs);
    CHECK(run.trace.end->dropped == 0);
    CHECK(run.report.dropped == 0);
    std::string titles;
    for (const auto& f : run.report.findings) titles += "\n    " + f.title;
    INFO("findings:" << titles);
    INFO("missing:" << weft::test::describe_findings(run.comparison.missing));
    INFO("unexpected:" << weft::test::describe_findings(run.comparison.unexpected));
    CHECK(run.comparison.matches());
    for (const auto& f : run.report.findings) CHECK(f.uncertain.empty());
  }
  SECTION("drop") {
    const Run run = run_with_small_rings(name, "drop", dir, expected, hangs);
    std::string titles;
    for (const auto& f : run.report.findings) titles += "\n    " + std::string(f.uncertain.empty() ? "" : "(uncertain) ") + f.title;
    INFO("dropped: " << run.trace.end->dropped << ", findings:" << titles);
    INFO("unexpected:" << weft::test::describe_findings(run.comparison.unexpected));
    // Nothing stated as certain beyond what the scenario can have.
    CHECK(run.comparison.unexpected.empty());
    // With nothing lost, the verdict is the declared one in full.
    if (run.trace.end->dropped == 0) {
      INFO("missing:" << weft::test::describe_findings(run.comparison.missing));
      CHECK(run.comparison.matches());
    }
  }
  fs::remove_all(dir);
}
