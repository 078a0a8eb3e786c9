// The weft trace format: constants shared by the writer (tracer) and the
// reader. A .weft file is a 16-byte file header followed by chunks:
//
//   file header : magic[8] | u16 major | u16 minor | u32 reserved (0)
//   chunk       : u32 type | u32 payload length | u32 crc32c(payload)
//                 | u32 crc32c(first 12 header bytes) | payload
//
// Integers are little-endian; inside payloads most are LEB128 varints.
// A chunk is written with one write(2), so a killed program leaves at most
// one torn chunk at the end: the reader stops there and says so. Any other
// damage (bad magic, bad checksum, a field running off its chunk) is an
// error, never a guess.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace weft::format {

inline constexpr unsigned char kMagic[8] = {0x89, 'W', 'E', 'F', 'T', '\r', '\n', 0x1a};
inline constexpr std::uint16_t kVersionMajor = 1;  // readers refuse other majors
inline constexpr std::uint16_t kVersionMinor = 0;  // readers accept any minor
inline constexpr std::size_t kFileHeaderSize = 16;
inline constexpr std::size_t kChunkHeaderSize = 16;
// Far above anything the tracer writes (it keeps chunks under 1 MiB); a
// larger length is damage, not data.
inline constexpr std::uint32_t kMaxChunkPayload = 64u << 20;
// The END chunk has a fixed size and is always last in a complete file.
inline constexpr std::size_t kEndPayloadSize = 33;
inline constexpr std::size_t kEndChunkSize = kChunkHeaderSize + kEndPayloadSize;

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return std::uint32_t(std::uint8_t(s[0])) | std::uint32_t(std::uint8_t(s[1])) << 8 |
         std::uint32_t(std::uint8_t(s[2])) << 16 | std::uint32_t(std::uint8_t(s[3])) << 24;
}

enum class ChunkType : std::uint32_t {
  Meta = fourcc("META"),     // process facts, tag-length-value (MetaKey)
  Kinds = fourcc("KIND"),    // the event kind table this file was written with
  Thread = fourcc("THRD"),   // thread records
  Object = fourcc("OBJT"),   // sync object records
  Site = fourcc("SITE"),     // interned source locations
  Clock = fourcc("CLCK"),    // (ticks, monotonic ns) pairs for converting timestamps
  Events = fourcc("EVTS"),   // one thread's events, in program order
  Index = fourcc("INDX"),    // offsets of the event chunks, written at close
  End = fourcc("END "),      // the program ended and the trace is complete
  // For programs recorded unmodified (weft record): their sites and objects
  // are addresses, resolved to file:line and symbol names when the trace is
  // read, through the modules the program had loaded.
  Module = fourcc("MODL"),   // loaded modules: path, address range, build id
  Address = fourcc("ADDR"),  // (site or object, id, address) entries
  // A run made by the controlled scheduler (weft explore): its strategy,
  // seed and decisions (schedule.hpp), before the END record.
  Schedule = fourcc("SCHD"),
  // Objects one process shares with others of its run (a process, a pipe, a
  // process-shared mutex, ...): (object id, run-wide key) entries, after the
  // records they annotate. Readers of a run merge objects of one key.
  SharedKey = fourcc("SKEY"),
};

// What an ADDR entry gives an address to.
enum class AddressOf : std::uint8_t {
  Site = 1,    // a return address: the site is the call just before it
  Object = 2,  // a sync object's address in the program's memory
};

std::string_view chunk_type_name(std::uint32_t type);  // "META", or "" if unknown

// Which fields an event of a kind carries on disk, after its kind byte (and
// its flags byte when the kind byte's high bit is set) and its time delta.
enum : std::uint8_t {
  kLayoutObject = 1 << 0,  // varint object id
  kLayoutSeq = 1 << 1,     // varint (per-object sequence + 1), 0 = none
  kLayoutArg = 1 << 2,     // varint argument
  kLayoutText = 1 << 3,    // varint length + bytes
  kLayoutAll = kLayoutObject | kLayoutSeq | kLayoutArg | kLayoutText,
};
// Every event also carries its site (varint), always.

inline constexpr std::uint8_t kKindFlagsFollow = 0x80;  // on disk: a flags byte follows the kind byte
inline constexpr unsigned kMaxKindCode = 0x7f;

enum class EventKind : std::uint8_t {
#define WEFT_EVENT_KIND(name, code, text, layout) name = code,
#include "weft/format/event_kinds.def"
#undef WEFT_EVENT_KIND
};

struct KindInfo {
  std::string_view name;  // empty: unknown to this build
  std::uint8_t layout = 0;
};

// The layouts of the kinds this build knows, by code, inline: the writer
// looks one up for every event it encodes.
inline constexpr auto kKindLayouts = [] {
  std::array<std::uint8_t, kMaxKindCode + 1> t{};
#define WEFT_EVENT_KIND(name, code, text, layout) t[code] = static_cast<std::uint8_t>(layout);
#include "weft/format/event_kinds.def"
#undef WEFT_EVENT_KIND
  return t;
}();
inline std::uint8_t kind_layout(std::uint8_t code) noexcept { return kKindLayouts[code & kMaxKindCode]; }
// The kinds this build knows; unknown codes give an empty name.
const KindInfo& builtin_kind(std::uint8_t code);
std::string_view kind_name(EventKind kind);

// Per-event flags (one byte, written only when non-zero).
enum EventFlag : std::uint8_t {
  kFlagContended = 1 << 0,     // the operation had to wait
  kFlagTry = 1 << 1,           // a non-blocking attempt (try_lock, ...)
  kFlagTimed = 1 << 2,         // an attempt with a timeout
  kFlagCondition = 1 << 3,     // a mutex released/re-acquired by a condition wait
  kFlagTextTruncated = 1 << 4, // the text was longer than the runtime keeps
  kFlagNotOwner = 1 << 5,      // released by a thread that does not hold it (misuse)
  kFlagRejected = 1 << 6,      // refused as an error: over-release, task_done too often, ...
  kFlagBroken = 1 << 7,        // a barrier wait that ended with the barrier broken
};

enum class TaskOutcome : std::uint8_t { Returned = 0, Threw = 1, Cancelled = 2 };

enum class ObjectKind : std::uint8_t {
  Thread = 1,
  Mutex = 2,
  RecursiveMutex = 3,
  Condition = 4,
  Semaphore = 5,
  BoundedSemaphore = 6,
  Barrier = 7,
  Event = 8,
  Queue = 9,
  Timer = 10,
  ThreadPool = 11,
  Future = 12,
  Shared = 13,
  SharedMutex = 14,  // std::shared_mutex: exclusive (mutex.*) and shared (mutex.*_shared) holds
  Process = 15,      // a child process: spawn -> start, exit -> join
  Pipe = 16,         // messages between processes: send -> receive of the same message
  AtomicWord = 17,   // a word of memory threads wait on to change (a futex: std::latch, std::atomic::wait, ...)
};
std::string_view object_kind_name(ObjectKind kind);  // "mutex", or "" if unknown

enum class WakeReason : std::uint8_t { Notified = 0, Timeout = 1, Spurious = 2 };
std::string_view wake_reason_name(std::uint64_t reason);

// How a wait on an atomic word ended (atomic.wait.end's arg): the kernel's
// answer. Changed: the word no longer held the value the waiter expected,
// so it did not sleep at all.
enum class AtomicWaitResult : std::uint8_t { Woken = 0, Timeout = 1, Changed = 2, Interrupted = 3 };
std::string_view atomic_wait_result_name(std::uint64_t result);
// The same answer as a condition wait's wake reason: a word that had
// already changed ended the wait at once (woken by that change); an
// interrupted wait returned with nothing to show for it (spurious).
constexpr WakeReason atomic_wake_reason(std::uint64_t result) {
  if (result == std::uint64_t(AtomicWaitResult::Woken) || result == std::uint64_t(AtomicWaitResult::Changed))
    return WakeReason::Notified;
  return result == std::uint64_t(AtomicWaitResult::Timeout) ? WakeReason::Timeout : WakeReason::Spurious;
}

// Keys of the META chunk. Each entry: varint key, u8 type, value.
enum class MetaKey : std::uint8_t {
  Program = 1,          // string: program name
  Argument = 2,         // string, repeated: the command line, argv[0] first
  Pid = 3,              // uint
  StartWallNs = 4,      // uint: wall clock at start, ns since the Unix epoch
  ClockName = 5,        // string: "tsc" or "steady"
  TicksPerSecond = 6,   // f64: the runtime's first estimate
  StartTicks = 7,       // uint: clock reading at start; times are relative to it
  WeftVersion = 8,      // string
  Hostname = 9,         // string
  // A run may span processes (weft::process, weft record -f): every trace of
  // one run carries the same run id; a child's names its parent.
  RunId = 10,           // uint: the same in every process of one run
  ParentPid = 11,       // uint: the process that started this one (0: the run's first)
  ProcessName = 12,     // string: the name the program gave this process
  RunRoot = 13,         // string: the first process's trace path; the others are "<stem>.<pid>.weft" beside it
};
enum class MetaType : std::uint8_t { Uint = 0, String = 1, F64 = 2 };

enum class EndReason : std::uint8_t {
  Exit = 0,               // exit() or return from main
  Signal = 1,             // a fatal signal; status = signal number
  UncaughtException = 2,  // std::terminate; status = 0
  Watchdog = 3,           // the runtime stopped a hung or deadlocked program
};
std::string_view end_reason_name(EndReason reason);

// Thread record flags.
enum ThreadFlag : std::uint8_t {
  kThreadMain = 1 << 0,
  kThreadDaemon = 1 << 1,
  kThreadAdopted = 1 << 2,  // not started by weft::thread (main, std::thread, ...)
};

inline constexpr std::uint64_t kNoSeq = ~std::uint64_t{0};

}  // namespace weft::format
