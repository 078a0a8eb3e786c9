// summarize_trace: the numbers `weft record` prints after a run, read
// without loading the events. They must agree with what loading finds, for
// a complete trace and for one cut anywhere (a killed program).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/summary.hpp"

using namespace weft::format;
using namespace weft::format::test;

TEST_CASE("summary: a complete trace's events come from END, its threads from THRD", "[summary]") {
  TempDir dir;
  const TraceBuilder b = sample_trace();
  const std::string path = dir.write("t.weft", b.bytes());
  const TraceSummary s = summarize_trace(path);
  const Trace t = load_trace(path);
  CHECK(s.complete());
  CHECK(s.events == b.event_count());
  CHECK(s.events == t.events.size());
  CHECK(s.threads == 2);
  CHECK(s.threads == t.threads.size());
  CHECK(s.dropped == 0);
  REQUIRE(s.end);
  CHECK(s.end->reason == EndReason::Exit);
}

TEST_CASE("summary: the END record's counts are taken as written (dropped, reason)", "[summary]") {
  TempDir dir;
  TraceBuilder b;
  b.meta().kinds().threads({{0, 100, 0, 1, kThreadMain, "main"}, {1, 101, 0, 1, 0, "w"}, {2, 102, 0, 1, 0, "x"}});
  b.end_record(EndRecord{EndReason::Signal, 11, 1234, 56, 0});
  const TraceSummary s = summarize_trace(dir.write("t.weft", b.bytes()));
  CHECK(s.complete());
  CHECK(s.events == 1234);
  CHECK(s.dropped == 56);
  CHECK(s.threads == 3);
  REQUIRE(s.end);
  CHECK(s.end->reason == EndReason::Signal);
  CHECK(s.end->status == 11);
}

TEST_CASE("summary: a trace cut anywhere counts what loading it finds", "[summary]") {
  const TraceBuilder b = sample_trace();
  const std::vector<unsigned char>& bytes = b.bytes();
  TempDir dir;
  // After META and KIND (before them nothing loads).
  for (std::size_t cut = b.chunks()[1].end(); cut < bytes.size(); ++cut) {
    INFO("cut at " << cut << " of " << bytes.size());
    const std::string path =
        dir.write("cut.weft", std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
    const TraceSummary s = summarize_trace(path);
    const Trace t = load_trace(path);
    CHECK_FALSE(s.complete());
    CHECK(s.events == t.events.size());
    CHECK(s.threads == t.threads.size());
  }
}

TEST_CASE("summary: a file that is not a trace is a format_error", "[summary]") {
  TempDir dir;
  CHECK_THROWS_AS(summarize_trace(dir.write_text("notes.txt", "not a trace at all\n")), format_error);
  CHECK_THROWS_AS(summarize_trace(dir.file("missing.weft")), format_error);
}
