// Running a scenario: the shared part of `weft-scenarios run NAME` and of
// each scenario's own program. Records which scenario and seed this is,
// and stops the program (trace complete, exit status weft::kStoppedExitStatus)
// if it has not finished by its deadline: the lessons about hangs would
// otherwise never end.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "catalog.hpp"

namespace weft::scenarios {

struct run_settings {
  options opt;
  std::chrono::milliseconds timeout{0};  // 0: the scenario's default
  bool seed_given = false;
};

// Parses [--seed N] [--timeout SECONDS]; throws std::invalid_argument with a
// one-line message on anything else.
run_settings parse_run_flags(const std::vector<std::string>& args);

// Default deadline: short for scenarios whose lesson is a hang.
std::chrono::milliseconds default_timeout(const scenario& s);

int run_scenario(const scenario& s, const run_settings& settings);

}  // namespace weft::scenarios
