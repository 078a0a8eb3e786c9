// Runs a helper program as a child process with extra environment variables,
// collects its output and how it ended. Used by the crash-safety and CLI
// tests, which must watch programs die. The work is done by the project's
// one subprocess library (support/, shared with weft-compare); this is the
// tests' face of it.
#pragma once

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "weft/support/subprocess.hpp"

namespace weft::test {

// exit_code, signal, timed_out, out, err (and wall, max_rss_kb).
using ChildResult = weft::subprocess::result;
// env, unset_env, cwd, timeout (30 s), ready_text + on_ready.
using ChildOptions = weft::subprocess::options;

// The common case: only environment (and optionally a working directory).
inline ChildOptions with_env(std::map<std::string, std::string> env, std::string cwd = {}) {
  ChildOptions o;
  o.env = std::move(env);
  o.cwd = std::move(cwd);
  return o;
}

// One more sanitizer option for the child, in `variable` (ASAN_OPTIONS,
// TSAN_OPTIONS), after those it already has: set on `o` already, or else
// given to this process (ctest's exitcode=0 and the like stay in force).
// The sanitizers read ':' between options.
inline void add_sanitizer_option(ChildOptions& o, const std::string& variable, const std::string& option) {
  std::string options;
  if (const auto set = o.env.find(variable); set != o.env.end())
    options = set->second;
  else if (const char* given = std::getenv(variable.c_str()))
    options = given;
  o.env[variable] = options + (options.empty() ? "" : ":") + option;
}

// Throws std::runtime_error if the child cannot be started at all: a test
// that cannot run its program has nothing to check.
ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// What every weft command promises for bad input: one line, ending in a
// newline, on stderr.
inline bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

}  // namespace weft::test
