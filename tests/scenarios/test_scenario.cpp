// Holds one scenario (named by WEFT_SCENARIO_NAME; CMake registers one test
// per scenario) to what its catalogue entry says, over several runs with
// different seeds: it ends on its own (or, for a hang, is stopped with a
// complete trace), its trace holds the events its lesson is about, its marks
// follow the expected order, and `weft check` finds exactly the expected
// findings: every "always" one, nothing beyond "always" and "sometimes"; and
// the viewer and the Chrome export show the same holds and counters for it,
// and every causal edge in it is a happens-before edge.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "hb_property.hpp"
#include "views_agree.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kStoppedExitStatus = 86;  // weft::kStoppedExitStatus

std::string scenario_name() {
  const char* name = std::getenv("WEFT_SCENARIO_NAME");
  return name ? name : "";
}

std::string describe_findings(const std::vector<weft::analysis::ExpectedFinding>& list) {
  std::string out;
  for (const auto& e : list) out += "\n    " + std::string(weft::analysis::finding_kind_name(e.kind)) + " (" + e.about + ")";
  return out;
}

}  // namespace

TEST_CASE("the scenario does what its lesson says, run after run", "[scenario]") {
  const std::string name = scenario_name();
  REQUIRE_FALSE(name.empty());
  const auto described = weft::test::run_child({WEFT_SCENARIOS_BIN, "describe", name});
  REQUIRE(described.exit_code == 0);
  const nlohmann::json entry = nlohmann::json::parse(described.out);
  const weft::analysis::Expectations expected = weft::analysis::parse_expectations(described.out);
  const bool hangs = entry.at("hangs").get<bool>();
  std::set<std::string> shows;
  for (const auto& k : entry.at("shows")) shows.insert(k.get<std::string>());

  const fs::path dir = fs::temp_directory_path() / ("weft-scenario-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const int runs = hangs ? 2 : 3;
  for (int run = 1; run <= runs; ++run) {
    const std::string seed = std::to_string(run * 7919);
    INFO("scenario " << name << ", run " << run << " (--seed " << seed << ")");
    const std::string trace_path = (dir / ("run-" + std::to_string(run) + ".weft")).string();
    weft::test::ChildOptions options = weft::test::with_env({{"WEFT_TRACE", trace_path}});
    options.timeout = std::chrono::seconds(60);
    const auto result = weft::test::run_child({WEFT_SCENARIOS_BIN, "run", name, "--seed", seed}, options);
    INFO("stderr: " << result.err.substr(0, 2000));
    REQUIRE_FALSE(result.timed_out);
    const weft::format::Trace trace = weft::format::load_trace(trace_path);
    REQUIRE(trace.end.has_value());
    if (hangs) {
      // Stopped, by the watchdog or the deadline, unless this run was one
      // where the bug did not strike and it finished (e.g. no deadlock).
      CHECK((result.exit_code == kStoppedExitStatus || result.exit_code == 0));
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
    INFO("missing:" << describe_findings(c.missing));
    INFO("unexpected:" << describe_findings(c.unexpected));
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
