// Object state over time, derived once from a trace: who held each lock
// when, and the values objects count (queue depth, semaphore value, barrier
// arrivals, threads waiting for a lock, shared holders). The viewer, its
// replay, the Chrome export and the statistics read this; none of them
// derives object state again, so they cannot draw different holds or values
// for one trace.
//
// One policy for what a trace gets wrong (dropped events, a program that
// misuses its locks), each case kept as an Anomaly so it can be shown:
//  - a lock taken while another thread's hold of it was never released: that
//    hold ends at the new acquisition (HoldEnd::Lost);
//  - a release by a thread that does not hold the lock (a misuse weft
//    records, then performs): the holder's hold ends there
//    (HoldEnd::ReleasedByOther); the lock is free afterwards;
//  - a release of a lock nobody holds: nothing to end (ReleaseUnheld);
//  - a queue get with no item in the queue (its put was lost): the depth
//    stays at 0 (GetWithoutPut);
//  - a thread that records an event while in a wait (other than the wait's
//    own: the mutex a condition wait gives up and takes back, or the
//    runtime's news): its end was lost, and the wait ends there
//    (WaitUnended).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "weft/format/packed_store.hpp"

namespace weft::analysis {

inline constexpr std::uint64_t kNoEvent = std::numeric_limits<std::uint64_t>::max();

enum class HoldEnd : std::uint8_t {
  Released,         // by its holder
  ReleasedByOther,  // by another thread (misuse)
  Lost,             // the lock was taken again with no release in between
  Open,             // still held when the trace ends
};

// One hold of a lock, from its acquisition to its release. A recursive
// re-entry extends the hold it is in. A condition wait splits a hold in two:
// the mutex is released inside the wait and taken again before it returns;
// the first part ends (in time) where the wait begins and the second begins
// where it ends, so that a wait nests between the holds around it.
// Times of the exclusive holds of one lock never go back: each begins no
// earlier than the previous one ended (clocks of different cores can
// disagree by a few ns).
struct Hold {
  std::uint64_t first = 0;          // the acquisition (index in Trace::events)
  std::uint64_t last = kNoEvent;    // the event that ended it; kNoEvent: open at the end
  std::uint64_t begin_ns = 0, end_ns = 0;
  std::uint32_t lock = 0;
  std::uint32_t thread = 0;
  bool shared = false;              // a shared (reader) hold of a shared mutex
  HoldEnd end = HoldEnd::Open;

  bool operator==(const Hold&) const = default;
};

// A hold as eight fields, for ObjectState's packed store: a lock loop's
// hold takes 6-9 bytes there instead of 48. `last` is optional (kNoEvent
// while open).
static_assert(kNoEvent == ~std::uint64_t{0});
using HoldCodec = format::MemberCodec<Hold, 1u << 1, &Hold::first, &Hold::last, &Hold::begin_ns, &Hold::end_ns,
                                      &Hold::lock, &Hold::thread, &Hold::shared, &Hold::end>;

// Holds, packed; read like a vector that hands out values (packed_store.hpp).
using HoldStore = format::PackedStore<HoldCodec>;
// HoldCodec's fields by position, for HoldStore::field.
inline constexpr int kHoldBeginNs = HoldCodec::field_of<&Hold::begin_ns>();
inline constexpr int kHoldEndNs = HoldCodec::field_of<&Hold::end_ns>();

enum class SeriesKind : std::uint8_t {
  QueueDepth,       // items in a queue
  SemaphoreValue,   // permits left
  BarrierArrivals,  // arrived in the current generation
  LockWaiters,      // threads waiting for a lock
  LockReaders,      // threads holding a shared mutex shared
  LockDepth,        // a lock's depth (0: free), from its first re-entry on (until then, held means 1)
};
std::string_view series_name(SeriesKind k);  // "depth", "value", "arrivals", "waiters", "readers", "lock depth"

// A value over time: it changes at each step and holds until the next.
struct Step {
  std::uint64_t time_ns = 0;  // never less than the step before
  std::int64_t value = 0;
  std::uint64_t event = 0;    // the event that set it (index in Trace::events)

  bool operator==(const Step&) const = default;
};

// A step as three fields, for a series' packed store. The value is stored
// with its sign bit flipped: that maps int64 onto uint64 in order, so a
// block of small values, negative or not, keeps a small range (a plain
// cast would put -1 and 0 2^64 apart).
struct StepCodec {
  using Record = Step;
  static constexpr int kFields = 3;
  static constexpr unsigned kOptional = 0;
  static constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  static void split(const Step& s, std::uint64_t (&v)[3]) {
    v[0] = s.time_ns;
    v[1] = static_cast<std::uint64_t>(s.value) ^ kSign;
    v[2] = s.event;
  }
  static Step join(const std::uint64_t (&v)[3]) { return {v[0], static_cast<std::int64_t>(v[1] ^ kSign), v[2]}; }
};
// StepCodec's fields by position, for Steps::field.
inline constexpr int kStepTimeNs = 0, kStepEvent = 2;

// Packed (packed_store.hpp): a busy lock's waiter count has a step for
// about every other event, and a step's close times and indices take 4-5
// bytes there instead of 24.
using Steps = format::PackedStore<StepCodec>;

// The first step is the starting value (a semaphore's initial permits, an
// empty queue), at the object's creation when the trace has it, else at its
// first counted event. A step is kept only where the value changes.
struct Series {
  std::uint32_t object = 0;
  SeriesKind kind{};
  Steps steps;  // by event
  std::int64_t peak = 0;
  // The step in force after the first `applied` events; none before the first.
  std::optional<Step> at_event(std::uint64_t applied) const;
};

enum class AnomalyKind : std::uint8_t { HoldLost, ReleaseUnheld, GetWithoutPut, WaitUnended };
std::string_view anomaly_text(AnomalyKind k);  // one line, for people

struct Anomaly {
  std::uint64_t event = 0;  // where it shows
  std::uint32_t object = 0;
  std::uint32_t thread = 0;
  AnomalyKind kind{};
};

// How often a lock was taken: every take with a sequence number, re-entries
// and the re-acquisitions inside condition waits included (the runtime
// refuses nothing), and how many of those had to wait first.
struct Takes {
  std::uint64_t acquisitions = 0;
  std::uint64_t contended = 0;
};

struct ObjectState {
  HoldStore holds;                  // by acquisition
  std::vector<Series> series;       // by object, then kind
  std::vector<Anomaly> anomalies;   // in trace order
  std::vector<Takes> takes;         // by object id; zero for what is not a lock
};

}  // namespace weft::analysis
