// Runs the measured children from a small helper process forked as the
// runner starts, instead of from the runner itself.
//
// Why: Linux counts in a process's ru_maxrss the resident memory of the
// process image it replaced at exec, and posix_spawn execs inside the
// caller's memory (vfork). Spawned by the runner, every child would report
// at least the runner's own peak, which grows to tens of megabytes once it
// has loaded a trace: compare_std (about 3 MB) would show 34. The helper is
// forked before the runner allocates anything, resets its own peak before
// each spawn, and stays around a megabyte, below any child's real peak.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "child.hpp"

namespace weft::compare {

class spawner {
 public:
  // Forks the helper: construct first thing in main, while single-threaded
  // and small. Throws std::runtime_error if it cannot.
  spawner();
  ~spawner();  // the helper exits when its socket closes
  spawner(const spawner&) = delete;
  spawner& operator=(const spawner&) = delete;

  // run_child, in the helper. If the helper is gone, spawn_error says so.
  child_result run(const std::vector<std::string>& argv, const child_options& options = {});

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
};

}  // namespace weft::compare
