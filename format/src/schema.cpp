#include "weft/format/schema.hpp"

#include "weft/format/meaning.hpp"

#include <array>

namespace weft::format {
namespace {

constexpr std::array<KindInfo, kMaxKindCode + 1> make_kind_table() {
  std::array<KindInfo, kMaxKindCode + 1> t{};
#define WEFT_EVENT_KIND(name, code, text, layout) \
  static_assert((code) > 0 && (code) <= kMaxKindCode); \
  static_assert(!(((layout) & kLayoutArg) && ((layout) & kLayoutText)), "text kinds keep their text in arg"); \
  t[code] = KindInfo{text, static_cast<std::uint8_t>(layout)};
#include "weft/format/event_kinds.def"
#undef WEFT_EVENT_KIND
  return t;
}

constexpr auto kKinds = make_kind_table();

}  // namespace

const KindInfo& builtin_kind(std::uint8_t code) {
  static constexpr KindInfo kUnknown{};
  return code <= kMaxKindCode ? kKinds[code] : kUnknown;
}

std::string_view kind_name(EventKind kind) { return builtin_kind(static_cast<std::uint8_t>(kind)).name; }

std::string_view chunk_type_name(std::uint32_t type) {
  switch (static_cast<ChunkType>(type)) {
    case ChunkType::Meta: return "META";
    case ChunkType::Kinds: return "KIND";
    case ChunkType::Thread: return "THRD";
    case ChunkType::Object: return "OBJT";
    case ChunkType::Site: return "SITE";
    case ChunkType::Clock: return "CLCK";
    case ChunkType::Events: return "EVTS";
    case ChunkType::Index: return "INDX";
    case ChunkType::End: return "END";
    case ChunkType::Module: return "MODL";
    case ChunkType::Address: return "ADDR";
    case ChunkType::Schedule: return "SCHD";
    case ChunkType::SharedKey: return "SKEY";
  }
  return {};
}

std::string_view object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Thread: return "thread";
    case ObjectKind::Mutex: return "mutex";
    case ObjectKind::RecursiveMutex: return "recursive_mutex";
    case ObjectKind::Condition: return "condition";
    case ObjectKind::Semaphore: return "semaphore";
    case ObjectKind::BoundedSemaphore: return "bounded_semaphore";
    case ObjectKind::Barrier: return "barrier";
    case ObjectKind::Event: return "event";
    case ObjectKind::Queue: return "queue";
    case ObjectKind::Timer: return "timer";
    case ObjectKind::ThreadPool: return "thread_pool";
    case ObjectKind::Future: return "future";
    case ObjectKind::Shared: return "shared";
    case ObjectKind::SharedMutex: return "shared_mutex";
    case ObjectKind::Process: return "process";
    case ObjectKind::Pipe: return "pipe";
    case ObjectKind::AtomicWord: return "atomic";
  }
  return {};
}

std::string_view wake_reason_name(std::uint64_t reason) {
  switch (reason) {
    case std::uint64_t(WakeReason::Notified): return "notified";
    case std::uint64_t(WakeReason::Timeout): return "timeout";
    case std::uint64_t(WakeReason::Spurious): return "spurious";
  }
  return "unknown";
}

std::string_view atomic_wait_result_name(std::uint64_t result) {
  switch (result) {
    case std::uint64_t(AtomicWaitResult::Woken): return "woken";
    case std::uint64_t(AtomicWaitResult::Timeout): return "timeout";
    case std::uint64_t(AtomicWaitResult::Changed): return "value already changed";
    case std::uint64_t(AtomicWaitResult::Interrupted): return "interrupted";
  }
  return "unknown";
}

std::string_view end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::Exit: return "exit";
    case EndReason::Signal: return "signal";
    case EndReason::UncaughtException: return "uncaught exception";
    case EndReason::Watchdog: return "stopped by the watchdog";
  }
  return "unknown";
}

std::string_view wait_cause_name(WaitCause c) {
  switch (c) {
    case WaitCause::Lock: return "lock";
    case WaitCause::LockShared: return "shared lock";
    case WaitCause::Condition: return "condition";
    case WaitCause::Semaphore: return "semaphore";
    case WaitCause::Barrier: return "barrier";
    case WaitCause::Event: return "event";
    case WaitCause::QueuePut: return "queue put";
    case WaitCause::QueueGet: return "queue get";
    case WaitCause::QueueJoin: return "queue join";
    case WaitCause::Join: return "join";
    case WaitCause::Future: return "future";
    case WaitCause::Sleep: return "sleep";
    case WaitCause::Process: return "process join";
    case WaitCause::PipeRecv: return "pipe receive";
    case WaitCause::Atomic: return "atomic wait";
  }
  return "?";
}

}  // namespace weft::format
