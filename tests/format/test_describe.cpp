// The words `weft dump` prints and the viewer shows on hover. Users read and
// grep these, so the exact text is the contract.
#include <catch2/catch.hpp>

#include <csignal>
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
                                "barrier", "event", "queue", "timer", "thread_pool", "future", "shared", "shared_mutex"};
  for (unsigned k = 1; k <= 14; ++k) CHECK(object_kind_name(static_cast<ObjectKind>(k)) == object_kinds[k - 1]);
  CHECK(object_kind_name(static_cast<ObjectKind>(0)).empty());
  CHECK(object_kind_name(static_cast<ObjectKind>(15)).empty());

  CHECK(wake_reason_name(0) == "notified");
  CHECK(wake_reason_name(1) == "timeout");
  CHECK(wake_reason_name(2) == "spurious");
  CHECK(wake_reason_name(3) == "unknown");

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
