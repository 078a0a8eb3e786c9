// What the controlled scheduler decided in one run (weft explore, and a
// replay of one of its runs): the strategy and seed that made the run, and
// every decision, so the run can be replayed exactly. A SCHD chunk (or
// several, read as one) written before the END record.
//
// A decision is made at each scheduling point where more than one thread
// could run: `chosen` is the thread (weft id) given the turn, `previous` the
// one that held it. A depth-first search (strategy dfs) also records which
// threads could run (`enabled`, ascending), which is how it knows the
// alternatives it has not tried.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weft/format/bytes.hpp"

namespace weft::format {

struct ScheduleDecision {
  std::uint32_t chosen = 0;
  std::uint32_t previous = 0;
  std::vector<std::uint32_t> enabled;  // empty unless Schedule::enabled_recorded
};

// Why the scheduler ended a run itself, if it did.
enum class ScheduleStop : std::uint8_t {
  None = 0,
  Stuck = 1,     // no thread could run and no timer was pending: a deadlock or hang
  Budget = 2,    // the run's real-time budget ran out
  Diverged = 3,  // a replay could not follow its schedule
  Deadline = 4,  // the program's own deadline (a scenario's timeout) passed in virtual time
};

struct Schedule {
  std::string strategy;          // random | pct | dfs | replay
  std::uint64_t seed = 0;
  std::uint32_t depth = 0;       // pct: bug depth (priority change points + 1)
  std::uint64_t horizon = 0;     // pct: the steps the change points are spread over
  std::uint32_t bound = 0;       // dfs: the preemption bound
  std::uint64_t steps = 0;       // scheduling points in the run
  std::uint64_t virtual_ns = 0;  // the virtual clock when the trace ended
  std::uint64_t quantum_ns = 0;  // virtual time one scheduling step costs
  ScheduleStop stop = ScheduleStop::None;
  std::string stopped;           // why the scheduler stopped the run, in words
  bool enabled_recorded = false;
  bool early_timers = false;     // a timer could fire while threads could run
  std::vector<ScheduleDecision> decisions;
};

// Record tags inside SCHD chunks.
enum class ScheduleRecord : std::uint8_t { Settings = 1, Decision = 2 };

void encode_schedule_settings(ByteWriter& w, const Schedule& s) noexcept;
void encode_schedule_decision(ByteWriter& w, const ScheduleDecision& d, bool with_enabled) noexcept;
// Appends one SCHD chunk's records to `s` (settings replace, decisions add).
void decode_schedule(ByteReader& r, Schedule& s);

}  // namespace weft::format
