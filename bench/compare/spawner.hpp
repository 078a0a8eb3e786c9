// Runs the measured children from a small helper process forked as the
// runner starts, instead of from the runner itself. Each child is run by the
// project's subprocess library (support/), which reports its output, exit,
// wall time and peak resident memory (wait4's rusage, which a process cannot
// report about itself as reliably: it includes every page the child touched
// up to its exit, valgrind's own for Helgrind).
//
// Why a helper: Linux counts in a process's ru_maxrss the resident memory of
// the process image it replaced at exec, and posix_spawn execs inside the
// caller's memory (vfork). Spawned by the runner, every child would report
// at least the runner's own peak, which grows to tens of megabytes once it
// has loaded a trace: compare_std (about 3 MB) would show 34. The helper is
// forked before the runner allocates anything, resets its own peak before
// each spawn, and stays around a megabyte, below any child's real peak.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "weft/support/subprocess.hpp"

namespace weft::compare {

// What the runner's children get unless it says otherwise: two minutes each.
inline subprocess::options child_options() {
  subprocess::options o;
  o.timeout = std::chrono::minutes(2);
  return o;
}

class spawner {
 public:
  // Forks the helper: construct first thing in main, while single-threaded
  // and small. Throws std::runtime_error if it cannot.
  spawner();
  ~spawner();  // the helper exits when its socket closes
  spawner(const spawner&) = delete;
  spawner& operator=(const spawner&) = delete;

  // subprocess::run, in the helper, keeping at most the first 64 KiB of
  // each output stream. If the helper is gone, spawn_error says so. An
  // on_ready callback cannot run in another process: refused, as a
  // spawn_error.
  subprocess::result run(const std::vector<std::string>& argv, const subprocess::options& options = child_options());

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
};

}  // namespace weft::compare
