// The scenario a test process is about (WEFT_SCENARIO_NAME: CMake registers
// one test per scenario) and what its catalogue entry declares, as
// `weft-scenarios describe` gives it. Shared by the scenario tests and the
// small-ring stress tests, which hold every scenario to the same verdict.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "weft/analysis/check.hpp"

namespace weft::test {

struct ScenarioUnderTest {
  std::string name;
  nlohmann::json entry;                   // the catalogue entry, as JSON
  weft::analysis::Expectations expected;  // its declared findings and marks
  bool hangs = false;                     // its lesson is a hang: the run is stopped
};

inline ScenarioUnderTest scenario_under_test(const char* scenarios_bin) {
  ScenarioUnderTest s;
  const char* name = std::getenv("WEFT_SCENARIO_NAME");
  s.name = name ? name : "";
  REQUIRE_FALSE(s.name.empty());
  const auto described = run_child({scenarios_bin, "describe", s.name});
  REQUIRE(described.exit_code == 0);
  s.entry = nlohmann::json::parse(described.out);
  s.expected = weft::analysis::parse_expectations(described.out);
  s.hangs = s.entry.at("hangs").get<bool>();
  return s;
}

// "\n    data race (counter)" per finding, for a failure's message.
inline std::string describe_findings(const std::vector<weft::analysis::ExpectedFinding>& list) {
  std::string out;
  for (const auto& e : list) out += "\n    " + std::string(weft::analysis::finding_kind_name(e.kind)) + " (" + e.about + ")";
  return out;
}

}  // namespace weft::test
