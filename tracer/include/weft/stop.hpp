// Stopping a program that will never finish on its own (a deadlock, a
// hang), with its trace complete: the reason is recorded, the trace ends
// with EndReason::Watchdog, a one-line report goes to stderr and the process
// exits with kStoppedExitStatus, without running destructors that could wait
// on the very threads that are stuck.
#pragma once

#include <string_view>

namespace weft {

// The exit status of a program weft stopped: distinct from a program's own.
inline constexpr int kStoppedExitStatus = 86;

[[noreturn]] void stop_program(std::string_view why);

}  // namespace weft
