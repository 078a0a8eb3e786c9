// Reading a run (the traces of one run's processes) as one trace:
// format::merge_run and format::load_run. The member traces are built with
// the real encoder (trace_builder.hpp): a parent (pid 100) that spawns a
// child (pid 101) which inherited the parent's threads and objects at the
// fork, as traced_fork() leaves them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/run.hpp"

using namespace weft::format;
using namespace weft::format::test;
using K = EventKind;

namespace {

constexpr std::uint64_t kRun = 77;
constexpr std::uint64_t kSharedMutexKey = (100ull << 32) | 4;
constexpr std::uint64_t kProcessKey = (100ull << 32) | 3;
constexpr std::uint64_t kParentStart = 1'000'000;
constexpr std::uint64_t kChildStart = kParentStart + 5000;  // 5 us later, on the same steady clock

std::uint8_t code(K k) { return static_cast<std::uint8_t>(k); }

struct Member {
  std::uint64_t pid = 0, parent = 0, run = kRun, start_ticks = 0;
  std::string name;
};

// META with the run keys (MetaFields has none), the kind table and a clock.
TraceBuilder begin_member(const Member& m) {
  TraceBuilder b;
  ByteWriter& w = b.begin(ChunkType::Meta);
  encode_meta_string(w, MetaKey::Program, "demo");
  encode_meta_uint(w, MetaKey::Pid, m.pid);
  encode_meta_uint(w, MetaKey::StartWallNs, 1'700'000'000'000'000'000ull + m.start_ticks);
  encode_meta_string(w, MetaKey::ClockName, "steady");
  encode_meta_f64(w, MetaKey::TicksPerSecond, 1e9);
  encode_meta_uint(w, MetaKey::StartTicks, m.start_ticks);
  encode_meta_string(w, MetaKey::Hostname, "host");
  if (m.run) encode_meta_uint(w, MetaKey::RunId, m.run);
  if (m.parent) encode_meta_uint(w, MetaKey::ParentPid, m.parent);
  if (!m.name.empty()) encode_meta_string(w, MetaKey::ProcessName, m.name);
  b.finish();
  b.kinds().clock(m.start_ticks, 0);
  return b;
}

// The tables both processes know (the child inherited them at the fork):
// threads main (0) and helper (1); objects 1, 2 their threads, 3 the child
// process (keyed), 4 a process-shared mutex (keyed), 5 a plain mutex (no
// key: the child's is a copy).
void common_tables(TraceBuilder& b) {
  b.sites({SiteRecord{1, 10, "main.cpp", "main"}, SiteRecord{2, 20, "main.cpp", "work"}});
  b.objects({ObjectRecord{1, ObjectKind::Thread, 0, 1, 0, 0, "main"}, ObjectRecord{2, ObjectKind::Thread, 0, 1, 0, 0, "helper"},
             ObjectRecord{3, ObjectKind::Process, 0, 1, 0, 0, "worker-1"},
             ObjectRecord{4, ObjectKind::Mutex, 0, 1, 0, 0, "shared"}, ObjectRecord{5, ObjectKind::Mutex, 0, 1, 0, 0, "plain"}});
  ByteWriter& k = b.begin(ChunkType::SharedKey);
  encode_shared_key(k, SharedKeyRecord{3, kProcessKey});
  encode_shared_key(k, SharedKeyRecord{4, kSharedMutexKey});
  b.finish();
  b.threads({ThreadRecord{0, 1000, 0, 1, 0, "main"}, ThreadRecord{1, 1001, 1, 2, 0, "helper"}});
}

EventRecord ev(std::uint64_t ticks, K kind, std::uint32_t object = 0, std::uint64_t seq = kNoSeq, std::uint64_t arg = 0,
               std::string_view text = {}) {
  EventRecord r;
  r.ticks = ticks;
  r.kind = code(kind);
  r.object = object;
  r.seq = seq;
  r.arg = arg;
  r.site = 1;
  r.text = text;
  return r;
}

// The parent: spawns pid `child` (0: none), takes the shared mutex late (its
// seq 0, 1: before the child's, though the child's clock reads earlier).
std::vector<unsigned char> parent_trace(std::uint64_t child = 101) {
  TraceBuilder b = begin_member({100, 0, kRun, kParentStart, "main"});
  common_tables(b);
  std::vector<EventRecord> main_events{ev(kParentStart + 1, K::ThreadStart, 1, 0, 1000),
                                       ev(kParentStart + 2, K::Mark, 0, kNoSeq, 0, "parent says hi")};
  if (child) main_events.push_back(ev(kParentStart + 3, K::ProcessSpawn, 3, 0, child));
  main_events.push_back(ev(kParentStart + 9000, K::MutexAcquired, 4, 0, 1));
  main_events.push_back(ev(kParentStart + 9001, K::MutexReleased, 4, 1, 0));
  main_events.push_back(ev(kParentStart + 9002, K::MutexAcquired, 5, 0, 1));
  b.events(0, main_events);
  b.events(1, {ev(kParentStart + 4, K::ThreadStart, 2, 0, 1001)});
  return b.index().end().bytes();
}

// The child: its table lists main and helper too, but only main (the
// forking thread) goes on here.
std::vector<unsigned char> child_trace(std::uint64_t pid = 101, std::uint64_t run = kRun, bool with_worker = false) {
  TraceBuilder b = begin_member({pid, 100, run, kChildStart, "worker-1"});
  common_tables(b);
  b.sites({SiteRecord{3, 30, "child.cpp", "child_main"}});
  if (with_worker) {  // a thread of the child's own: thread 2, object 6, created and joined by main
    b.objects({ObjectRecord{6, ObjectKind::Thread, 0, 3, 0, 0, "child-worker"}});
    b.threads({ThreadRecord{2, 2000, 1, 6, 0, "child-worker"}});
    b.events(0, {ev(kChildStart + 1, K::ThreadCreate, 6, 0, 2), ev(kChildStart + 5, K::ThreadJoinBegin, 6, kNoSeq, 2),
                 ev(kChildStart + 6, K::ThreadJoinEnd, 6, 3, 1)});
    b.events(2, {ev(kChildStart + 2, K::ThreadStart, 6, 1, 2000), ev(kChildStart + 3, K::ThreadEnd, 6, 2)});
    return b.index().end().bytes();
  }
  b.events(0, {ev(kChildStart + 10, K::ProcessStart, 3, 1, pid), ev(kChildStart + 11, K::Mark, 0, kNoSeq, 0, "child says hi"),
               ev(kChildStart + 12, K::MutexAcquired, 4, 2, 1), ev(kChildStart + 13, K::MutexReleased, 4, 3, 0),
               ev(kChildStart + 14, K::MutexAcquired, 5, 0, 1)});
  return b.index().end().bytes();
}

Trace load_plain(const std::string& path) { return load_trace(path); }

std::vector<std::uint32_t> objects_named(const Trace& t, const std::string& name) {
  std::vector<std::uint32_t> ids;
  for (const ObjectInfo& o : t.objects)
    if (o.name == name) ids.push_back(o.id);
  return ids;
}

bool has_warning(const Trace& t, std::initializer_list<std::string_view> parts) {
  return std::any_of(t.warnings.begin(), t.warnings.end(), [&](const std::string& w) {
    return std::all_of(parts.begin(), parts.end(), [&](std::string_view p) { return w.find(p) != std::string::npos; });
  });
}

void check_same(const Trace& a, const Trace& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].time_ns == b.events[i].time_ns);
    CHECK(a.events[i].thread == b.events[i].thread);
    CHECK(a.events[i].object == b.events[i].object);
    CHECK(a.events[i].arg == b.events[i].arg);
  }
  CHECK(a.threads.size() == b.threads.size());
  CHECK(a.objects.size() == b.objects.size());
  CHECK(a.sites.size() == b.sites.size());
  CHECK(a.texts == b.texts);
  CHECK(a.warnings == b.warnings);
  CHECK(a.processes.size() == 1);
}

}  // namespace

TEST_CASE("run: a child's file is named from the first trace's stem", "[run]") {
  CHECK(member_trace_path("dir/x.weft", 1234) == "dir/x.1234.weft");
  CHECK(member_trace_path("x", 7) == "x.7.weft");
}

TEST_CASE("run: a parent and its child merge into one trace with one process each", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  dir.write("x.101.weft", child_trace());
  const Trace t = load_run({root}, load_plain);

  REQUIRE(t.processes.size() == 2);
  CHECK(t.processes[0].pid == 100);
  CHECK(t.processes[1].pid == 101);
  CHECK(t.processes[1].parent_pid == 100);
  CHECK(t.processes[1].name == "worker-1");
  CHECK(t.processes[1].path == dir.file("x.101.weft"));

  // main, helper, and the child's main; the helper the child inherited but
  // never ran is not repeated.
  REQUIRE(t.threads.size() == 3);
  for (std::uint32_t i = 0; i < t.threads.size(); ++i) CHECK(t.threads[i].id == i);
  CHECK(t.threads[2].name == "main");
  CHECK(t.threads[2].process == 1);
  CHECK(t.threads[1].process == 0);
  CHECK(t.threads[1].parent == std::optional<std::uint32_t>(0));
  CHECK(t.object(t.threads[2].object).kind == ObjectKind::Thread);

  // Keyed objects are one object; the unkeyed mutex is one per process.
  CHECK(objects_named(t, "shared").size() == 1);
  CHECK(objects_named(t, "worker-1").size() == 1);
  CHECK(objects_named(t, "plain").size() == 2);
  CHECK(t.object(objects_named(t, "shared")[0]).shared_key == kSharedMutexKey);
  CHECK(t.processes[1].object == objects_named(t, "worker-1")[0]);

  // Every event is there, each on an id the merged tables define.
  CHECK(t.events.size() == 6 + 1 + 5);
  for (const Event& e : t.events) {
    CHECK(e.thread < t.threads.size());
    CHECK(e.object < t.objects.size());
    CHECK(e.site < t.sites.size());
  }
  // Sites the two files share are one site; the child's own is added.
  CHECK(t.sites.size() == 4);
  CHECK(t.warnings.empty());
  CHECK(t.end.has_value());
  CHECK_FALSE(t.truncated);
}

TEST_CASE("run: text arguments point at the merged text table", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  dir.write("x.101.weft", child_trace());
  const Trace t = load_run({root}, load_plain);
  std::vector<std::pair<std::uint32_t, std::string>> marks;
  for (const Event& e : t.events)
    if (e.kind == K::Mark) marks.emplace_back(e.thread, std::string(t.text(e)));
  CHECK(marks == std::vector<std::pair<std::uint32_t, std::string>>{{0, "parent says hi"}, {2, "child says hi"}});
}

TEST_CASE("run: a child's times are moved to the first process's clock", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  dir.write("x.101.weft", child_trace());
  const Trace t = load_run({root}, load_plain);
  for (const Event& e : t.events) {
    if (e.kind == K::ProcessStart) CHECK(e.time_ns == kChildStart + 10 - kParentStart);
    if (e.kind == K::ProcessSpawn) CHECK(e.time_ns == 3);
  }
}

TEST_CASE("run: one order follows a shared object's sequence across processes, not the clocks", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  dir.write("x.101.weft", child_trace());
  const Trace t = load_run({root}, load_plain);
  const std::uint32_t shared = objects_named(t, "shared")[0];
  std::vector<std::uint64_t> seqs;
  for (const Event& e : t.events)
    if (e.object == shared) seqs.push_back(e.seq);
  // The child's clock says it came first (5 us after the parent started, the
  // parent's lock at 9 us); its sequence numbers say it came second.
  CHECK(seqs == std::vector<std::uint64_t>{0, 1, 2, 3});
  CHECK(t.order.fallbacks == 0);
  // Spawn before start: the process object's sequence.
  const std::uint32_t process = objects_named(t, "worker-1")[0];
  std::vector<EventKind> kinds;
  for (const Event& e : t.events)
    if (e.object == process) kinds.push_back(e.kind);
  CHECK(kinds == std::vector<EventKind>{K::ProcessSpawn, K::ProcessStart});
}

TEST_CASE("run: a trace that started no process loads exactly as load_trace does", "[run]") {
  TempDir dir;
  const std::string path = dir.write("solo.weft", parent_trace(0));
  const Trace run = load_run({path}, load_plain);
  const Trace plain = load_trace(path);
  check_same(run, plain);
  std::vector<Trace> one;
  one.push_back(load_trace(path));
  check_same(merge_run(std::move(one)), plain);
}

TEST_CASE("run: a missing child is one warning naming its file and process, the rest loads", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  const Trace t = load_run({root}, load_plain);
  CHECK(t.processes.size() == 1);
  CHECK(t.events.size() == 7);
  CHECK(has_warning(t, {"run member x.101.weft", "process worker-1", "pid 101", "is missing"}));
}

TEST_CASE("run: a corrupt child is one warning, skipped, never a crash", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  std::vector<unsigned char> garbage = child_trace();
  garbage.resize(20);  // the file header and a few bytes: no META
  dir.write("x.101.weft", garbage);
  const Trace t = load_run({root}, load_plain);
  CHECK(t.processes.size() == 1);
  CHECK(has_warning(t, {"run member x.101.weft", "pid 101", "could not be read"}));
}

TEST_CASE("run: a truncated child loads up to its last chunk and its warning names the process", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  std::vector<unsigned char> cut = child_trace();
  cut.resize(cut.size() - 10);  // inside the END chunk
  dir.write("x.101.weft", cut);
  const Trace t = load_run({root}, load_plain);
  REQUIRE(t.processes.size() == 2);
  CHECK(t.processes[1].truncated);
  CHECK(t.truncated);
  CHECK(has_warning(t, {"process worker-1 (pid 101)", "truncated"}));
}

TEST_CASE("run: a directory is the run its traces share, the parentless one first", "[run]") {
  TempDir dir;
  dir.write("b.weft", parent_trace());  // the names do not say who is first: META does
  dir.write("a.weft", child_trace());
  const Trace t = load_run({dir.path().string()}, load_plain);
  REQUIRE(t.processes.size() == 2);
  CHECK(t.processes[0].pid == 100);
  CHECK(objects_named(t, "shared").size() == 1);
}

TEST_CASE("run: a directory holding two runs is an error naming them", "[run]") {
  TempDir dir;
  dir.write("x.weft", parent_trace());
  dir.write("y.weft", child_trace(102, kRun + 1));
  CHECK_THROWS_WITH(load_run({dir.path().string()}, load_plain), Catch::Contains("several runs") &&
                                                                    Catch::Contains("run 77") && Catch::Contains("run 78"));
}

TEST_CASE("run: files named together must be of one run", "[run]") {
  TempDir dir;
  const std::string x = dir.write("x.weft", parent_trace(0));
  const std::string same = dir.write("c.weft", child_trace());
  const std::string other = dir.write("o.weft", child_trace(102, kRun + 1));
  const Trace t = load_run({same, x}, load_plain);
  REQUIRE(t.processes.size() == 2);
  CHECK(t.processes[0].pid == 100);  // the parentless one first, whatever the order given
  CHECK_THROWS_WITH(load_run({x, other}, load_plain), Catch::Contains("not of one run"));
  CHECK_THROWS_AS(load_run({x, dir.file("nope.weft")}, load_plain), std::exception);
  // A file named twice is read once; two files of one process are a mistake.
  CHECK(load_run({x, same, x}, load_plain).processes.size() == 2);
  const std::string copy = dir.write("copy.weft", child_trace());
  CHECK_THROWS_WITH(load_run({x, same, copy}, load_plain), Catch::Contains("both process 101"));
}

TEST_CASE("run: thread ids in a child's arguments point at the merged threads", "[run]") {
  TempDir dir;
  const std::string root = dir.write("x.weft", parent_trace());
  dir.write("x.101.weft", child_trace(101, kRun, true));
  const Trace t = load_run({root}, load_plain);
  // main, helper (parent), main and child-worker (child).
  REQUIRE(t.threads.size() == 4);
  CHECK(t.threads[3].name == "child-worker");
  CHECK(t.threads[3].process == 1);
  CHECK(t.threads[3].parent == std::optional<std::uint32_t>(2));  // the child's main, not the parent's
  int seen = 0;
  for (const Event& e : t.events)
    if (e.kind == K::ThreadCreate || e.kind == K::ThreadJoinBegin) {
      CHECK(e.thread == 2);
      CHECK(e.arg == 3);
      CHECK(t.object(e.object).name == "child-worker");
      ++seen;
    }
  CHECK(seen == 2);
}
