// weft check/stats/dump/export on a run of two processes, named the three
// ways a user can: the first trace (its child's file is found beside it), the
// directory, and the files one by one. The traces are made with the real
// encoder (tests/format/trace_builder.hpp): a parent (pid 100) that spawns
// worker-1 (pid 101), both taking one process-shared mutex, the parent
// joining the child.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../format/trace_builder.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "weft/format/meaning.hpp"

namespace fs = std::filesystem;
using namespace weft::format;
using weft::format::test::TraceBuilder;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;
using K = EventKind;

namespace {

constexpr std::uint64_t kRun = 4711;
constexpr std::uint64_t kStart = 5'000'000;

EventRecord ev(std::uint64_t ticks, K kind, std::uint32_t object, std::uint64_t seq, std::uint64_t arg = 0) {
  EventRecord r;
  r.ticks = ticks;
  r.kind = static_cast<std::uint8_t>(kind);
  r.object = object;
  r.seq = seq;
  r.arg = arg;
  r.site = 1;
  return r;
}

// One process's file: META with the run's keys, the tables both processes
// know (the child inherited them at the fork), then `events` on thread 0.
std::vector<unsigned char> member(std::uint64_t pid, std::uint64_t parent, std::uint64_t run, const std::string& name,
                                  std::uint64_t start, const std::vector<EventRecord>& events) {
  TraceBuilder b;
  ByteWriter& w = b.begin(ChunkType::Meta);
  encode_meta_string(w, MetaKey::Program, "runner");
  encode_meta_uint(w, MetaKey::Pid, pid);
  encode_meta_uint(w, MetaKey::StartWallNs, 1'700'000'000'000'000'000ull + start);
  encode_meta_string(w, MetaKey::ClockName, "steady");
  encode_meta_f64(w, MetaKey::TicksPerSecond, 1e9);
  encode_meta_uint(w, MetaKey::StartTicks, start);
  encode_meta_string(w, MetaKey::Hostname, "host");
  encode_meta_uint(w, MetaKey::RunId, run);
  if (parent) encode_meta_uint(w, MetaKey::ParentPid, parent);
  encode_meta_string(w, MetaKey::ProcessName, name);
  b.finish();
  b.kinds().clock(start, 0);
  b.sites({SiteRecord{1, 12, "runner.cpp", "main"}});
  b.objects({ObjectRecord{1, ObjectKind::Thread, 0, 1, 0, 0, "main"}, ObjectRecord{2, ObjectKind::Process, 0, 1, 0, 0, "worker-1"},
             ObjectRecord{3, ObjectKind::Mutex, 0, 1, 0, 0, "board"}});
  ByteWriter& k = b.begin(ChunkType::SharedKey);
  encode_shared_key(k, SharedKeyRecord{2, (100ull << 32) | 2});
  encode_shared_key(k, SharedKeyRecord{3, (100ull << 32) | 3});
  b.finish();
  b.threads({ThreadRecord{0, pid, 0, 1, 0, "main"}});
  b.events(0, events);
  return b.index().end().bytes();
}

std::vector<unsigned char> parent(std::uint64_t run = kRun) {
  return member(100, 0, run, "runner", kStart,
                {ev(kStart + 1, K::ThreadStart, 1, 0, 100), ev(kStart + 2, K::ProcessSpawn, 2, 0, 101),
                 ev(kStart + 3, K::MutexAcquired, 3, 0, 1), ev(kStart + 4, K::MutexReleased, 3, 1, 0),
                 ev(kStart + 5, K::ProcessJoinBegin, 2, kNoSeq, 0),
                 ev(kStart + 900, K::ProcessJoinEnd, 2, 3, process_joined(0)), ev(kStart + 901, K::ThreadEnd, 1, 1)});
}

std::vector<unsigned char> child() {
  const std::uint64_t s = kStart + 100;
  return member(101, 100, kRun, "worker-1", s,
                {ev(s + 1, K::ProcessStart, 2, 1, 101), ev(s + 2, K::MutexAcquired, 3, 2, 1),
                 ev(s + 3, K::MutexReleased, 3, 3, 0), ev(s + 4, K::ProcessExit, 2, 2, 0)});
}

struct Run {
  TempDir dir;
  std::string first, second;
  Run() {
    first = dir.write("run.weft", parent());
    second = dir.write("run.101.weft", child());
  }
};

// The three ways to name the run.
std::vector<std::vector<std::string>> namings(const Run& r) {
  return {{r.first}, {r.dir.path().string()}, {r.first, r.second}};
}

std::vector<std::string> cmd(std::initializer_list<std::string> head, const std::vector<std::string>& paths,
                             std::initializer_list<std::string> tail = {}) {
  std::vector<std::string> argv{WEFT_CLI};
  argv.insert(argv.end(), head.begin(), head.end());
  argv.insert(argv.end(), paths.begin(), paths.end());
  argv.insert(argv.end(), tail.begin(), tail.end());
  return argv;
}

}  // namespace

TEST_CASE("weft dump of a run lists both processes and every event of both", "[cli][run]") {
  const Run r;
  for (const auto& paths : namings(r)) {
    INFO(paths.front() << " and " << paths.size() - 1 << " more");
    const auto out = run_child(cmd({"dump"}, paths));
    INFO(out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(out.out.find("# process  runner (pid 100, parent 0), exit 0; file") != std::string::npos);
    CHECK(out.out.find("# process  worker-1 (pid 101, parent 100), exit 0; file") != std::string::npos);
    CHECK(out.out.find("# contents 11 events, 2 threads") != std::string::npos);
    CHECK(out.out.find("main[101]") != std::string::npos);
    CHECK(out.out.find("process.exit") != std::string::npos);
    CHECK(out.err.empty());
  }
}

TEST_CASE("weft stats of a run names its processes, in text and JSON", "[cli][run]") {
  const Run r;
  for (const auto& paths : namings(r)) {
    const auto text = run_child(cmd({"stats"}, paths));
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("PROCESSES") != std::string::npos);
    CHECK(text.out.find("worker-1") != std::string::npos);
    const auto js = run_child(cmd({"stats"}, paths, {"--json"}));
    REQUIRE(js.exit_code == 0);
    const auto doc = nlohmann::json::parse(js.out);
    REQUIRE(doc.at("processes").size() == 2);
    CHECK(doc["processes"][1]["pid"] == 101);
    CHECK(doc["processes"][1]["parent_pid"] == 100);
    CHECK(doc["processes"][1]["ended"] == "exit 0");
    CHECK(doc["events"] == 11);
    // One mutex for the run: its key joins the two processes' records.
    REQUIRE(doc.at("locks").size() == 1);
    CHECK(doc["locks"][0]["acquisitions"] == 2);
  }
}

TEST_CASE("weft check of a clean run reports no finding, however the run is named", "[cli][run]") {
  const Run r;
  for (const auto& paths : namings(r)) {
    const auto out = run_child(cmd({"check"}, paths));
    INFO(out.out << out.err);
    CHECK(out.exit_code == 0);
  }
}

TEST_CASE("weft export of a run writes one JSON with both processes' events", "[cli][run]") {
  const Run r;
  const std::string json = r.dir.file("out.json");
  const auto out = run_child(cmd({"export"}, {r.first}, {"-o", json}));
  REQUIRE(out.exit_code == 0);
  std::ifstream in(json);
  const auto doc = nlohmann::json::parse(in);
  bool child_start = false;
  for (const auto& e : doc.at("traceEvents"))
    if (e.value("name", "").find("process.start") != std::string::npos) child_start = true;
  CHECK(child_start);
}

TEST_CASE("a missing member of a run is a one-line warning and the rest loads", "[cli][run]") {
  TempDir dir;
  const std::string first = dir.write("run.weft", parent());
  const auto out = run_child({WEFT_CLI, "dump", "--no-header", first});
  INFO(out.err);
  CHECK(out.exit_code == 0);
  // One line for the missing member (the parent's order, short of the
  // child's sequence numbers, may add one of its own: each is one line).
  std::istringstream lines(out.err);
  int missing = 0;
  for (std::string line; std::getline(lines, line);) {
    CHECK(line.rfind("weft: warning: ", 0) == 0);
    if (line.find("run member run.101.weft (process worker-1, pid 101) is missing") != std::string::npos) ++missing;
  }
  CHECK(missing == 1);
  CHECK(out.out.find("process.spawn") != std::string::npos);
}

TEST_CASE("traces of two runs named together, or one directory of two runs, are one-line errors", "[cli][run]") {
  TempDir dir;
  const std::string a = dir.write("a.weft", parent());
  const std::string b = dir.write("b.weft", parent(kRun + 1));
  for (const auto& argv : {std::vector<std::string>{WEFT_CLI, "check", a, b}, {WEFT_CLI, "stats", dir.path().string()}}) {
    const auto out = run_child(argv);
    CHECK(out.exit_code == 2);
    CHECK(one_line(out.err));
  }
  const auto missing = run_child({WEFT_CLI, "dump", a, dir.file("nope.weft")});
  CHECK(missing.exit_code == 2);
  CHECK(one_line(missing.err));
  CHECK(missing.err.find("nope.weft") != std::string::npos);
}
