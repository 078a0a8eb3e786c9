// Running a scenario: the shared part of `weft-scenarios run NAME` and of
// each scenario's own program. Records which scenario and seed this is,
// and stops the program (trace complete, exit status weft::kStoppedExitStatus)
// if it has not finished by its deadline: the lessons about hangs would
// otherwise never end.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "catalog.hpp"
#include "weft/support/command_line.hpp"

namespace weft::scenarios {

struct run_settings {
  options opt;
  std::chrono::milliseconds timeout{0};  // 0: the scenario's default
  bool seed_given = false;
};

// The flags of a run as typed, [--seed N] [--timeout SECONDS]: declared on
// a program's parser by declare_run_flags, checked by settings_from (which
// throws command_line::usage_error, one line, for a bad number).
struct run_flags {
  std::optional<std::string> seed, timeout;
};
void declare_run_flags(command_line::parser& p, run_flags& flags);
run_settings settings_from(const run_flags& flags);

// Default deadline: short for scenarios whose lesson is a hang.
std::chrono::milliseconds default_timeout(const scenario& s);

int run_scenario(const scenario& s, const run_settings& settings);

}  // namespace weft::scenarios
