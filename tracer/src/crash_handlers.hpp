#pragma once

namespace weft::detail {

// Completes the trace before the process dies of a fatal signal (SIGSEGV,
// SIGBUS, SIGILL, SIGFPE, SIGABRT) or of a terminating one it does not
// otherwise handle (SIGTERM, SIGINT, SIGHUP, SIGQUIT), and records uncaught
// exceptions from std::terminate. Previous handlers still run afterwards.
void install_crash_handlers();

}  // namespace weft::detail
