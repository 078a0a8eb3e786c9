// The Perfetto export of hand-built traces, decoded by protoc against the
// published schema and replayed as a reader would: it must be well formed
// (sequences, interning, clocks, balanced slices) and show exactly what the
// Chrome export of the same trace shows.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/temp_dir.hpp"
#include "perfetto_view.hpp"
#include "small_trace.hpp"
#include "weft/export/chrome_trace.hpp"
#include "weft/export/perfetto_trace.hpp"

using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::SmallTrace;
using weft::test::TraceMaker;
using weft::test::View;
namespace format = weft::format;
namespace fs = std::filesystem;

namespace {

struct Exported {
  std::string decoded;  // protoc's text
  View view;
  weft::exporter::PerfettoSummary summary;
};

Exported perfetto(const format::Trace& t) {
  weft::test::TempDir dir;
  const fs::path path = dir.path() / "t.perfetto-trace";
  Exported e;
  {
    std::ofstream out(path, std::ios::binary);
    e.summary = weft::exporter::write_perfetto_trace(t, out);
  }
  CHECK(fs::file_size(path) == e.summary.bytes);
  e.decoded = weft::test::protoc_decode(path);
  e.view = weft::test::perfetto_view(e.decoded);
  return e;
}

View chrome(const format::Trace& t) {
  std::ostringstream out;
  weft::exporter::write_chrome_trace(t, out);
  return weft::test::chrome_view(nlohmann::json::parse(out.str()));
}

// The Perfetto export is well formed and shows what the Chrome one shows.
void require_same_as_chrome(const format::Trace& t) {
  const Exported p = perfetto(t);
  const View c = chrome(t);
  INFO(p.decoded.substr(0, 4000));
  CHECK(p.view.problems.empty());
  for (const std::string& problem : p.view.problems) INFO(problem);
  CHECK(p.view.process == c.process);
  CHECK(p.view.threads == c.threads);
  CHECK(p.view.slices == c.slices);
  CHECK(p.view.flows == c.flows);
  CHECK(p.view.instants == c.instants);
  CHECK(p.view.counters == c.counters);
  CHECK(p.summary.slices == c.slices.size());
  CHECK(p.summary.flows == c.flows.size());
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("perfetto: the small trace decodes against the schema and shows what the Chrome export shows",
          "[export][perfetto]") {
  const SmallTrace s;
  require_same_as_chrome(s.tm.t);
  const Exported p = perfetto(s.tm.t);
  // Spot checks a user sees, by name.
  CHECK(p.view.process == "demo");
  CHECK(p.view.threads == std::set<std::string>{"main", "printer-A", "printer-B"});
  const auto has_slice = [&](const std::string& track, const std::string& name) {
    for (const auto& row : p.view.slices)
      if (std::get<0>(row) == track && std::get<1>(row) == name) return true;
    return false;
  };
  CHECK(has_slice("printer-B", "wait lock lock_X"));
  CHECK(has_slice("printer-A", "hold lock_X"));
  CHECK(has_slice("printer-A", "wait condition turn_changed"));
  CHECK_FALSE(p.view.flows.empty());
  // Names are interned once per sequence (thread track), however often
  // they are used: A and B hold lock_X, and the view checks no sequence
  // interns a name twice.
  CHECK(count(p.decoded, "name: \"hold lock_X\"") == 2);
  CHECK(count(p.decoded, "name: \"hold\"") == 2);
  CHECK(p.decoded.find("file_name: \"/src/demo.cpp\"") != std::string::npos);
  // The finding is on the process's own track.
  bool finding = false;
  for (const auto& row : p.view.instants) finding |= std::get<0>(row) == "<process>" && std::get<2>(row) == "finding";
  CHECK(finding);
  CHECK(p.summary.findings == 1);
}

TEST_CASE("perfetto: each sequence clears its state first, then every packet needs it", "[export][perfetto]") {
  const SmallTrace s;
  const Exported p = perfetto(s.tm.t);
  const weft::test::TextNode root = weft::test::parse_text(p.decoded);
  const auto packets = root.all("packet");
  REQUIRE(packets.size() == p.summary.packets);
  std::map<std::uint64_t, std::size_t> seen;  // sequence id -> packets
  std::set<std::uint64_t> default_tracks;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    INFO("packet " << i);
    const std::uint64_t id = packets[i]->num("trusted_packet_sequence_id");
    REQUIRE(id != 0);
    if (seen[id]++ == 0) {
      CHECK(packets[i]->num("sequence_flags") == 1);
      const weft::test::TextNode* defaults = packets[i]->child("trace_packet_defaults");
      REQUIRE(defaults);
      CHECK(defaults->num("timestamp_clock_id") == 64);
      if (const auto* te = defaults->child("track_event_defaults")) default_tracks.insert(te->num("track_uuid"));
    } else {
      CHECK(packets[i]->num("sequence_flags") == 2);
    }
  }
  // One sequence for the descriptors and counters, one per thread track.
  CHECK(seen.size() == 1 + p.view.threads.size());
  CHECK(default_tracks.size() == p.view.threads.size());
}

TEST_CASE("perfetto: locks taken hand over hand put a slice on the thread's overlap track", "[export][perfetto]") {
  TraceMaker tm;
  const auto t = tm.thread("walker");
  const auto x = tm.object(ObjectKind::Mutex, "node_1");
  const auto y = tm.object(ObjectKind::Mutex, "node_2");
  tm.lock(t, x);
  tm.lock(t, y);
  tm.unlock(t, x);
  tm.unlock(t, y);
  require_same_as_chrome(tm.t);
  CHECK(perfetto(tm.t).view.threads.count("walker (overlap 1)") == 1);
}

TEST_CASE("perfetto: a deadlock's open waits and holds end with the trace, and the finding shows",
          "[export][perfetto]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto x = tm.object(ObjectKind::Mutex, "lock_X");
  const auto y = tm.object(ObjectKind::Mutex, "lock_Y");
  tm.lock(a, x);
  tm.lock(b, y);
  tm.add(a, EventKind::MutexLockBegin, y);
  tm.add(b, EventKind::MutexLockBegin, x);
  tm.end(format::EndReason::Watchdog);
  require_same_as_chrome(tm.t);
  const Exported p = perfetto(tm.t);
  CHECK(p.decoded.find("name: \"still waiting when the trace ended\"") != std::string::npos);
  CHECK(p.decoded.find("name: \"deadlock: 2 threads wait for each other on lock_X, lock_Y\"") != std::string::npos);
}

TEST_CASE("perfetto: a lost release, a release by another thread and an anomaly", "[export][perfetto]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto m = tm.object(ObjectKind::Mutex, "lock_X");
  tm.lock(a, m);  // its release was lost
  tm.add(b, EventKind::MutexAcquired, m, 1);
  tm.add({a, EventKind::MutexReleased, m, 0, format::kFlagNotOwner});
  require_same_as_chrome(tm.t);
  const Exported p = perfetto(tm.t);
  bool anomaly = false;
  for (const auto& row : p.view.instants) anomaly |= std::get<2>(row) == "anomaly";
  CHECK(anomaly);
}

TEST_CASE("perfetto: an empty trace is still a trace with its process", "[export][perfetto]") {
  TraceMaker tm;
  tm.thread("main", format::kThreadMain);
  require_same_as_chrome(tm.t);
  const Exported p = perfetto(tm.t);
  CHECK(p.view.slices.empty());
  CHECK(p.view.threads == std::set<std::string>{"main"});
}

TEST_CASE("perfetto: many events stay in order and keep their nanoseconds", "[export][perfetto]") {
  // Enough holds for packets past 128 bytes of interned data and time gaps
  // of every varint width, across several threads.
  TraceMaker tm;
  std::vector<std::uint32_t> threads, locks;
  for (int i = 0; i < 4; ++i) threads.push_back(tm.thread("t" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) locks.push_back(tm.object(ObjectKind::Mutex, std::string(150, 'a' + i)));
  for (int i = 0; i < 400; ++i) {
    const auto t = threads[i % threads.size()];
    const auto m = locks[i % locks.size()];
    tm.lock(t, m);
    tm.unlock(t, m);
  }
  for (std::size_t i = 0; i < tm.t.events.size(); ++i) tm.t.events.modify(i, [i](format::Event& e) { e.time_ns = i * i * i * 7 + (i % 3); });
  require_same_as_chrome(tm.t);
}
