// Files whose checksums are all valid but whose content is wrong: what a
// buggy or newer writer could produce. The loader checks what the rest of
// weft relies on (ids refer to defined records, ids are dense, kinds are
// known) and refuses the rest with a one-line format_error; what a newer
// writer may legitimately add (chunk types, META keys, kinds) is skipped.
#include <catch2/catch.hpp>

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

// META, KIND, one mutex (object 1), one site (1), one thread (0).
TraceBuilder base() {
  TraceBuilder b;
  b.meta().kinds();
  b.objects({{1, ObjectKind::Mutex, 0, 1, 0, 0, "m"}});
  b.sites({{1, 7, "a.cpp", "f"}});
  b.threads({{0, 11, 0, 0, kThreadMain, "main"}});
  return b;
}

// An EVTS payload written by hand: header, then raw event bytes.
void raw_events(TraceBuilder& b, std::uint32_t thread, std::uint32_t count, std::initializer_list<unsigned char> events) {
  ByteWriter& w = b.begin(ChunkType::Events);
  w.varint(thread);
  w.u32(count);
  w.u64(2000);
  for (unsigned char c : events) w.u8(c);
  b.finish();
}

std::string load_error(const TraceBuilder& b) {
  TempDir dir;
  const std::string msg = error_of([&] { dir.load(b.bytes()); });
  CHECK(one_line(msg));
  return msg;
}

}  // namespace

TEST_CASE("validation: data after the END chunk", "[validation]") {
  TraceBuilder b = sample_trace();
  b.clock(1, 2);
  CHECK_THAT(load_error(b), Catch::Contains("CLCK chunk at byte") && Catch::Contains("data after the END chunk"));
}

TEST_CASE("validation: a few junk bytes after END load as a truncation", "[validation]") {
  // Fewer bytes than a chunk header cannot be told from a torn header, so
  // the reader reports a truncation (with END present) rather than damage.
  TraceBuilder b = sample_trace();
  const std::size_t end = b.bytes().size();
  const unsigned char junk[] = {'j', 'u', 'n', 'k', '!'};
  b.append_raw(junk);
  TempDir dir;
  const Trace t = dir.load(b.bytes());
  CHECK(t.end.has_value());
  CHECK(t.truncated);
  REQUIRE_FALSE(t.warnings.empty());
  CHECK_THAT(t.warnings.front(), Catch::Contains("at byte " + std::to_string(end)));
  // 16 or more junk bytes are a damaged chunk header.
  const unsigned char more[16] = {'m', 'o', 'r', 'e'};
  b.append_raw(more);
  CHECK_THAT(error_of([&] { dir.load(b.bytes()); }), Catch::Contains("damaged header"));
}

TEST_CASE("validation: events must refer to defined objects, sites and threads", "[validation]") {
  SECTION("undefined object") {
    TraceBuilder b = base();
    b.events(0, {ev(K::MutexAcquired, 2000, 9, 0, 1, 1)});
    CHECK_THAT(load_error(b), Catch::Contains("EVTS chunk at byte") && Catch::Contains("event object") &&
                                  Catch::Contains("refers to object 9, which the trace never defined"));
  }
  SECTION("object 0 where the kind needs an object") {
    TraceBuilder b = base();
    b.events(0, {ev(K::MutexAcquired, 2000, 0, 0, 1, 1)});
    CHECK_THAT(load_error(b), Catch::Contains("refers to object 0"));
  }
  SECTION("an object published only after the events that use it") {
    TraceBuilder b = base();
    b.events(0, {ev(K::MutexAcquired, 2000, 2, 0, 1, 1)});
    b.objects({{2, ObjectKind::Mutex, 0, 1, 0, 0, "late"}});
    CHECK_THAT(load_error(b), Catch::Contains("refers to object 2"));
  }
  SECTION("undefined site") {
    TraceBuilder b = base();
    b.events(0, {ev(K::MutexAcquired, 2000, 1, 0, 1, 7)});
    CHECK_THAT(load_error(b), Catch::Contains("event site") && Catch::Contains("refers to site 7, which the trace never defined"));
  }
  SECTION("site 0 (unknown) is always allowed") {
    TraceBuilder b = base();
    b.events(0, {ev(K::MutexAcquired, 2000, 1, 0, 1, 0)});
    TempDir dir;
    CHECK(dir.load(b.bytes()).events.at(0).site == 0);
  }
  SECTION("undefined thread") {
    TraceBuilder b = base();
    b.events(5, {ev(K::Mark, 2000)});
    CHECK_THAT(load_error(b), Catch::Contains("refers to thread 5, which the trace never defined"));
  }
  SECTION("no threads at all") {
    TraceBuilder b;
    b.meta().kinds().events(0, {ev(K::TraceDropped, 2000, 0, kNoSeq, 1)});
    CHECK_THAT(load_error(b), Catch::Contains("refers to thread 0"));
  }
}

TEST_CASE("validation: record ids must be dense and in order", "[validation]") {
  SECTION("thread ids start at 0") {
    TraceBuilder b;
    b.meta().kinds().threads({{1, 11, 0, 0, 0, "t"}});
    CHECK_THAT(load_error(b), Catch::Contains("THRD chunk at byte") && Catch::Contains("thread: id 1 out of order (expected 0)"));
  }
  SECTION("a repeated thread id, in a later chunk") {
    TraceBuilder b;
    b.meta().kinds().threads({{0, 11, 0, 0, 0, "t"}}).threads({{0, 12, 0, 0, 0, "again"}});
    CHECK_THAT(load_error(b), Catch::Contains("thread: id 0 out of order (expected 1)"));
  }
  SECTION("object ids start at 1") {
    TraceBuilder b;
    b.meta().kinds().objects({{0, ObjectKind::Mutex, 0, 0, 0, 0, "zero"}});
    CHECK_THAT(load_error(b), Catch::Contains("object: id 0 out of order (expected 1)"));
  }
  SECTION("a gap in object ids") {
    TraceBuilder b;
    b.meta().kinds().objects({{1, ObjectKind::Mutex, 0, 0, 0, 0, "a"}, {3, ObjectKind::Mutex, 0, 0, 0, 0, "c"}});
    CHECK_THAT(load_error(b), Catch::Contains("object: id 3 out of order (expected 2)"));
  }
  SECTION("site ids start at 1") {
    TraceBuilder b;
    b.meta().kinds().sites({{2, 1, "a.cpp", "f"}});
    CHECK_THAT(load_error(b), Catch::Contains("SITE chunk at byte") && Catch::Contains("site: id 2 out of order (expected 1)"));
  }
}

TEST_CASE("validation: event kinds", "[validation]") {
  SECTION("a code missing from the file's kind table") {
    TraceBuilder b = base();
    raw_events(b, 0, 1, {99, 0, 0});  // kind 99, delta 0, site 0
    CHECK_THAT(load_error(b), Catch::Contains("event kind: code 99 is not in the file's kind table"));
  }
  SECTION("code 0, and a flags bit on an unknown code") {
    TraceBuilder b = base();
    raw_events(b, 0, 1, {0, 0, 0});
    CHECK_THAT(load_error(b), Catch::Contains("code 0 is not in the file's kind table"));
    TraceBuilder c = base();
    raw_events(c, 0, 1, {0x80 | 99, kFlagTry, 0, 0});
    CHECK_THAT(load_error(c), Catch::Contains("code 99"));
  }
  SECTION("a kind unknown to this build but described by the file is decoded") {
    // A newer writer's kind: the file's table says it carries an arg.
    TraceBuilder b;
    b.meta();
    ByteWriter& w = b.begin(ChunkType::Kinds);
    encode_kind_table(w);
    w.u8(99);
    w.u8(kLayoutArg);
    w.string("gpu.sync");
    b.finish();
    b.threads({{0, 11, 0, 0, 0, "t"}});
    raw_events(b, 0, 2, {99, 0, 0, 42, static_cast<unsigned char>(K::Mark), 2, 0, 2, 'h', 'i'});
    b.end_record(EndRecord{EndReason::Exit, 0, /*events*/ 2, 0, 0});  // raw events are not counted by the builder
    TempDir dir;
    const Trace t = dir.load(b.bytes());
    REQUIRE(t.events.size() == 2);
    CHECK(static_cast<unsigned>(t.events[0].kind) == 99);
    CHECK(t.events[0].arg == 42);
    CHECK(t.kind_name(t.events[0].kind) == "unknown");
    CHECK(t.text(t.events[1]) == "hi");  // and the stream stays in step
  }
  SECTION("a known kind with a different layout is refused") {
    TraceBuilder b;
    b.meta();
    ByteWriter& w = b.begin(ChunkType::Kinds);
    w.u8(static_cast<std::uint8_t>(K::MutexAcquired));
    w.u8(kLayoutObject);
    w.string("mutex.acquired");
    b.finish();
    CHECK_THAT(load_error(b), Catch::Contains("kind mutex.acquired has a layout this build cannot read"));
  }
  SECTION("impossible kind table entries") {
    auto table = [](std::uint8_t code, std::uint8_t layout, std::string_view name) {
      TraceBuilder b;
      b.meta();
      ByteWriter& w = b.begin(ChunkType::Kinds);
      w.u8(code);
      w.u8(layout);
      w.string(name);
      b.finish();
      return load_error(b);
    };
    CHECK_THAT(table(0, 0, "zero"), Catch::Contains("kind code: out of range: 0"));
    CHECK_THAT(table(200, 0, "big"), Catch::Contains("out of range: 200"));
    CHECK_THAT(table(99, 0x30, "bits"), Catch::Contains("unknown field bits"));
    CHECK_THAT(table(99, kLayoutArg | kLayoutText, "both"), Catch::Contains("text kinds keep their text in arg"));
    CHECK_THAT(table(99, 0, ""), Catch::Contains("kind name: empty"));
  }
}

TEST_CASE("validation: event chunk framing", "[validation]") {
  SECTION("more events claimed than could fit") {
    TraceBuilder b = base();
    raw_events(b, 0, 1000, {static_cast<unsigned char>(K::Mark), 0, 0, 0});
    CHECK_THAT(load_error(b), Catch::Contains("event count: 1000 events cannot fit the chunk"));
  }
  SECTION("fewer bytes than the events claimed") {
    TraceBuilder b = base();
    // Two marks claimed; the second's text runs past the end.
    raw_events(b, 0, 2, {static_cast<unsigned char>(K::Mark), 0, 0, 0, static_cast<unsigned char>(K::Mark), 0, 0, 5});
    CHECK_THAT(load_error(b), Catch::Contains("event text"));
  }
  SECTION("bytes left after the last event") {
    TraceBuilder b = base();
    raw_events(b, 0, 1, {static_cast<unsigned char>(K::Mark), 0, 0, 0, 0xaa, 0xbb, 0xcc});
    CHECK_THAT(load_error(b), Catch::Contains("events: 3 bytes left after the last event"));
  }
  SECTION("events before the kind table") {
    TraceBuilder b;
    b.meta().threads({{0, 11, 0, 0, 0, "t"}}).events(0, {ev(K::TraceDropped, 2000, 0, kNoSeq, 1)}).kinds();
    CHECK_THAT(load_error(b), Catch::Contains("event chunk before the kind table"));
  }
}

TEST_CASE("validation: records with impossible fields", "[validation]") {
  SECTION("unknown object kind") {
    TraceBuilder b;
    b.meta().kinds();
    ByteWriter& w = b.begin(ChunkType::Object);
    w.varint(1);
    w.u8(99);
    b.finish();
    CHECK_THAT(load_error(b), Catch::Contains("object kind: unknown kind 99"));
  }
  SECTION("a thread record cut short inside its chunk") {
    TraceBuilder b;
    b.meta().kinds();
    ByteWriter& w = b.begin(ChunkType::Thread);
    w.varint(0);
    w.varint(11);
    b.finish();
    CHECK_THAT(load_error(b), Catch::Contains("parent: runs past the end of its chunk"));
  }
  SECTION("an END reason this build does not know") {
    TraceBuilder b;
    b.meta().kinds();
    ByteWriter& w = b.begin(ChunkType::End);
    w.u8(9);
    for (int i = 0; i < 4; ++i) w.u64(0);
    b.finish();
    CHECK_THAT(load_error(b), Catch::Contains("end reason: unknown value 9"));
  }
  SECTION("a META value of unknown type") {
    TraceBuilder b;
    ByteWriter& w = b.begin(ChunkType::Meta);
    w.varint(1);
    w.u8(9);
    b.finish();
    b.kinds();
    CHECK_THAT(load_error(b), Catch::Contains("meta type: unknown type 9"));
  }
}

TEST_CASE("validation: missing metadata", "[validation]") {
  SECTION("no META chunk") {
    TraceBuilder b;
    b.kinds().end();
    CHECK_THAT(load_error(b), Catch::EndsWith(": no META chunk: not a complete weft trace"));
  }
  SECTION("no KIND chunk") {
    TraceBuilder b;
    b.meta().end();
    CHECK_THAT(load_error(b), Catch::EndsWith(": no KIND chunk: cannot decode events"));
  }
  SECTION("nothing after the file header") {
    TraceBuilder b;
    CHECK_THAT(load_error(b), Catch::Contains("no META chunk"));
  }
}

TEST_CASE("validation: what a newer writer may add is skipped", "[validation]") {
  SECTION("an unknown chunk type, with a warning") {
    TraceBuilder b = base();
    const unsigned char payload[] = {1, 2, 3, 4, 5};
    b.chunk(fourcc("ZZZZ"), payload);
    b.events(0, {ev(K::MutexAcquired, 2000, 1, 0, 1, 1)});
    b.chunk(fourcc("GPU "), {});
    b.end();
    TempDir dir;
    const Trace t = dir.load(b.bytes());
    CHECK(t.events.size() == 1);
    CHECK(t.warnings == std::vector<std::string>{"skipped 2 chunks of a type this weft does not know"});
  }
  SECTION("an unknown META key") {
    TraceBuilder b;
    ByteWriter& w = b.begin(ChunkType::Meta);
    encode_meta_string(w, MetaKey::Program, "prog");
    w.varint(200);  // a key from the future, string-typed
    w.u8(static_cast<std::uint8_t>(MetaType::String));
    w.string("whatever");
    w.varint(201);
    w.u8(static_cast<std::uint8_t>(MetaType::F64));
    w.f64(1.5);
    encode_meta_uint(w, MetaKey::Pid, 77);
    b.finish();
    b.kinds().end();
    TempDir dir;
    const Trace t = dir.load(b.bytes());
    CHECK(t.info.program == "prog");
    CHECK(t.info.pid == 77);
  }
}

// META keys are varints: a future key 257 must be skipped as unknown, not
// read as key 1 (Program) after a cast to the 8-bit MetaKey.
TEST_CASE("validation: META keys above 255 are unknown keys, not aliases", "[validation]") {
  TraceBuilder b;
  ByteWriter& w = b.begin(ChunkType::Meta);
  encode_meta_string(w, MetaKey::Program, "prog");
  encode_meta_uint(w, MetaKey::Pid, 77);
  w.varint(256 + static_cast<unsigned>(MetaKey::Program));
  w.u8(static_cast<std::uint8_t>(MetaType::String));
  w.string("impostor");
  w.varint(256 + static_cast<unsigned>(MetaKey::Pid));
  w.u8(static_cast<std::uint8_t>(MetaType::Uint));
  w.varint(1);
  b.finish();
  b.kinds().end();
  TempDir dir;
  const Trace t = dir.load(b.bytes());
  CHECK(t.info.program == "prog");
  CHECK(t.info.pid == 77);
}

// A damaged (or hostile) KIND chunk with a valid checksum must not put raw
// bytes into a message: format_error promises one line, shown as is, so the
// file's strings are clipped and escaped. Found by the checksum-repairing
// mini-fuzz (test_minifuzz.cpp).
TEST_CASE("validation: error messages never carry raw bytes from the file", "[validation]") {
  TraceBuilder b;
  b.meta();
  ByteWriter& w = b.begin(ChunkType::Kinds);
  w.u8(static_cast<std::uint8_t>(K::MutexAcquired));
  w.u8(kLayoutObject);  // not mutex.acquired's layout: refused, naming the kind
  w.string("evil\nsecond line\x1b[31m" + std::string(5000, 'x'));
  b.finish();
  TempDir dir;
  const std::string msg = error_of([&] { dir.load(b.bytes()); });
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.find('\x1b') == std::string::npos);
  CHECK(msg.size() < 1000);
}
