// The Chrome export of hand-built traces, parsed back with a real JSON
// parser: its structure, and exact events for a known scenario.
#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>
#include <sstream>
#include <streambuf>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "chrome_checks.hpp"
#include "small_trace.hpp"
#include "weft/export/chrome_trace.hpp"

using nlohmann::json;
using weft::exporter::ChromeOptions;
using weft::exporter::write_chrome_trace;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::SmallTrace;
using weft::test::TraceMaker;
namespace format = weft::format;

namespace {

std::string exported(const format::Trace& t, const ChromeOptions& options = {}) {
  std::ostringstream out;
  write_chrome_trace(t, out, options);
  return out.str();
}

json parsed(const format::Trace& t) { return json::parse(exported(t)); }

// The only event with this phase and name; fails the test unless exactly one.
json only(const json& doc, const std::string& ph, const std::string& name) {
  std::vector<json> found;
  for (const json& e : doc["traceEvents"])
    if (e["ph"] == ph && e["name"] == name) found.push_back(e);
  INFO(ph << " " << name);
  REQUIRE(found.size() == 1);
  return found[0];
}

std::vector<json> named(const json& doc, const std::string& ph, const std::string& name) {
  std::vector<json> found;
  for (const json& e : doc["traceEvents"])
    if (e["ph"] == ph && e["name"] == name) found.push_back(e);
  return found;
}

void require_well_formed(const json& doc) {
  const auto problems = weft::test::check_chrome_trace(doc);
  for (const auto& p : problems.list) UNSCOPED_INFO(p);
  REQUIRE(problems.list.empty());
}

std::int64_t us_to_ns(const json& v) { return weft::test::ns_of(v); }

}  // namespace

TEST_CASE("the export is a JSON object with traceEvents, nanosecond display and weft's notes", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  REQUIRE(doc["traceEvents"].is_array());
  CHECK(doc["displayTimeUnit"] == "ns");
  CHECK(doc["otherData"]["source"] == "weft");
  CHECK(doc["otherData"]["program"] == "demo");
  CHECK(doc["otherData"]["events"] == s.tm.t.events.size());
  CHECK(doc["otherData"]["complete"] == true);
  require_well_formed(doc);
  for (const json& e : doc["traceEvents"]) {
    CHECK(e["pid"] == 4242);
    CHECK(e.contains("name"));
  }
}

TEST_CASE("the process and every thread are named, in thread order", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  CHECK(only(doc, "M", "process_name")["args"]["name"] == "demo");
  CHECK(weft::test::tid_named(doc, "main") == 1);
  CHECK(weft::test::tid_named(doc, "printer-A") == 2);
  CHECK(weft::test::tid_named(doc, "printer-B") == 3);
  std::vector<std::int64_t> sort_indices;
  for (const json& e : named(doc, "M", "thread_sort_index")) sort_indices.push_back(e["args"]["sort_index"]);
  CHECK(std::is_sorted(sort_indices.begin(), sort_indices.end()));
  CHECK(sort_indices.size() == 3);
}

TEST_CASE("a blocking wait is a complete event from its begin to its end, named by the object", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  const json wait = only(doc, "X", "wait lock lock_X");
  CHECK(wait["tid"] == 3);  // printer-B
  CHECK(wait["cat"] == "wait");
  CHECK(us_to_ns(wait["ts"]) == static_cast<std::int64_t>(s.at(s.b_waits).time_ns));
  CHECK(us_to_ns(wait["dur"]) == static_cast<std::int64_t>(s.at(s.b_acquires).time_ns - s.at(s.b_waits).time_ns));
  CHECK(wait["args"]["object"] == "mutex lock_X");
  CHECK(wait["args"]["site"] == "demo.cpp:20 (f)");
  CHECK(wait["args"]["ended by"] == "mutex.acquired");
  CHECK(wait["args"]["unblocked by"] == "printer-A (unlock, event " + std::to_string(s.a_unlocks) + ")");

  const json cond = only(doc, "X", "wait condition turn_changed");
  CHECK(cond["tid"] == 2);
  CHECK(cond["args"]["wake"] == "notified");
  CHECK(cond["args"]["unblocked by"] == "printer-B (notify, event " + std::to_string(s.b_notifies) + ")");
  CHECK(only(doc, "X", "wait join printer-A")["tid"] == 1);
  CHECK(only(doc, "X", "wait semaphore slots")["tid"] == 3);
}

TEST_CASE("a lock hold is a complete event from acquisition to release, a condition wait splits it", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  std::vector<json> a_holds;
  for (const json& e : named(doc, "X", "hold lock_X"))
    if (e["tid"] == 2) a_holds.push_back(e);
  REQUIRE(a_holds.size() == 3);  // before the condition wait, and around it
  CHECK(us_to_ns(a_holds[0]["ts"]) == static_cast<std::int64_t>(s.at(s.a_locks).time_ns));
  CHECK(us_to_ns(a_holds[0]["dur"]) == static_cast<std::int64_t>(s.at(s.a_unlocks).time_ns - s.at(s.a_locks).time_ns));
  CHECK(a_holds[0]["args"]["acquired at"] == "demo.cpp:10 (f)");
  CHECK(a_holds[0]["args"]["released at"] == "demo.cpp:10 (f)");
  // The hold before the wait ends where the wait begins, and the one after
  // begins where the wait ends, so that they sit side by side with it.
  const json cond = only(doc, "X", "wait condition turn_changed");
  CHECK(us_to_ns(a_holds[1]["ts"]) + us_to_ns(a_holds[1]["dur"]) == us_to_ns(cond["ts"]));
  CHECK(us_to_ns(a_holds[2]["ts"]) == us_to_ns(cond["ts"]) + us_to_ns(cond["dur"]));
}

TEST_CASE("causal edges are flows from the releasing event to the released one", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  require_well_formed(doc);
  std::map<std::string, int> kinds;
  for (const json& f : weft::test::events_of(doc, "s")) ++kinds[f["name"]];
  CHECK(kinds == std::map<std::string, int>{{"item", 1}, {"join", 1}, {"notify", 1}, {"release", 1}, {"start", 2},
                                            {"unlock", 4}});

  // unlock -> acquire: from printer-A's release to printer-B's acquisition.
  const auto start = weft::test::events_of(doc, "s");
  const auto end = weft::test::events_of(doc, "f");
  const auto it = std::find_if(start.begin(), start.end(), [&](const json& e) {
    return us_to_ns(e["ts"]) == static_cast<std::int64_t>(s.at(s.a_unlocks).time_ns);
  });
  REQUIRE(it != start.end());
  CHECK((*it)["name"] == "unlock");
  CHECK((*it)["tid"] == 2);
  const auto f = std::find_if(end.begin(), end.end(), [&](const json& e) { return e["id"] == (*it)["id"]; });
  REQUIRE(f != end.end());
  CHECK((*f)["tid"] == 3);
  CHECK((*f)["bp"] == "e");
  CHECK(us_to_ns((*f)["ts"]) == static_cast<std::int64_t>(s.at(s.b_acquires).time_ns));
  // Each end sits on a one-nanosecond slice naming the event.
  const auto ticks = named(doc, "X", "mutex.released lock_X");
  const auto tick = std::find_if(ticks.begin(), ticks.end(), [&](const json& e) { return e["args"]["event"] == s.a_unlocks; });
  REQUIRE(tick != ticks.end());
  CHECK((*tick)["cat"] == "causal");
  CHECK((*tick)["dur"] == 0.001);
  CHECK((*tick)["tid"] == 2);
  CHECK((*tick)["ts"] == (*it)["ts"]);
}

TEST_CASE("the small trace's flows are exactly the hand-offs it was built with", "[export]") {
  // Written out from small_trace.hpp, not computed: each (name, releasing
  // event, released event) is a hand-off the trace was built to contain.
  // The hand-built trace puts event i at (i + 1) microseconds, so each end
  // of a flow names its event by its time.
  SmallTrace s;
  using Flow = std::tuple<std::string, std::uint64_t, std::uint64_t>;
  const std::vector<Flow> expected{
      {"start", 3, 4},                       // main creates printer-A, which starts
      {"start", 5, 6},                       // main creates printer-B, which starts
      {"unlock", s.a_unlocks, s.b_acquires},  // A lets B's contended lock go
      {"item", s.b_puts, s.a_gets},           // B's put, A's get of it
      {"unlock", 15, 18},                    // B's release, A's next lock
      {"unlock", 20, 21},                    // A's release inside the condition wait, B's lock
      {"notify", s.b_notifies, s.a_woken},    // B's notify_one wakes A
      {"unlock", 23, 24},                    // B's release, A's re-acquisition in its wait
      {"release", s.a_releases_sem, s.b_takes_sem},
      {"join", 32, s.join_end},  // printer-A's end, main's join
  };
  CHECK(s.at(15).kind == EventKind::MutexReleased);
  CHECK(s.at(18).kind == EventKind::MutexAcquired);
  CHECK(s.at(20).kind == EventKind::MutexReleased);
  CHECK(s.at(21).kind == EventKind::MutexAcquired);
  CHECK(s.at(23).kind == EventKind::MutexReleased);
  CHECK(s.at(24).kind == EventKind::MutexAcquired);
  CHECK(s.at(32).kind == EventKind::ThreadEnd);
  const json doc = parsed(s.tm.t);
  std::map<std::uint64_t, json> starts;
  for (const json& e : weft::test::events_of(doc, "s")) starts[e["id"].get<std::uint64_t>()] = e;
  const auto event_at = [&](const json& e) {
    const std::int64_t ns = us_to_ns(e["ts"]);
    REQUIRE(ns % 1000 == 0);
    const auto i = static_cast<std::uint64_t>(ns / 1000 - 1);
    REQUIRE(i < s.tm.t.events.size());
    CHECK(e["tid"] == s.at(i).thread + 1);  // tids are weft's thread ids + 1
    return i;
  };
  std::vector<Flow> flows;
  for (const json& f : weft::test::events_of(doc, "f")) {
    REQUIRE(starts.count(f["id"]));
    const json& start = starts[f["id"]];
    CHECK(start["name"] == f["name"]);
    flows.emplace_back(f["name"], event_at(start), event_at(f));
  }
  CHECK(starts.size() == flows.size());
  auto sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  std::sort(flows.begin(), flows.end());
  CHECK(flows == sorted);
}

TEST_CASE("marks, logs and notifications are thread instants", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  const json mark = only(doc, "i", "A");
  CHECK(mark["cat"] == "mark");
  CHECK(mark["s"] == "t");
  CHECK(mark["tid"] == 2);
  CHECK(us_to_ns(mark["ts"]) == static_cast<std::int64_t>(s.at(s.a_mark).time_ns));
  CHECK(only(doc, "i", "scenario demo")["cat"] == "log");
  const json notify = only(doc, "i", "notify_one turn_changed");
  CHECK(notify["cat"] == "notify");
  CHECK(notify["args"]["waiters"] == 1);
  CHECK(notify["tid"] == 3);
}

TEST_CASE("findings are process instants at the event that completes their proof", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  std::vector<json> findings;
  for (const json& e : weft::test::events_of(doc, "i"))
    if (e["cat"] == "finding") findings.push_back(e);
  REQUIRE(findings.size() == 1);
  const json& race = findings[0];
  CHECK(race["s"] == "p");
  CHECK(race["args"]["kind"] == "data race");
  CHECK(race["args"]["severity"] == "error");
  CHECK(race["args"]["threads"] == "printer-A, printer-B");
  CHECK(race["tid"] == 3);  // printer-B's write completes the race
  CHECK(!race["args"]["explanation"].get<std::string>().empty());

  ChromeOptions quiet;
  quiet.findings = false;
  const json without = json::parse(exported(s.tm.t, quiet));
  for (const json& e : without["traceEvents"]) CHECK(e.value("cat", "") != "finding");
}

TEST_CASE("counters follow queue depth and semaphore value", "[export]") {
  SmallTrace s;
  const json doc = parsed(s.tm.t);
  std::vector<std::uint64_t> depth, value;
  for (const json& e : named(doc, "C", "queue urls")) depth.push_back(e["args"]["depth"]);
  for (const json& e : named(doc, "C", "semaphore slots")) value.push_back(e["args"]["value"]);
  CHECK(depth == std::vector<std::uint64_t>{0, 1, 0});     // empty, put, get
  CHECK(value == std::vector<std::uint64_t>{1, 0, 1, 0});  // initial 1, acquire, release, acquire
  // The queue's counter starts at its creation; the semaphore's, created
  // before the trace says so, just before its first acquisition.
  const auto queue = named(doc, "C", "queue urls");
  CHECK(us_to_ns(queue[0]["ts"]) == static_cast<std::int64_t>(s.at(s.queue_created).time_ns));
  CHECK(us_to_ns(queue[1]["ts"]) == static_cast<std::int64_t>(s.at(s.b_puts).time_ns));
  const auto sem = named(doc, "C", "semaphore slots");
  CHECK(sem[0]["ts"] == sem[1]["ts"]);
}

TEST_CASE("timestamps keep their nanoseconds", "[export]") {
  SmallTrace s;
  for (std::size_t i = 0; i < s.tm.t.events.size(); ++i) s.tm.t.events.modify(i, [i](format::Event& e) { e.time_ns = 1'234'567'000 + i * 1'001; });
  const std::string text = exported(s.tm.t);
  const auto mark_ns = s.at(s.a_mark).time_ns;
  CHECK(mark_ns % 1000 != 0);
  std::ostringstream ts;
  ts << "\"ts\":" << mark_ns / 1000 << "." << std::to_string(1000 + mark_ns % 1000).substr(1);
  CHECK(text.find(ts.str()) != std::string::npos);
  require_well_formed(json::parse(text));
}

TEST_CASE("locks taken hand over hand get an extra track under their thread", "[export]") {
  TraceMaker tm;
  const auto t = tm.thread("walker");
  const auto x = tm.object(ObjectKind::Mutex, "node_1");
  const auto y = tm.object(ObjectKind::Mutex, "node_2");
  tm.lock(t, x);
  tm.lock(t, y);
  tm.unlock(t, x);  // node_2's hold crosses node_1's
  tm.unlock(t, y);
  const json doc = parsed(tm.t);
  require_well_formed(doc);
  const auto extra = weft::test::tid_named(doc, "walker (overlap 1)");
  REQUIRE(extra > 1);
  CHECK(only(doc, "X", "hold node_1")["tid"] == 1);
  CHECK(only(doc, "X", "hold node_2")["tid"] == extra);
}

TEST_CASE("a lock released by another thread ends the holder's hold there", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto m = tm.object(ObjectKind::Mutex, "lock_X");
  tm.lock(a, m);
  tm.add({b, EventKind::MutexReleased, m, 0, format::kFlagNotOwner});
  const json hold = only(parsed(tm.t), "X", "hold lock_X");
  CHECK(hold["tid"] == 1);
  CHECK(hold["args"]["released by"] == "B");
}

TEST_CASE("a recursive lock is one hold from the outermost acquisition to the last release", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("A");
  const auto m = tm.object(ObjectKind::RecursiveMutex, "rlock");
  const auto first = tm.add(a, EventKind::MutexAcquired, m, 1);
  tm.add(a, EventKind::MutexAcquired, m, 2);
  tm.add(a, EventKind::MutexReleased, m, 1);
  const auto last = tm.add(a, EventKind::MutexReleased, m, 0);
  const json hold = only(parsed(tm.t), "X", "hold rlock");
  CHECK(us_to_ns(hold["ts"]) == static_cast<std::int64_t>(tm.t.events[first].time_ns));
  CHECK(us_to_ns(hold["dur"]) == static_cast<std::int64_t>(tm.t.events[last].time_ns - tm.t.events[first].time_ns));
}

TEST_CASE("waits and holds still open when the trace ends last until its end", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto x = tm.object(ObjectKind::Mutex, "lock_X");
  const auto y = tm.object(ObjectKind::Mutex, "lock_Y");
  tm.lock(a, x);
  tm.lock(b, y);
  tm.add(a, EventKind::MutexLockBegin, y);
  const auto last = tm.add(b, EventKind::MutexLockBegin, x);
  tm.end(format::EndReason::Watchdog);
  const json doc = parsed(tm.t);
  require_well_formed(doc);
  const auto end_ns = static_cast<std::int64_t>(tm.t.events[last].time_ns);
  for (const std::string name : {"hold lock_X", "hold lock_Y", "wait lock lock_X", "wait lock lock_Y"}) {
    const json e = only(doc, "X", name);
    INFO(name);
    CHECK(us_to_ns(e["ts"]) + us_to_ns(e["dur"]) == end_ns);
  }
  CHECK(only(doc, "X", "wait lock lock_Y")["args"]["still waiting when the trace ended"] == true);
  CHECK(only(doc, "X", "hold lock_X")["args"]["still held when the trace ended"] == true);
  CHECK(only(doc, "i", "deadlock: 2 threads wait for each other on lock_X, lock_Y")["cat"] == "finding");
}

TEST_CASE("names from the traced program that are not UTF-8 still give valid JSON", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("worker \xFF\"1\"");
  tm.t.texts.push_back("bad \xC3 mark\n");
  tm.add(a, EventKind::Mark, 0, 0);
  const json doc = parsed(tm.t);
  CHECK(weft::test::tid_named(doc, "worker \xEF\xBF\xBD\"1\"") == 1);
  CHECK(only(doc, "i", "bad \xEF\xBF\xBD mark\n")["cat"] == "mark");
}

TEST_CASE("an empty trace is still a valid document", "[export]") {
  TraceMaker tm;
  const json doc = parsed(tm.t);
  CHECK(doc["traceEvents"].size() == 1);  // the process name
  require_well_formed(doc);
}

namespace {

// Counts what reaches the stream and the largest piece at a time.
class CountingBuf : public std::streambuf {
 public:
  std::size_t total = 0, largest = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    total += static_cast<std::size_t>(n);
    largest = std::max(largest, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    ++total;
    return c;
  }
};

}  // namespace

TEST_CASE("a large trace streams out in blocks", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto m = tm.object(ObjectKind::Mutex, "lock_X");
  for (int i = 0; i < 40'000; ++i) {
    const auto t = i % 2 ? a : b;
    tm.add(t, EventKind::MutexLockBegin, m);
    tm.lock(t, m);
    tm.unlock(t, m);
  }
  CountingBuf buf;
  std::ostream out(&buf);
  ChromeOptions options;
  options.findings = false;
  const auto summary = write_chrome_trace(tm.t, out, options);
  CHECK(summary.slices >= 80'000);
  CHECK(buf.total > 8u << 20);         // megabytes of JSON...
  CHECK(buf.largest < (1u << 20) + 4096);  // ...handed over a block at a time
}

TEST_CASE("the export of the small trace matches its golden file", "[export][golden]") {
  SmallTrace s;
  const std::string text = exported(s.tm.t);
  // The golden file is committed and only read here; regenerating it is a
  // manual step (tests/export/data/README.md), never a side effect of a run.
  const std::string path = std::string(WEFT_EXPORT_DATA) + "/small_trace.json";
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  const std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  require_well_formed(json::parse(golden));
  INFO("if the change is meant, regenerate " << path << " by hand as tests/export/data/README.md says, and review the diff");
  CHECK(text == golden);
}

TEST_CASE("what a trace got wrong is an anomaly instant where it shows", "[export]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B");
  const auto m = tm.object(ObjectKind::Mutex, "lock_X");
  tm.lock(a, m);  // its release was lost
  const auto b_locks = tm.add(b, EventKind::MutexAcquired, m, 1);
  tm.unlock(b, m);
  const json doc = parsed(tm.t);
  require_well_formed(doc);
  std::vector<json> anomalies;
  for (const json& e : weft::test::events_of(doc, "i"))
    if (e["cat"] == "anomaly") anomalies.push_back(e);
  REQUIRE(anomalies.size() == 1);
  CHECK(anomalies[0]["args"]["event"] == b_locks);
  CHECK(anomalies[0]["name"].get<std::string>().find("mutex lock_X") != std::string::npos);
  const auto holds = named(doc, "X", "hold lock_X");  // A's, then B's
  REQUIRE(holds.size() == 2);
  CHECK(holds[0]["args"]["release"].get<std::string>().find("lost") != std::string::npos);
}
