// The scenario catalogue lives in the weft-scenarios program next to weft
// (the weft command itself is not traced and does not link the scenarios):
// `weft list`, `run` and `explore` hand over to it through these.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weft::cli {

using Environment = std::vector<std::pair<std::string, std::string>>;

// Where weft-scenarios is (find_companion's errors if nowhere).
std::string scenarios_program();

// fork + exec of `path` with `argv` (argv[0] included) and `env` added to
// ours; with `quiet` its output and errors go to /dev/null; `in_child`, if
// given, runs in the child first (after the redirection). Its pid.
pid_t spawn_program(const std::string& path, const std::vector<std::string>& argv, const Environment& env, bool quiet,
                    const std::function<void()>& in_child = {});

// Starts weft-scenarios with `args` and `env` added to ours; with `quiet`
// its output goes to /dev/null. Returns its pid.
pid_t spawn_scenarios_program(const std::vector<std::string>& args, const Environment& env, bool quiet);
// Waits for it: its exit status, or 128 + the signal that killed it.
int wait_scenarios_program(pid_t pid);

// Runs it to the end, its output straight to ours.
int run_scenarios_program(const std::vector<std::string>& args, const Environment& env = {});

// Runs it capturing its standard output (its errors go to ours): the
// output, or nullopt if it failed (it has said why).
std::optional<std::string> capture_scenarios_program(const std::vector<std::string>& args);

}  // namespace weft::cli
