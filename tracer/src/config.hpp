// The runtime's settings, from the environment:
//   WEFT_TRACE=path     where the trace goes ("off" disables tracing)
//   WEFT_BUFFER_EVENTS  ring slots per thread (power of two, >= 1024; 65536)
//   WEFT_ON_FULL        "block" (default: wait for the writer, lose nothing)
//                       or "drop" (count lost events in the trace)
//   WEFT_FLUSH_MS       how often the writer drains buffers (default 20)
//   WEFT_ON_DEADLOCK    what the watchdog does with a deadlock or hang:
//                       "exit" (default: trace, report, exit 86), "abort", "wait"
//   WEFT_HANG_MS        how long everything must be blocked to be a hang (1000)
//   WEFT_RECORD_FOLLOW  "1" under weft record -f: children of fork() trace too
//                       (WEFT_TRACE_ROOT: the first trace, whose name theirs derive from)
// Set by a traced parent for a child that execs a weft program in its run
// (read where they are used, runtime.cpp and run_board.cpp):
//   WEFT_RUN_ID, WEFT_RUN_PARENT, WEFT_RUN_ROOT, WEFT_PROCESS_NAME  the run
//                       this process joins, its parent's pid, the first
//                       trace's path, its name
//   WEFT_PROCESS_KEY    the run-wide key of the parent's process object: the
//                       child records process.start / process.exit on it
//                       (only if WEFT_RUN_PARENT is its parent: a program it
//                       execs in turn without weft inherits the variable but
//                       is not that process)
//   WEFT_RUN_BOARD_FD   the run board's fd (run_board.hpp), mapped only if it
//                       is a board of WEFT_RUN_ID
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weft::detail {

struct Config {
  std::string path;
  bool enabled = true;
  std::uint64_t buffer_slots = 1u << 16;  // 2 MiB per thread
  bool drop_when_full = false;
  std::uint32_t flush_ms = 20;
  std::string on_deadlock = "exit";    // exit | abort | wait
  std::uint32_t hang_ms = 1000;
  std::string program;                 // basename of argv[0]
  std::vector<std::string> command_line;
  std::vector<std::string> warnings;   // bad settings, reported once at start
  // weft record -f (WEFT_RECORD_FOLLOW=1 under weft record): a child of
  // fork() goes on tracing, into "<stem of follow_root>.<pid>.weft".
  bool follow_forks = false;
  std::string follow_root;
  // Under weft record (WEFT_RECORD_PID set): without -f, a child of fork()
  // is untraced by the user's choice, and says nothing about it.
  bool under_record = false;
};

// The trace of a followed process: "<root without .weft>.<pid>.weft".
std::string followed_trace_path(const std::string& root, long pid);

Config read_config();

}  // namespace weft::detail
