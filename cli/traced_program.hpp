// An unmodified program that weft runs with its preload library
// (libweft_preload.so, LD_PRELOAD): `weft record` runs it once, `weft
// explore -- PROGRAM` many times under the scheduler. Everything that can be
// known before it starts is checked here, each problem one line.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "scenarios_program.hpp"  // Environment

namespace weft::cli {

// A problem with the program, the trace path or weft's own files: one line
// (without the command's name), and nothing run.
struct refusal {
  std::string what;
};
[[noreturn]] void refuse(std::string what);
std::string errno_text(int e);

struct TracedProgram {
  std::string resolved;  // as execvp would find it
  std::string preload;   // libweft_preload.so
};

// Checks that `program` can be run and traced: found as execvp finds it,
// an ELF executable with a dynamic loader (or a #! script), not setuid.
// Throws refusal. The preload is left to find_preload.
TracedProgram locate_traced_program(const std::string& program);

// libweft_preload.so next to the weft binary (the build tree), else where
// an installation puts libraries. Throws refusal.
std::string find_preload();

// LD_PRELOAD with weft's library first, then whatever the caller had.
std::string preload_list(const TracedProgram& p);

// Starts the program in the background, tracing into `trace`, with `env`
// added to ours; its input is /dev/null, its output and errors too when
// `quiet`. Returns its pid (reaped by the caller).
pid_t spawn_traced_program(const TracedProgram& p, const std::vector<std::string>& argv, const std::string& trace,
                           const Environment& env, bool quiet);

}  // namespace weft::cli
