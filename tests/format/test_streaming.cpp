// The streaming side: TraceFile::next hands out checked chunks one at a
// time, TraceLoader takes them one at a time (from a file or from memory,
// e.g. a live trace), and the result is the same as load_trace's.
#include <catch2/catch.hpp>

#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

// Feeds every chunk straight from the builder's bytes, no file involved.
void feed_from_memory(TraceLoader& loader, const TraceBuilder& b) {
  for (const WrittenChunk& c : b.chunks()) {
    const unsigned char* header = b.bytes().data() + c.offset;
    const ChunkRef ref{c.offset, c.type, c.length, load_u32(header + 8)};
    loader.add(ref, std::span<const unsigned char>(header + kChunkHeaderSize, c.length));
  }
}

std::vector<std::string> all_shown(const Trace& t) {
  std::vector<std::string> out;
  for (const Event& e : t.events) out.push_back(show(t, e) + " @" + std::to_string(e.time_ns));
  return out;
}

}  // namespace

TEST_CASE("streaming: TraceFile::next + TraceLoader gives what load_trace gives", "[streaming]") {
  const TraceBuilder b = sample_trace();
  TempDir dir;
  const std::string path = dir.write("t.weft", b.bytes());
  const Trace whole = load_trace(path);

  TraceFile f(path);
  TraceLoader loader(path);
  ChunkRef ref;
  std::vector<unsigned char> payload;
  std::size_t chunks = 0;
  while (f.next(ref, payload)) {
    CHECK(ref.offset == b.chunks()[chunks].offset);
    CHECK(ref.type == b.chunks()[chunks].type);
    CHECK(payload.size() == b.chunks()[chunks].length);
    loader.add(ref, payload);
    ++chunks;
  }
  CHECK(chunks == b.chunks().size());
  CHECK_FALSE(f.truncated());
  CHECK(f.truncation().empty());
  const Trace streamed = loader.finish(f.truncation());
  CHECK(all_shown(streamed) == all_shown(whole));
  CHECK(streamed.texts == whole.texts);
  CHECK(streamed.thread(1).name == "worker-1");
}

TEST_CASE("streaming: chunks fed from memory", "[streaming]") {
  const TraceBuilder b = sample_trace();
  TraceLoader loader("live trace");
  feed_from_memory(loader, b);
  const Trace t = loader.finish("");
  CHECK(t.events.size() == b.event_count());
  CHECK(shown_events_of(t, 0) == shown(b.events_of(0)));
  CHECK(shown_events_of(t, 1) == shown(b.events_of(1)));
  CHECK(t.end.has_value());
  CHECK(t.warnings.empty());
}

TEST_CASE("streaming: finish with a truncation reason marks the trace", "[streaming]") {
  TraceBuilder b;
  b.meta().kinds();
  TraceLoader loader("live trace");
  feed_from_memory(loader, b);
  const Trace t = loader.finish("the writer went away");
  CHECK(t.truncated);
  CHECK(t.warnings == std::vector<std::string>{"trace truncated: the writer went away; loaded up to the last complete chunk"});
}

TEST_CASE("streaming: errors name the source given to the loader", "[streaming]") {
  TraceBuilder b;
  b.meta().kinds().threads({{3, 1, 0, 0, 0, "t"}});
  TraceLoader loader("live trace");
  const std::string msg = error_of([&] { feed_from_memory(loader, b); });
  CHECK_THAT(msg, Catch::StartsWith("live trace: THRD chunk at byte"));
}

// A TraceLoader's TextTable refers to its own trace_.texts, so a moved or
// copied loader would intern texts into the original. It is therefore
// neither copyable nor movable.
TEST_CASE("streaming: a TraceLoader cannot be copied or moved", "[streaming]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<TraceLoader>);
  STATIC_REQUIRE_FALSE(std::is_move_constructible_v<TraceLoader>);
  STATIC_REQUIRE_FALSE(std::is_move_assignable_v<TraceLoader>);
}
