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
