// What each event kind means, in one small vocabulary that every reader of a
// trace interprets instead of keeping its own copy of the rules (the way
// ThreadSanitizer maps every primitive onto acquire and release of a sync
// address). The table itself is kind_meanings.def, one row per kind; this
// header gives its columns and the helpers for packed arguments.
//
// A kind's meaning has seven independent columns, each optional:
//   wait   : the event begins or ends a blocking wait, and on what (cause)
//   sync   : it releases into or acquires from a sync key (happens-before,
//            causal edges): key = (object, channel, sub-key)
//   hold   : it takes or drops a hold of a lock (exclusive or shared)
//   counter: it moves the value an object counts (queue depth, semaphore
//            value, barrier arrivals)
//   access : it reads or writes a shared variable (race detection)
//   life   : it starts or ends the thread that records it
//   point  : it is an instant worth showing on its own (marks, logs,
//            notifications, the runtime's own news)
// Each role carries a `When`: a test on the event's own fields saying
// whether the role applies to this occurrence (a refused unlock carries no
// sequence number and released nothing; a wait that timed out acquired
// nothing).
//
// Every kind in event_kinds.def must have a row: a kind left out does not
// compile (see the static_asserts below).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "weft/format/schema.hpp"
#include "weft/format/trace.hpp"

namespace weft::format {

// What a blocked thread waits for.
enum class WaitCause : std::uint8_t {
  Lock,        // an exclusive hold of a mutex
  LockShared,  // a shared hold of a shared mutex
  Condition,
  Semaphore,
  Barrier,
  Event,
  QueuePut,    // room in a bounded queue
  QueueGet,    // an item
  QueueJoin,   // every task of a queue done
  Join,        // a thread's end
  Future,      // a task's result
  Sleep,
  Process,     // a child process's end
  PipeRecv,    // a message on a pipe
  Atomic,      // a word of memory to change (std::latch, std::atomic::wait, ...)
};
inline constexpr unsigned kWaitCauseCount = 15;
std::string_view wait_cause_name(WaitCause c);  // "lock", "shared lock", "condition", ...
// A wait for a lock, exclusive or shared.
constexpr bool is_lock_wait(WaitCause c) { return c == WaitCause::Lock || c == WaitCause::LockShared; }

// Whether a role applies to one occurrence of its kind.
enum class When : std::uint8_t {
  Always,
  Sequenced,  // the event has a sequence number: the operation took place (refused ones are recorded without)
  Succeeded,  // arg != 0: joined, set, done, cancelled in time
  Notified,   // arg == WakeReason::Notified: woken by a notification, not a timeout
  Permitted,  // not flagged NotOwner: the runtime did not refuse it (a condition wait without its lock)
  NotSelf,    // arg is not the recording thread's own id (joining oneself is refused)
};

enum class WaitOp : std::uint8_t { None, Begins, Ends };
struct WaitRole {
  WaitOp op = WaitOp::None;
  WaitCause cause{};
  When when = When::Always;
};

// The independent orders an object can carry. Each channel also says which
// release a causal edge starts from (see analysis/causality.cpp):
//   Lock, Notify, Set, TaskDone, Start, Arrival: the latest release;
//   Finish: the first (whatever settles a future first released its waiters);
//   Permit: the release whose permit the acquire took (first in, first out);
//   Item:   the put of the very item got (consumed by its get).
enum class Channel : std::uint8_t {
  Lock,      // mutex: unlock -> the next lock (both sides of a shared mutex)
  Notify,    // condition: notify -> a wake by notification
  Permit,    // semaphore: release -> acquire
  Arrival,   // barrier: the arrivals of a generation -> its departures; sub-key: the generation
  Set,       // event: set -> a wait (or is_set) that saw it set
  Item,      // queue: put -> the get of the same item; sub-key: the item id
  TaskDone,  // queue: task_done -> join
  Start,     // thread create -> start, pool submit -> task start, timer start -> fire
  Finish,    // thread end -> join, task end (or cancel) -> result and callbacks
};
inline constexpr unsigned kChannelCount = 9;

// Which release on a key a causal edge to an acquire starts from (the
// comment on Channel says why each channel has its rule).
enum class EdgeSource : std::uint8_t { Latest, First, Permit, Consumed };
constexpr EdgeSource edge_source(Channel c) {
  switch (c) {
    case Channel::Finish: return EdgeSource::First;
    case Channel::Permit: return EdgeSource::Permit;
    case Channel::Item: return EdgeSource::Consumed;
    case Channel::Lock:
    case Channel::Notify:
    case Channel::Arrival:
    case Channel::Set:
    case Channel::TaskDone:
    case Channel::Start: return EdgeSource::Latest;
  }
  return EdgeSource::Latest;
}

enum class SyncOp : std::uint8_t { None, Releases, Acquires };
struct SyncRole {
  SyncOp op = SyncOp::None;
  Channel channel{};
  When when = When::Always;
  bool object_in_arg = false;  // the key's object is the event's arg (pool.submit names its task), not its object
};

// Holds of locks. arg: the depth after the operation (exclusive, recursive
// mutexes count re-entries) or the number of shared holders after it.
// Every hold role applies to sequenced events only.
enum class HoldOp : std::uint8_t { None, Takes, Drops, TakesShared, DropsShared };

// What an event does to the value its object counts. Applies to sequenced
// events only, except `Zeroes` (a broken barrier departure has no sequence
// number, and its generation is over all the same).
enum class CounterOp : std::uint8_t {
  None,
  Increments,      // queue put: one item more
  Decrements,      // queue get: one item fewer
  SetsToArg,       // semaphore acquired/released: arg is the value after
  SetsToArrivals,  // barrier arrive: arrival index + 1 arrived in this generation
  Zeroes,          // barrier leave, abort, reset: the generation is over
};

// Plain memory accesses to a shared variable, for race detection.
enum class AccessOp : std::uint8_t { None, Reads, Writes };

enum class LifeOp : std::uint8_t { None, Starts, Ends };

// Instants a timeline shows on their own.
enum class PointKind : std::uint8_t { None, Mark, Log, Notify, Runtime };

struct Meaning {
  WaitRole wait;
  SyncRole sync;
  HoldOp hold = HoldOp::None;
  CounterOp counter = CounterOp::None;
  AccessOp access = AccessOp::None;
  LifeOp life = LifeOp::None;
  PointKind point = PointKind::None;
  bool classified = false;  // set for every row of kind_meanings.def
};

// Role builders, so that a row of the table reads as a sentence.
constexpr WaitRole begins_wait(WaitCause c, When w = When::Always) { return {WaitOp::Begins, c, w}; }
constexpr WaitRole ends_wait(WaitCause c) { return {WaitOp::Ends, c, When::Always}; }
constexpr SyncRole releases(Channel ch, When w = When::Always) { return {SyncOp::Releases, ch, w, false}; }
constexpr SyncRole acquires(Channel ch, When w = When::Always) { return {SyncOp::Acquires, ch, w, false}; }
constexpr SyncRole releases_for_arg(Channel ch) { return {SyncOp::Releases, ch, When::Always, true}; }

// The rows name only the columns they fill; the others keep their default
// member initializers, which is what g++'s -Wmissing-field-initializers
// (wrongly, for designated initializers) warns about.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace meaning_detail {
inline constexpr std::array<Meaning, kMaxKindCode + 1> kTable = [] {
  std::array<Meaning, kMaxKindCode + 1> t{};
#define WEFT_KIND_MEANING(kind, ...) \
  t[static_cast<std::uint8_t>(EventKind::kind)] = Meaning{__VA_ARGS__}; \
  t[static_cast<std::uint8_t>(EventKind::kind)].classified = true;
#include "weft/format/kind_meanings.def"
#undef WEFT_KIND_MEANING
  return t;
}();
}  // namespace meaning_detail

// A kind this build does not know (a newer trace) means nothing: every
// role None, so readers skip it.
constexpr const Meaning& meaning(EventKind kind) {
  return meaning_detail::kTable[static_cast<std::uint8_t>(kind) & kMaxKindCode];
}

// Every kind of event_kinds.def has its row.
#define WEFT_EVENT_KIND(name, code, text, layout)                                   \
  static_assert(meaning_detail::kTable[code].classified,                             \
                "event kind " #name " has no row in weft/format/kind_meanings.def");
#include "weft/format/event_kinds.def"
#undef WEFT_EVENT_KIND

constexpr bool applies(When w, const Event& e) {
  switch (w) {
    case When::Always: return true;
    case When::Sequenced: return e.seq != kNoSeq;
    case When::Succeeded: return e.arg != 0;
    case When::Notified: return e.arg == static_cast<std::uint64_t>(WakeReason::Notified);
    case When::Permitted: return !(e.flags & kFlagNotOwner);
    case When::NotSelf: return e.arg != e.thread;
  }
  return false;
}

// Barrier positions: arg of barrier.arrive and barrier.leave.
constexpr std::uint64_t barrier_position(std::uint32_t generation, std::uint32_t index) {
  return std::uint64_t{generation} << 32 | index;
}
constexpr std::uint32_t barrier_generation(std::uint64_t arg) { return static_cast<std::uint32_t>(arg >> 32); }
constexpr std::uint32_t barrier_index(std::uint64_t arg) { return static_cast<std::uint32_t>(arg & 0xffffffffu); }

// process.join.end's arg: the wait status of a child that was joined (a
// join that timed out records 0).
constexpr std::uint64_t process_joined(int wait_status) {
  return std::uint64_t{1} << 32 | static_cast<std::uint32_t>(wait_status);
}
constexpr int process_wait_status(std::uint64_t arg) { return static_cast<int>(static_cast<std::uint32_t>(arg)); }

// pipe.recv.failed's arg, and pipe.close's.
enum class PipeFailure : std::uint8_t { Timeout = 0, EndOfFile = 1, Closed = 2 };
enum class PipeEnd : std::uint8_t { Both = 0, Read = 1, Write = 2 };

// What an object kind is, for the readers that need more than its events.
struct ObjectMeaning {
  bool lock = false;          // takes holds (mutex, recursive mutex, shared mutex)
  bool reentrant = false;     // its holder may take it again (recursive mutex)
  bool counted = false;       // has a counter: queue depth, semaphore value, barrier arrivals
  bool initial_from_extra = false;  // the counter starts at the object's `extra` (a semaphore's initial value)
  std::string_view counter_name;    // "depth", "value", "arrivals"
};
constexpr ObjectMeaning object_meaning(ObjectKind k) {
  switch (k) {
    case ObjectKind::Mutex:
    case ObjectKind::SharedMutex: return {.lock = true};
    case ObjectKind::RecursiveMutex: return {.lock = true, .reentrant = true};
    case ObjectKind::Queue: return {.counted = true, .counter_name = "depth"};
    case ObjectKind::Semaphore:
    case ObjectKind::BoundedSemaphore: return {.counted = true, .initial_from_extra = true, .counter_name = "value"};
    case ObjectKind::Barrier: return {.counted = true, .counter_name = "arrivals"};
    case ObjectKind::Thread:
    case ObjectKind::Condition:
    case ObjectKind::Event:
    case ObjectKind::Timer:
    case ObjectKind::ThreadPool:
    case ObjectKind::Future:
    case ObjectKind::Shared:
    case ObjectKind::Process:
    case ObjectKind::Pipe:
    case ObjectKind::AtomicWord: return {};
  }
  return {};  // a kind from a newer trace
}

#pragma GCC diagnostic pop

}  // namespace weft::format
