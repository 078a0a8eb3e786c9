// Encode -> load_trace keeps every field exactly: META, the kind table,
// threads, objects, sites, events (flags, sequence or none, full-width args,
// texts, time deltas in both directions) and END.
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;
using K = EventKind;

namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint8_t kAllFlags =
    kFlagContended | kFlagTry | kFlagTimed | kFlagCondition | kFlagTextTruncated | kFlagNotOwner;

// One object of every kind: id = kind code (1..13), so id 1 is a thread and
// id 2 a mutex; id 14 is the worker thread's object.
TraceBuilder every_field_trace(const MetaFields& meta) {
  TraceBuilder b;
  b.meta(meta).kinds().clock(1000, 0);
  ByteWriter& w = b.begin(ChunkType::Object);
  for (std::uint32_t id = 1; id <= 13; ++id) {
    const std::string name = "object " + std::to_string(id);
    encode_object(w, ObjectRecord{id, static_cast<ObjectKind>(id), static_cast<std::uint8_t>(id * 3), id % 3, id % 2,
                                  id == 10 ? kMax64 : id * 1000, id == 13 ? std::string_view() : name});
  }
  encode_object(w, ObjectRecord{14, ObjectKind::Thread, 0, 2, 0, 0, "worker"});
  b.finish();
  b.sites({{1, 0, "", ""}, {2, std::numeric_limits<std::uint32_t>::max(), "/abs/path/to/file.cpp", "void f(int) [T = int]"}});
  b.threads({{0, 7, 0, 1, kThreadMain | kThreadAdopted, "main"},
             {1, kMax64, 1, 14, kThreadDaemon, "worker"}});
  b.events(0, {ev(K::ThreadStart, 1000, 1, 0, 7, 0),
               text_ev(K::Mark, 1500, "hello", 0, 2),
               ev(K::MutexAcquired, 1400, 2, kNoSeq - 1, kMax64, 2, kAllFlags),  // time goes back 100
               text_ev(K::Log, 1400, "hello", 0, 1),                             // same text: deduplicated
               ev(K::MutexReleased, 1450, 2, kNoSeq, 0, 1),                      // a sequenced kind without seq
               ev(K::ThreadCreate, 2000, 14, 0, 1, 1),
               text_ev(K::ThreadRename, 2100, "boss", 1, 1),
               text_ev(K::UncaughtException, 2200, "", 0, 0),
               ev(K::ProcessSignal, 2300, 0, kNoSeq, 11, 0, kFlagNotOwner),
               ev(K::TraceDropped, 2300, 0, kNoSeq, 3, 0)});
  b.events(1, {ev(K::ThreadStart, 1'000'000'001'000, 14, 1, kMax64, 2),
               text_ev(K::ThreadRename, 1'000'000'002'000, "w-1", 14, 2),
               text_ev(K::ThreadRename, 1'000'000'003'000, "w-2", 14, 2),
               ev(K::MutexTryFailed, 5, 2, kNoSeq, 0, 2, kFlagTry),  // before the start: time 0
               ev(K::ThreadEnd, 1'000'000'004'000, 14, 2, 0, 2)});
  b.index().end(EndReason::Signal, 11, 3);
  return b;
}

}  // namespace

TEST_CASE("round trip: META fields survive exactly", "[roundtrip]") {
  MetaFields meta;
  meta.program = "round trip \xe2\x9c\x93";  // UTF-8 is just bytes
  meta.command_line = {"/bin/prog", "", "with space", std::string(300, 'a')};
  meta.pid = kMax64;
  meta.start_wall_ns = 1'234'567'890'123'456'789ull;
  meta.clock_name = "steady";
  meta.ticks_per_second = 1e9;
  meta.start_ticks = 1000;
  meta.weft_version = "9.8.7";
  meta.hostname = "";
  TempDir dir;
  const Trace t = dir.load(every_field_trace(meta).bytes());

  CHECK(t.info.program == meta.program);
  CHECK(t.info.command_line == meta.command_line);
  CHECK(t.info.pid == kMax64);
  CHECK(t.info.start_wall_ns == meta.start_wall_ns);
  CHECK(t.info.clock_name == "steady");
  CHECK(t.info.ticks_per_second == 1e9);
  CHECK(t.info.start_ticks == 1000);
  CHECK(t.info.weft_version == "9.8.7");
  CHECK(t.info.hostname.empty());
}

TEST_CASE("round trip: the kind table is the one the file was written with", "[roundtrip]") {
  TempDir dir;
  const Trace t = dir.load(every_field_trace({}).bytes());
  REQUIRE(t.kinds.size() == kMaxKindCode + 1);
  for (unsigned code = 0; code <= kMaxKindCode; ++code) {
    const KindInfo& builtin = builtin_kind(static_cast<std::uint8_t>(code));
    INFO("code " << code);
    CHECK(t.kinds[code].name == builtin.name);
    CHECK(t.kinds[code].layout == builtin.layout);
  }
  CHECK(t.kind_name(K::MutexAcquired) == "mutex.acquired");
  CHECK(t.kind_name(K::UncaughtException) == "process.uncaught_exception");
}

TEST_CASE("round trip: threads, objects and sites survive exactly", "[roundtrip]") {
  TempDir dir;
  const Trace t = dir.load(every_field_trace({}).bytes());

  REQUIRE(t.threads.size() == 2);
  const ThreadInfo& main = t.thread(0);
  CHECK(main.id == 0);
  CHECK(main.os_tid == 7);
  CHECK_FALSE(main.parent.has_value());  // parent 0 on disk: unknown
  CHECK(main.object == 1);
  CHECK(main.flags == (kThreadMain | kThreadAdopted));
  const ThreadInfo& worker = t.thread(1);
  CHECK(worker.id == 1);
  CHECK(worker.os_tid == kMax64);
  REQUIRE(worker.parent.has_value());
  CHECK(*worker.parent == 0);  // stored as parent id + 1
  CHECK(worker.object == 14);
  CHECK(worker.flags == kThreadDaemon);

  // Slot 0 stands for "no object"; ids are indices.
  REQUIRE(t.objects.size() == 15);
  for (std::uint32_t id = 1; id <= 13; ++id) {
    INFO("object " << id);
    const ObjectInfo& o = t.object(id);
    CHECK(o.id == id);
    CHECK(o.kind == static_cast<ObjectKind>(id));
    CHECK(o.flags == id * 3);
    CHECK(o.site == id % 3);
    CHECK(o.creator == id % 2);
    CHECK(o.extra == (id == 10 ? kMax64 : id * 1000));
    CHECK(o.name == (id == 13 ? std::string() : "object " + std::to_string(id)));
  }
  CHECK(t.object(14).name == "worker");

  REQUIRE(t.sites.size() == 3);
  CHECK(t.site(1).id == 1);
  CHECK(t.site(1).line == 0);
  CHECK(t.site(1).file.empty());
  CHECK(t.site(1).function.empty());
  CHECK(t.site(2).line == std::numeric_limits<std::uint32_t>::max());
  CHECK(t.site(2).file == "/abs/path/to/file.cpp");
  CHECK(t.site(2).function == "void f(int) [T = int]");
}

TEST_CASE("round trip: every event field survives, in program order per thread", "[roundtrip]") {
  TempDir dir;
  const TraceBuilder b = every_field_trace({});
  const Trace t = dir.load(b.bytes());
  REQUIRE(t.events.size() == b.event_count());
  CHECK(shown_events_of(t, 0) == shown(b.events_of(0)));
  CHECK(shown_events_of(t, 1) == shown(b.events_of(1)));

  // Times: steady clock (1 tick = 1 ns), relative to start_ticks = 1000;
  // a reading before the start clamps to 0.
  std::vector<std::uint64_t> t0, t1;
  for (const Event& e : t.events) (e.thread == 0 ? t0 : t1).push_back(e.time_ns);
  CHECK(t0 == std::vector<std::uint64_t>{0, 500, 400, 400, 450, 1000, 1100, 1200, 1300, 1300});
  CHECK(t1 == std::vector<std::uint64_t>{1'000'000'000'000, 1'000'000'001'000, 1'000'000'002'000, 0,
                                         1'000'000'003'000});

  // The extremes, field by field.
  const auto find = [&](K kind, std::uint32_t thread) -> Event {
    for (const Event& e : t.events)
      if (e.kind == kind && e.thread == thread) return e;
    FAIL("no " << kind_name(kind) << " on thread " << thread);
    return t.events.front();
  };
  const Event& acquired = find(K::MutexAcquired, 0);
  CHECK(acquired.seq == kNoSeq - 1);
  CHECK(acquired.arg == kMax64);
  CHECK(acquired.flags == kAllFlags);
  CHECK(acquired.object == 2);
  CHECK(acquired.site == 2);
  CHECK(find(K::MutexReleased, 0).seq == kNoSeq);
  CHECK(find(K::ThreadStart, 1).arg == kMax64);
  CHECK(find(K::ProcessSignal, 0).flags == kFlagNotOwner);
  CHECK(find(K::TraceDropped, 0).arg == 3);
}

TEST_CASE("round trip: texts are deduplicated and reachable from their events", "[roundtrip]") {
  TempDir dir;
  const Trace t = dir.load(every_field_trace({}).bytes());
  // First appearance order; "hello" (a mark and a log) stored once.
  CHECK(t.texts == std::vector<std::string>{"hello", "boss", "", "w-1", "w-2"});
  std::vector<std::uint64_t> hello_args;
  for (const Event& e : t.events) {
    if (t.text(e) == "hello") hello_args.push_back(e.arg);
    if (e.kind == K::ProcessSignal) CHECK(t.text(e).empty());  // not a text kind: arg is a number
  }
  CHECK(hello_args == std::vector<std::uint64_t>{0, 0});
}

TEST_CASE("round trip: thread.rename events give threads their latest name", "[roundtrip]") {
  TempDir dir;
  const Trace t = dir.load(every_field_trace({}).bytes());
  CHECK(t.thread(0).name == "boss");
  CHECK(t.thread(1).name == "w-2");  // two renames: the later one wins
}

TEST_CASE("round trip: END record and what it implies", "[roundtrip]") {
  TempDir dir;
  const TraceBuilder b = every_field_trace({});
  const Trace t = dir.load(b.bytes());
  REQUIRE(t.end.has_value());
  CHECK(t.end->reason == EndReason::Signal);
  CHECK(t.end->status == 11);
  CHECK(t.end->events == b.event_count());
  CHECK(t.end->dropped == 3);
  CHECK(t.end->index_offset == b.index_offset());
  CHECK_FALSE(t.truncated);
  // The only warning: the runtime's own count of dropped events.
  CHECK(t.warnings == std::vector<std::string>{"3 events were dropped by the runtime (buffers full)"});
}

TEST_CASE("round trip: a clean trace loads without warnings", "[roundtrip]") {
  TempDir dir;
  const TraceBuilder b = sample_trace();
  const Trace t = dir.load(b.bytes());
  CHECK(t.warnings.empty());
  CHECK_FALSE(t.truncated);
  CHECK(t.order.fallbacks == 0);
  CHECK(t.events.size() == b.event_count());
  CHECK(shown_events_of(t, 0) == shown(b.events_of(0)));
  CHECK(shown_events_of(t, 1) == shown(b.events_of(1)));
}

TEST_CASE("round trip: events split over many small chunks keep their order and times", "[roundtrip]") {
  // 128-byte event chunks: a handful of events each, so the time base is
  // re-established at every chunk start. (The encoder reserves the largest
  // possible event, 52 bytes, before each add.)
  std::vector<EventRecord> records;
  std::uint64_t ticks = 5000;
  for (std::uint64_t i = 0; i < 200; ++i) {
    ticks = i % 7 == 3 ? ticks - 40 : ticks + 1 + i * 13;  // sometimes backwards
    records.push_back(ev(K::MutexAcquired, ticks, 1, i, i, 1, static_cast<std::uint8_t>(i % 2)));
  }
  TraceBuilder b(128);
  b.meta().kinds();
  b.objects({{1, ObjectKind::Mutex, 0, 0, 0, 0, "m"}});
  b.sites({{1, 1, "a.cpp", "f"}});
  b.threads({{0, 1, 0, 0, 0, "main"}});
  b.events(0, records);
  b.index().end();
  REQUIRE(b.event_chunks().size() > 20);

  TempDir dir;
  const Trace t = dir.load(b.bytes());
  REQUIRE(t.events.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("event " << i);
    CHECK(t.events[i].seq == i);
    CHECK(t.events[i].arg == i);
    CHECK(t.events[i].time_ns == records[i].ticks - 1000);  // start_ticks 1000, 1 ns per tick
  }
}
