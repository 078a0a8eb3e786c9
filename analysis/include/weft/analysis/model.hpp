// The trace, reorganized for the detectors: who waited on what and when,
// which thread each thread object belongs to. Built once, read by all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::analysis {

// What a thread is blocked on during a wait.
enum class WaitCause { Lock, Condition, Semaphore, Barrier, Event, QueuePut, QueueGet, QueueJoin, Join, Future, Sleep };
std::string_view wait_cause_name(WaitCause c);  // "lock", "condition", ...

struct Wait {
  std::uint32_t thread = 0;
  std::uint32_t object = 0;     // 0 for sleeps
  WaitCause cause{};
  std::uint64_t begin = 0;      // event index of the begin
  std::optional<std::uint64_t> end;  // none: still waiting when the trace ends
  bool timed = false;
};

struct ThreadLife {
  std::optional<std::uint64_t> start, end;  // event indices
  std::uint64_t start_ns = 0, end_ns = 0;   // end_ns: the trace's end if it did not end
  bool daemon = false;
  bool main = false;
};

struct Model {
  const format::Trace* trace = nullptr;
  std::vector<Wait> waits;                   // in order of their begin
  std::vector<ThreadLife> lives;             // by thread id
  std::vector<std::uint32_t> thread_of_object;  // thread id for thread objects, ~0u otherwise
  std::uint64_t end_ns = 0;                  // time of the last event

  // Whether weft stopped the program because it could make no progress (a
  // deadlock or hang seen by the watchdog, or a scenario past its
  // deadline). Only then are threads still blocked at the end stuck: in a
  // program that exited they are daemons left behind, and in one killed
  // from outside (no END record) they were just caught mid-wait.
  bool stopped_as_stuck() const;
};

Model build_model(const format::Trace& trace);

// The kind of wait a begin event starts, if it is one.
std::optional<WaitCause> wait_cause(format::EventKind begin);

}  // namespace weft::analysis
