// The trace, reorganized for the detectors and the views: who waited on what
// and when, each thread's life, which thread each thread object belongs to,
// and (in full) the state of every object over time (object_state.hpp).
// Built once, read by all; every rule comes from the meaning table
// (weft/format/meaning.hpp), not from a switch of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weft/analysis/object_state.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis {

// What a thread is blocked on during a wait.
using format::WaitCause;
using format::wait_cause_name;

// An event index that may be absent: read like std::optional<uint64_t>,
// in 8 bytes where that takes 16 (kNoEvent, never an event's index, stands
// for none). A contended trace has a wait for every other event: a
// billion-event trace's 52 M waits took 2.5 GB at 48 bytes each.
class MaybeEvent {
 public:
  constexpr MaybeEvent() = default;
  constexpr MaybeEvent(std::nullopt_t) {}                           // NOLINT: as std::optional
  constexpr MaybeEvent(std::uint64_t index) : index_(index) {}      // NOLINT: as std::optional
  constexpr bool has_value() const { return index_ != kNoEvent; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr std::uint64_t operator*() const { return index_; }     // has_value() first
  constexpr std::uint64_t value_or(std::uint64_t other) const { return has_value() ? index_ : other; }
  constexpr bool operator==(const MaybeEvent&) const = default;

 private:
  std::uint64_t index_ = kNoEvent;
};

struct Wait {
  std::uint32_t thread = 0;
  std::uint32_t object = 0;     // 0 for sleeps
  WaitCause cause{};
  bool timed = false;
  std::uint64_t begin = 0;      // event index of the begin
  MaybeEvent end;               // none: still waiting when the trace ends
};
static_assert(sizeof(Wait) == 32, "a wait for every other event of a contended trace: keep it small");

struct ThreadLife {
  std::optional<std::uint64_t> first;       // its first event
  std::optional<std::uint64_t> start, end;  // event indices of thread.start and thread.end
  std::uint64_t start_ns = 0, end_ns = 0;   // end_ns: the trace's end if it did not end
  bool daemon = false;
  bool main = false;
};

// How much build_model derives: the detectors need the waits and lives;
// the views also need the object state.
enum class ModelDetail { Waits, Full };

// A wait as six fields, for the model's packed store; its end is optional
// (none while it lasts to the trace's end).
struct WaitCodec {
  using Record = Wait;
  static constexpr int kFields = 6;
  static constexpr unsigned kOptional = 1u << 5;
  static void split(const Wait& w, std::uint64_t (&v)[6]) {
    v[0] = w.thread;
    v[1] = w.object;
    v[2] = static_cast<std::uint8_t>(w.cause);
    v[3] = w.timed;
    v[4] = w.begin;
    v[5] = w.end.value_or(kNoEvent);
  }
  static Wait join(const std::uint64_t (&v)[6]) {
    Wait w;
    w.thread = static_cast<std::uint32_t>(v[0]);
    w.object = static_cast<std::uint32_t>(v[1]);
    w.cause = static_cast<WaitCause>(v[2]);
    w.timed = v[3] != 0;
    w.begin = v[4];
    if (v[5] != kNoEvent) w.end = v[5];
    return w;
  }
};

// Packed (packed_store.hpp): a contended trace has a wait for about every
// tenth event, written once and read by every detector and view; a lock
// loop's wait takes 7-9 bytes there instead of 32.
using Waits = format::PackedStore<WaitCodec>;

struct Model {
  const format::Trace* trace = nullptr;
  Waits waits;                               // in order of their begin
  std::vector<ThreadLife> lives;             // by thread id
  std::vector<std::uint32_t> thread_of_object;  // thread id for thread objects, ~0u otherwise
  std::uint64_t end_ns = 0;                  // time of the last event
  ObjectState state;                         // ModelDetail::Full only

  // Whether weft stopped the program because it could make no progress (a
  // deadlock or hang seen by the watchdog, or a scenario past its
  // deadline). Only then are threads still blocked at the end stuck: in a
  // program that exited they are daemons left behind, and in one killed
  // from outside (no END record) they were just caught mid-wait.
  // In a run of several processes, each process ended on its own: the
  // first form asks whether any was stopped so, the second whether the
  // process of `thread` was.
  bool stopped_as_stuck() const;
  bool stopped_as_stuck(std::uint32_t thread) const;
};

Model build_model(const format::Trace& trace, ModelDetail how_much = ModelDetail::Full);

}  // namespace weft::analysis
