// Runs one measured program as a child process: its output, how it ended,
// its wall time and its peak resident memory (wait4's rusage, which a
// process cannot report about itself as reliably: it includes every page
// the child touched up to its exit, valgrind's own for Helgrind).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace weft::compare {

struct child_result {
  std::string spawn_error;  // non-empty: it never ran
  int exit_code = -1;       // if it exited
  int signal = 0;           // if a signal ended it
  bool timed_out = false;   // we killed it at the deadline
  std::string out, err;     // the first 64 KiB of each
  std::chrono::nanoseconds wall{0};  // spawn to reaped
  long max_rss_kb = 0;

  bool exited(int code) const { return spawn_error.empty() && !timed_out && signal == 0 && exit_code == code; }
  // "exit status 3: <first line of stderr>", "killed by signal 11", "timed out after 120 s", ...
  std::string failure() const;
};

struct child_options {
  std::map<std::string, std::string> env;  // set in the child's environment
  std::chrono::seconds timeout{120};
};

// argv[0] is a path, or a bare name looked up in PATH.
child_result run_child(const std::vector<std::string>& argv, const child_options& options = {});

}  // namespace weft::compare
