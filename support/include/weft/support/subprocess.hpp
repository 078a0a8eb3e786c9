// Runs a program as a child process and says how it went: its output, how
// it ended, its wall time and its peak resident memory. One implementation
// for the two places that watch programs run: the tests (which must watch
// traced programs crash, hang and get killed) and weft-compare (which
// measures them; it runs them through a small helper process, see
// bench/compare/spawner.hpp).
//
// The child gets /dev/null as standard input and pipes for its output; it
// never reads the terminal of the process that runs it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace weft::subprocess {

struct options {
  std::map<std::string, std::string> env;  // added to (or replacing) the parent's
  std::vector<std::string> unset_env;      // removed from the child's environment
  std::string cwd;                         // empty: inherit
  std::chrono::milliseconds timeout{30'000};  // then SIGKILL, and timed_out
  // Of each stream, this much is kept; the rest is read and dropped (the
  // child never blocks on a full pipe).
  std::size_t keep_bytes = std::numeric_limits<std::size_t>::max();
  // Called with the child's pid once `ready_text` appears on its stdout,
  // while it runs (e.g. to kill it at a known point).
  std::string ready_text;
  std::function<void(int pid)> on_ready;
};

struct result {
  std::string spawn_error;  // non-empty: it never ran (and nothing below is set)
  int exit_code = -1;       // if it exited
  int signal = 0;           // if a signal ended it (SIGKILL when it timed out)
  bool timed_out = false;   // killed at the deadline
  std::string out, err;
  std::chrono::nanoseconds wall{0};  // started to reaped
  long max_rss_kb = 0;               // its peak resident memory (wait4's rusage)

  bool exited(int code) const { return spawn_error.empty() && !timed_out && signal == 0 && exit_code == code; }
  // "exit status 3: <first line of stderr>", "killed by signal 11 (...)", "timed out, killed", ...
  std::string failure() const;
};

// argv[0] is a path, or a bare name looked up in PATH. A child that cannot
// be started is a result with spawn_error, not an exception.
result run(const std::vector<std::string>& argv, const options& options = {});

}  // namespace weft::subprocess
