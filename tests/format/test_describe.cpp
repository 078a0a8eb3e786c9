// The words `weft dump` prints and the viewer shows on hover. Users read and
// grep these, so the exact text is the contract.
#include <catch2/catch.hpp>

#include <csignal>
#include <set>
#include <string>

#include "weft/format/describe.hpp"
#include "weft/format/trace.hpp"
#include "weft/format/trace_file.hpp"

using namespace weft::format;
using K = EventKind;

namespace {

// Threads 0 "main", 1 "worker"; objects 1 mutex "lock_X", 2 recursive_mutex
// "rlock", 3 condition "cv"; sites 1 src/dir/file.cpp:42 (func), 2 b.cpp:7.
Trace small_trace() {
  Trace t;
  t.threads = {ThreadInfo{0, 10, std::nullopt, 0, 0, "main"}, ThreadInfo{1, 11, 0u, 0, 0, "worker"}};
  t.objects = {ObjectInfo{}, ObjectInfo{1, ObjectKind::Mutex, 0, 0, 0, 0, "lock_X"},
               ObjectInfo{2, ObjectKind::RecursiveMutex, 0, 0, 0, 0, "rlock"},
               ObjectInfo{3, ObjectKind::Condition, 0, 0, 0, 0, "cv"}};
  t.sites = {SiteInfo{}, SiteInfo{1, 42, "src/dir/file.cpp", "func"}, SiteInfo{2, 7, "b.cpp", ""}};
  t.texts = {"A", "say \"hi\"\\\nbye"};
  return t;
}

Event event(K kind, std::uint64_t arg = 0, std::uint32_t object = 0, std::uint8_t flags = 0) {
  Event e;
  e.kind = kind;
  e.arg = arg;
  e.object = object;
  e.flags = flags;
  return e;
}

}  // namespace

TEST_CASE("describe_flags names every flag, in a fixed order", "[describe]") {
  CHECK(describe_flags(0).empty());
  CHECK(describe_flags(kFlagContended) == "contended");
  CHECK(describe_flags(kFlagTry) == "try");
  CHECK(describe_flags(kFlagTimed) == "timed");
  CHECK(describe_flags(kFlagCondition) == "by-wait");
  CHECK(describe_flags(kFlagTextTruncated) == "truncated");
  CHECK(describe_flags(kFlagNotOwner) == "NOT-OWNER");  // misuse: shouts
  CHECK(describe_flags(kFlagRejected) == "REJECTED");   // misuse: shouts
  CHECK(describe_flags(kFlagBroken) == "broken");
  CHECK(describe_flags(kFlagTry | kFlagContended) == "contended,try");
  CHECK(describe_flags(0xff) == "contended,try,timed,by-wait,truncated,NOT-OWNER,REJECTED,broken");
}

TEST_CASE("describe_detail: threads", "[describe]") {
  const Trace t = small_trace();
  CHECK(describe_detail(t, event(K::ThreadCreate, 1)) == "child=worker");
  CHECK(describe_detail(t, event(K::ThreadCreate, 9)) == "child=thread 9");  // not (yet) defined
  CHECK(describe_detail(t, event(K::ThreadStart, 12345)) == "tid=12345");
  CHECK(describe_detail(t, event(K::ThreadJoinEnd, 1)) == "joined");
  CHECK(describe_detail(t, event(K::ThreadJoinEnd, 0)) == "timed out");
  CHECK(describe_detail(t, event(K::ThreadEnd)).empty());
}

TEST_CASE("describe_detail: mutexes show depth only when recursive", "[describe]") {
  const Trace t = small_trace();
  CHECK(describe_detail(t, event(K::MutexAcquired, 1, 1)).empty());
  CHECK(describe_detail(t, event(K::MutexAcquired, 2, 2)) == "depth=2");
  CHECK(describe_detail(t, event(K::MutexReleased, 0, 2)) == "depth=0");
  CHECK(describe_detail(t, event(K::MutexAcquired, 1, 1, kFlagContended)) == "[contended]");
  CHECK(describe_detail(t, event(K::MutexAcquired, 3, 2, kFlagContended | kFlagCondition)) == "depth=3 [contended,by-wait]");
  CHECK(describe_detail(t, event(K::MutexReleased, 0, 1, kFlagNotOwner)) == "[NOT-OWNER]");
  CHECK(describe_detail(t, event(K::MutexAcquired, 1, 99)).empty());  // unknown object: no crash
}

TEST_CASE("describe_detail: conditions", "[describe]") {
  const Trace t = small_trace();
  CHECK(describe_detail(t, event(K::CondWaitBegin, 1, 3)) == "mutex=lock_X");
  CHECK(describe_detail(t, event(K::CondWaitBegin, 77, 3)) == "mutex=?");
  CHECK(describe_detail(t, event(K::CondWaitEnd, 0, 3)) == "notified");
  CHECK(describe_detail(t, event(K::CondWaitEnd, 1, 3, kFlagTimed)) == "timeout [timed]");
  CHECK(describe_detail(t, event(K::CondWaitEnd, 2, 3)) == "spurious");
  CHECK(describe_detail(t, event(K::CondWaitEnd, 3, 3)) == "unknown");
  CHECK(describe_detail(t, event(K::CondNotifyOne, 2, 3)) == "waiters=2");
  CHECK(describe_detail(t, event(K::CondNotifyAll, 0, 3)) == "waiters=0");
}

TEST_CASE("describe_detail: texts are quoted and escaped onto one line", "[describe]") {
  const Trace t = small_trace();
  CHECK(describe_detail(t, event(K::Mark, 0)) == "\"A\"");
  CHECK(describe_detail(t, event(K::Log, 1)) == "\"say \\\"hi\\\"\\\\\\nbye\"");
  CHECK(describe_detail(t, event(K::ThreadRename, 0, 0, kFlagTextTruncated)) == "\"A\" [truncated]");
  CHECK(describe_detail(t, event(K::UncaughtException, 1)).find('\n') == std::string::npos);
  CHECK(describe_detail(t, event(K::Mark, 99)) == "\"\"");  // index out of range: empty, no crash
}

TEST_CASE("describe_detail: lifetime and runtime events", "[describe]") {
  const Trace t = small_trace();
  CHECK(describe_detail(t, event(K::ObjectDestroy, 1, 1)) == "while in use");
  CHECK(describe_detail(t, event(K::ObjectDestroy, 2, 1)) == "re-initialised while in use");
  CHECK(describe_detail(t, event(K::ObjectDestroy, 0, 1)).empty());
  CHECK(describe_detail(t, event(K::ObjectCreate, 0, 1)).empty());
  CHECK(describe_detail(t, event(K::TraceDropped, 17)) == "17 events lost");
  CHECK(describe_detail(t, event(K::ProcessSignal, SIGSEGV)) == "signal 11 (SIGSEGV)");
  CHECK(describe_detail(t, event(K::ProcessSignal, SIGTERM)) == "signal 15 (SIGTERM)");
  CHECK(describe_detail(t, event(K::ProcessSignal, 1000)) == "signal 1000");
  CHECK(describe_detail(t, event(static_cast<K>(99), 5)).empty());  // a kind this build does not know
  CHECK(describe_detail(t, event(static_cast<K>(99), 5, 0, kFlagTry)) == "[try]");
}

TEST_CASE("object_label and site_label", "[describe]") {
  const Trace t = small_trace();
  CHECK(t.object_label(1) == "mutex lock_X");
  CHECK(t.object_label(2) == "recursive_mutex rlock");
  CHECK(t.object_label(3) == "condition cv");
  CHECK(t.object_label(0) == "-");
  CHECK(t.object_label(4) == "-");
  CHECK(t.site_label(1) == "file.cpp:42 (func)");  // directories dropped
  CHECK(t.site_label(2) == "b.cpp:7");             // no function: no parentheses
  CHECK(t.site_label(0) == "?");
  CHECK(t.site_label(3) == "?");
  CHECK(t.seconds(1'500'000'000) == Approx(1.5));
}

TEST_CASE("a label does not repeat the kind a name already says, an unsymbolized address site shows the address",
          "[describe]") {
  Trace t = small_trace();
  t.objects[1].name = "mutex@worker.cpp:42";  // as weft record names a heap mutex
  CHECK(t.object_label(1) == "mutex@worker.cpp:42");
  t.objects[2].name = "mutex@worker.cpp:42";  // a recursive mutex named otherwise keeps its kind
  CHECK(t.object_label(2) == "recursive_mutex mutex@worker.cpp:42");
  t.sites[2] = SiteInfo{2, 0, "", "", 0x4011a6};
  CHECK(t.site_label(2) == "0x4011a6");
  t.sites[2] = SiteInfo{2, 0, "libz.so.1+0x1234", "deflate", 0x7f0000001234};
  CHECK(t.site_label(2) == "libz.so.1+0x1234 (deflate)");  // no debug info: no line
}

TEST_CASE("names of kinds, chunk types, object kinds, wake and end reasons", "[describe]") {
  CHECK(kind_name(K::ThreadJoinBegin) == "thread.join.begin");
  CHECK(kind_name(K::CondNotifyAll) == "cond.notify_all");
  CHECK(kind_name(static_cast<K>(99)).empty());
  CHECK(builtin_kind(200).name.empty());  // beyond the table: no crash

  CHECK(chunk_type_name(fourcc("META")) == "META");
  CHECK(chunk_type_name(fourcc("END ")) == "END");
  CHECK(chunk_type_name(fourcc("ZZZZ")).empty());
  CHECK(ChunkRef{5, fourcc("ZZZZ"), 0, 0}.describe() == "chunk at byte 5");
  CHECK(ChunkRef{4096, fourcc("EVTS"), 0, 0}.describe() == "EVTS chunk at byte 4096");

  const char* object_kinds[] = {"thread", "mutex", "recursive_mutex", "condition", "semaphore", "bounded_semaphore",
                                "barrier", "event", "queue", "timer", "thread_pool", "future", "shared", "shared_mutex",
                                "process", "pipe", "atomic"};
  for (unsigned k = 1; k <= 17; ++k) CHECK(object_kind_name(static_cast<ObjectKind>(k)) == object_kinds[k - 1]);
  CHECK(object_kind_name(static_cast<ObjectKind>(0)).empty());
  CHECK(object_kind_name(static_cast<ObjectKind>(18)).empty());
  CHECK(chunk_type_name(fourcc("SKEY")) == "SKEY");

  CHECK(wake_reason_name(0) == "notified");
  CHECK(wake_reason_name(1) == "timeout");
  CHECK(wake_reason_name(2) == "spurious");
  CHECK(wake_reason_name(3) == "unknown");

  CHECK(atomic_wait_result_name(0) == "woken");
  CHECK(atomic_wait_result_name(1) == "timeout");
  CHECK(atomic_wait_result_name(2) == "value already changed");
  CHECK(atomic_wait_result_name(3) == "interrupted");
  CHECK(atomic_wait_result_name(4) == "unknown");
  CHECK(atomic_wake_reason(0) == WakeReason::Notified);
  CHECK(atomic_wake_reason(1) == WakeReason::Timeout);
  CHECK(atomic_wake_reason(2) == WakeReason::Notified);  // already changed: it never slept
  CHECK(atomic_wake_reason(3) == WakeReason::Spurious);

  CHECK(end_reason_name(EndReason::Exit) == "exit");
  CHECK(end_reason_name(EndReason::Signal) == "signal");
  CHECK(end_reason_name(EndReason::UncaughtException) == "uncaught exception");
  CHECK(end_reason_name(EndReason::Watchdog) == "stopped by the watchdog");
}

TEST_CASE("the builtin kind table is exactly event_kinds.def", "[describe]") {
  unsigned listed = 0;
#define WEFT_EVENT_KIND(enumerator, kcode, ktext, klayout) \
  ++listed;                                                \
  CHECK(builtin_kind(kcode).name == ktext);                \
  CHECK(builtin_kind(kcode).layout == (klayout));          \
  CHECK(kind_name(K::enumerator) == ktext);
#include "weft/format/event_kinds.def"
#undef WEFT_EVENT_KIND
  unsigned known = 0;
  for (unsigned code = 0; code <= kMaxKindCode; ++code) {
    const KindInfo& k = builtin_kind(static_cast<std::uint8_t>(code));
    if (k.name.empty()) continue;
    ++known;
    INFO("code " << code << " " << k.name);
    CHECK(code != 0);
    CHECK(k.name.find(' ') == std::string_view::npos);
    CHECK((k.layout & ~kLayoutAll) == 0);
    // A sequence number orders events on an object: no object, no sequence.
    if (k.layout & kLayoutSeq) CHECK((k.layout & kLayoutObject));
  }
  CHECK(known == listed);  // nothing but the .def, no duplicate codes
}

// The codes a trace holds on disk, frozen: written out here as they were
// recorded (traces of 2026-12-01 carry them), not read from
// event_kinds.def, so renumbering a kind, renaming it or changing which
// fields follow it fails this test. Only ever add rows. Layout letters:
// o object, s sequence, a argument, t text.
TEST_CASE("on-disk kind codes, names and layouts are frozen", "[describe]") {
  struct Row {
    unsigned code;
    const char* name;
    const char* layout;
  };
  const Row frozen[] = {
      {  1, "thread.create", "osa"},
      {  2, "thread.start", "osa"},
      {  3, "thread.end", "os"},
      {  4, "thread.join.begin", "oa"},
      {  5, "thread.join.end", "osa"},
      {  6, "thread.detach", "o"},
      {  7, "thread.rename", "ot"},
      { 10, "mutex.lock.begin", "o"},
      { 11, "mutex.acquired", "osa"},
      { 12, "mutex.try.failed", "o"},
      { 13, "mutex.released", "osa"},
      { 14, "mutex.lock_shared.begin", "o"},
      { 15, "mutex.acquired_shared", "osa"},
      { 24, "process.spawn", "osa"},
      { 25, "process.start", "osa"},
      { 26, "process.exit", "osa"},
      { 27, "process.join.begin", "oa"},
      { 28, "process.join.end", "osa"},
      { 29, "process.terminate", "oa"},
      { 32, "pipe.send", "osa"},
      { 33, "pipe.recv.begin", "oa"},
      { 34, "pipe.recv", "osa"},
      { 35, "pipe.recv.failed", "oa"},
      { 36, "pipe.close", "oa"},
      { 37, "atomic.wait.begin", "oa"},
      { 38, "atomic.wait.end", "oa"},
      { 39, "atomic.wake", "oa"},
      { 16, "mutex.try_shared.failed", "o"},
      { 17, "mutex.released_shared", "osa"},
      { 20, "cond.wait.begin", "osa"},
      { 21, "cond.wait.end", "osa"},
      { 22, "cond.notify_one", "osa"},
      { 23, "cond.notify_all", "osa"},
      { 30, "mark", "t"},
      { 31, "log", "t"},
      { 40, "object.create", "o"},
      { 41, "object.destroy", "oa"},
      { 50, "trace.dropped", "a"},
      { 51, "process.signal", "a"},
      { 52, "process.uncaught_exception", "t"},
      { 53, "tsan.report", "t"},
      { 60, "sem.acquire.begin", "o"},
      { 61, "sem.acquired", "osa"},
      { 62, "sem.acquire.failed", "o"},
      { 63, "sem.released", "osa"},
      { 70, "barrier.arrive", "osa"},
      { 71, "barrier.leave", "osa"},
      { 72, "barrier.abort", "osa"},
      { 73, "barrier.reset", "osa"},
      { 80, "event.set", "osa"},
      { 81, "event.clear", "os"},
      { 82, "event.wait.begin", "o"},
      { 83, "event.wait.end", "osa"},
      { 84, "event.is_set", "osa"},
      { 90, "queue.put.begin", "o"},
      { 91, "queue.put", "osa"},
      { 92, "queue.put.failed", "o"},
      { 93, "queue.get.begin", "o"},
      { 94, "queue.get", "osa"},
      { 95, "queue.get.failed", "o"},
      { 96, "queue.task_done", "osa"},
      { 97, "queue.join.begin", "o"},
      { 98, "queue.join.end", "os"},
      {100, "timer.start", "osa"},
      {101, "timer.cancel", "osa"},
      {102, "timer.fire", "os"},
      {103, "timer.done", "os"},
      {110, "pool.submit", "osa"},
      {111, "task.start", "os"},
      {112, "task.end", "osa"},
      {113, "future.cancel", "osa"},
      {114, "future.wait.begin", "o"},
      {115, "future.wait.end", "osa"},
      {116, "future.callback", "os"},
      {117, "pool.shutdown.begin", "oa"},
      {118, "pool.shutdown.end", "os"},
      {120, "shared.read", "oa"},
      {121, "shared.write", "oa"},
      {125, "sleep.begin", "a"},
      {126, "sleep.end", ""},
  };
  const auto layout_of = [](const char* letters) {
    unsigned bits = 0;
    for (const char* c = letters; *c; ++c) bits |= *c == 'o' ? 1u : *c == 's' ? 2u : *c == 'a' ? 4u : *c == 't' ? 8u : 0x100u;
    return bits;
  };
  // The layout bits themselves are on disk (in every trace's KIND chunk).
  CHECK(kLayoutObject == 1);
  CHECK(kLayoutSeq == 2);
  CHECK(kLayoutArg == 4);
  CHECK(kLayoutText == 8);
  std::set<unsigned> codes;
  for (const Row& row : frozen) {
    INFO("code " << row.code << " " << row.name);
    codes.insert(row.code);
    CHECK(builtin_kind(static_cast<std::uint8_t>(row.code)).name == row.name);
    CHECK(builtin_kind(static_cast<std::uint8_t>(row.code)).layout == layout_of(row.layout));
    CHECK(kind_name(static_cast<K>(row.code)) == row.name);
  }
  // No kind beyond the frozen ones but new codes (a new row above).
  for (unsigned code = 0; code <= kMaxKindCode; ++code) {
    const KindInfo& k = builtin_kind(static_cast<std::uint8_t>(code));
    INFO("code " << code << " " << k.name);
    if (!codes.count(code)) CHECK(k.name.empty());
  }
  // Flags are on disk too, one byte.
  CHECK(kFlagContended == 1);
  CHECK(kFlagTry == 2);
  CHECK(kFlagTimed == 4);
  CHECK(kFlagCondition == 8);
  CHECK(kFlagTextTruncated == 16);
  CHECK(kFlagNotOwner == 32);
  CHECK(kFlagRejected == 64);
  CHECK(kFlagBroken == 128);
  // Enumerators the code uses by name, pinned to their codes.
  CHECK(static_cast<unsigned>(K::ThreadCreate) == 1);
  CHECK(static_cast<unsigned>(K::MutexAcquired) == 11);
  CHECK(static_cast<unsigned>(K::CondWaitEnd) == 21);
  CHECK(static_cast<unsigned>(K::Mark) == 30);
  CHECK(static_cast<unsigned>(K::TsanReport) == 53);
  CHECK(static_cast<unsigned>(K::SleepEnd) == 126);
}
