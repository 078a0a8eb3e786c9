// Runs a helper program as a child process with extra environment variables,
// collects its output and how it ended. Used by the crash-safety and CLI
// tests, which must watch programs die.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace weft::test {

struct ChildResult {
  int exit_code = -1;      // if it exited
  int signal = 0;          // if a signal killed it
  bool timed_out = false;  // killed by us after the deadline
  std::string out;
  std::string err;
};

struct ChildOptions {
  std::map<std::string, std::string> env;  // added to (or replacing) the parent's
  std::vector<std::string> unset_env;      // removed from the child's environment
  std::string cwd;                         // empty: inherit
  std::chrono::milliseconds timeout{30'000};
  // Called with the child's pid once `ready_text` appears on its stdout.
  std::string ready_text;
  void (*on_ready)(int pid) = nullptr;
};

// The common case: only environment (and optionally a working directory).
inline ChildOptions with_env(std::map<std::string, std::string> env, std::string cwd = {}) {
  ChildOptions o;
  o.env = std::move(env);
  o.cwd = std::move(cwd);
  return o;
}

ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// What every weft command promises for bad input: one line, ending in a
// newline, on stderr.
inline bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

}  // namespace weft::test
