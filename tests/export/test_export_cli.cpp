// `weft export` as a user runs it: on a freshly recorded ABC scenario, to a
// file and to stdout, and the one-line errors for what it cannot do.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <tuple>
#include <vector>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "../support/abc_trace.hpp"
#include "chrome_checks.hpp"
#include "weft/format/loader.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;
using weft::test::abc_trace;
using EventKind = weft::format::EventKind;

namespace {

json read_json(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(in);
}

// A causal arrow: its name, and each end's thread (by name) and time.
struct Arrow {
  std::string name;
  std::string from_thread;
  std::int64_t from_ns = 0;
  std::string to_thread;
  std::int64_t to_ns = 0;
  std::uint64_t from_event = 0, to_event = 0;  // indices in the trace (not compared: the JSON's flows do not carry them)
  auto key() const { return std::tie(name, from_thread, from_ns, to_thread, to_ns); }
  bool operator==(const Arrow& o) const { return key() == o.key(); }
  bool operator<(const Arrow& o) const { return key() < o.key(); }
};

std::ostream& operator<<(std::ostream& out, const Arrow& a) {
  return out << a.name << " " << a.from_thread << "@" << a.from_ns << " -> " << a.to_thread << "@" << a.to_ns;
}

// The arrows the ABC trace's events imply, by these rules, each event
// taken in its object's sequence order (the order the primitives record;
// never the clock), and only between two different threads:
//   unlock: a mutex.acquired is let go by the latest mutex.released of the
//           same mutex before it;
//   notify: a cond.wait.end that was notified (arg 0) is woken by the
//           latest cond.notify_one/all of the same condition before it;
//   start:  a thread.start is started by the thread.create before it on
//           the thread's object;
//   join:   a thread.join.end that joined (arg 1) is let go by the
//           thread.end on the joined thread's object.
std::vector<Arrow> expected_arrows(const weft::format::Trace& t) {
  std::map<std::uint32_t, std::vector<std::uint64_t>> by_object;  // object -> events with a sequence number
  for (std::uint64_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].object != 0 && t.events[i].seq != weft::format::kNoSeq) by_object[t.events[i].object].push_back(i);
  std::vector<Arrow> arrows;
  const auto arrow = [&](const char* name, std::optional<std::uint64_t> from, std::uint64_t to) {
    if (!from || t.events[*from].thread == t.events[to].thread) return;
    const auto& a = t.events[*from];
    const auto& b = t.events[to];
    arrows.push_back({name, t.threads.at(a.thread).name, static_cast<std::int64_t>(a.time_ns),
                      t.threads.at(b.thread).name, static_cast<std::int64_t>(b.time_ns), *from, to});
  };
  for (auto& [object, events] : by_object) {
    std::sort(events.begin(), events.end(), [&](auto x, auto y) { return t.events[x].seq < t.events[y].seq; });
    std::optional<std::uint64_t> released, notified, created, ended;
    for (const std::uint64_t i : events) {
      const weft::format::Event& e = t.events[i];
      switch (e.kind) {
        case EventKind::MutexReleased: released = i; break;
        case EventKind::MutexAcquired: arrow("unlock", released, i); break;
        case EventKind::CondNotifyOne:
        case EventKind::CondNotifyAll: notified = i; break;
        case EventKind::CondWaitEnd:
          if (e.arg == 0) arrow("notify", notified, i);
          break;
        case EventKind::ThreadCreate: created = i; break;
        case EventKind::ThreadStart: arrow("start", created, i); break;
        case EventKind::ThreadEnd: ended = i; break;
        case EventKind::ThreadJoinEnd:
          if (e.arg == 1) arrow("join", ended, i);
          break;
        default: break;
      }
    }
  }
  std::sort(arrows.begin(), arrows.end());
  return arrows;
}

// The export's flows ("s" and "f" sharing an id) as arrows; a track is
// its thread's, whatever extra "(overlap N)" track of it the end is on.
std::vector<Arrow> exported_arrows(const json& doc) {
  std::map<std::int64_t, std::string> thread_of;
  for (const json& e : weft::test::events_of(doc, "M"))
    if (e["name"] == "thread_name") {
      std::string name = e["args"]["name"];
      if (const auto cut = name.find(" (overlap "); cut != std::string::npos) name.resize(cut);
      thread_of[e["tid"].get<std::int64_t>()] = name;
    }
  std::map<std::uint64_t, json> starts;
  for (const json& e : weft::test::events_of(doc, "s")) starts[e["id"].get<std::uint64_t>()] = e;
  std::vector<Arrow> arrows;
  for (const json& f : weft::test::events_of(doc, "f")) {
    const auto s = starts.find(f["id"].get<std::uint64_t>());
    REQUIRE(s != starts.end());
    CHECK(s->second["name"] == f["name"]);
    arrows.push_back({f["name"], thread_of[s->second["tid"].get<std::int64_t>()], weft::test::ns_of(s->second["ts"]),
                      thread_of[f["tid"].get<std::int64_t>()], weft::test::ns_of(f["ts"])});
  }
  CHECK(starts.size() == arrows.size());
  std::sort(arrows.begin(), arrows.end());
  return arrows;
}

}  // namespace

TEST_CASE("export writes TRACE.json next to the trace by default", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto r = run_child({WEFT_CLI, "export", trace});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const fs::path out = dir.path() / "abc.json";
  CHECK(one_line(r.out));
  CHECK(r.out.rfind(out.string() + ": ", 0) == 0);
  REQUIRE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(dir.path()))  // no temporary file left behind
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("the ABC scenario's export: named threads, paired flows, marks in order", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const fs::path out = dir.path() / "turns.json";
  const auto r = run_child({WEFT_CLI, "export", trace, "--format", "chrome", "-o", out.string()});
  REQUIRE(r.exit_code == 0);
  const json doc = read_json(out);

  const auto problems = weft::test::check_chrome_trace(doc);
  for (const auto& p : problems.list) UNSCOPED_INFO(p);
  CHECK(problems.list.empty());

  for (const char* name : {"main", "printer-A", "printer-B", "printer-C"}) CHECK(weft::test::tid_named(doc, name) > 0);
  CHECK(doc["otherData"]["program"] == "abc-turns");

  // Every mark, in file order and in time: (ABC) x 10, each on its printer.
  std::string letters;
  double last_ts = -1;
  for (const json& e : weft::test::events_of(doc, "i")) {
    if (e["cat"] != "mark") continue;
    const std::string letter = e["name"];
    letters += letter;
    CHECK(e["tid"] == weft::test::tid_named(doc, "printer-" + letter));
    CHECK(e["ts"].get<double>() >= last_ts);
    last_ts = e["ts"];
  }
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "ABC";
  CHECK(letters == expected);

  // The printers hand the turn over through the lock and the condition:
  // every arrow of the export is exactly one the trace's events imply by
  // the rules of expected_arrows() (not by the analysis the exporter uses).
  const weft::format::Trace loaded = weft::format::load_trace(trace);
  const std::vector<Arrow> implied = expected_arrows(loaded);
  const std::vector<Arrow> exported = exported_arrows(doc);
  CHECK(exported == implied);
  std::map<std::string, int> flows;
  for (const Arrow& a : exported) ++flows[a.name];
  CHECK(flows["start"] == 3);  // main starts the three printers...
  CHECK(flows["join"] == 3);   // ...and joins them
  CHECK(flows["unlock"] > 0);  // how many of the rest there are depends on the run's timing
  CHECK(flows["notify"] > 0);
  // Each end of an arrow sits on a tick naming its event, and ticks are
  // only there for arrows.
  std::set<std::uint64_t> ends, ticks;
  for (const Arrow& a : implied) ends.insert({a.from_event, a.to_event});
  for (const json& e : weft::test::events_of(doc, "X"))
    if (e["cat"] == "causal") ticks.insert(e["args"]["event"].get<std::uint64_t>());
  CHECK(ticks == ends);

  // One slice per blocking wait and per lock hold, counted from the events:
  // a wait begins with mutex.lock.begin, cond.wait.begin or
  // thread.join.begin; a hold ends with each mutex.released (a condition
  // wait releases its mutex, so its hold is split around the wait). How
  // often a printer had to wait for its turn depends on the run's timing
  // (an ASan run once had 24 waits); the three joins are waits whatever the
  // timing, and every letter is printed holding the lock.
  std::size_t begins = 0, releases = 0;
  for (const weft::format::Event& e : loaded.events) {
    begins += e.kind == EventKind::MutexLockBegin || e.kind == EventKind::CondWaitBegin ||
              e.kind == EventKind::ThreadJoinBegin;
    releases += e.kind == EventKind::MutexReleased;
  }
  std::size_t waits = 0, holds = 0;
  for (const json& e : weft::test::events_of(doc, "X")) {
    waits += e["cat"] == "wait";
    holds += e["cat"] == "hold";
  }
  CHECK(waits == begins);
  CHECK(holds == releases);
  CHECK(waits >= 3);
  CHECK(holds >= 30);
}

TEST_CASE("export -o - writes the same JSON to stdout", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto to_stdout = run_child({WEFT_CLI, "export", trace, "-o", "-"});
  REQUIRE(to_stdout.exit_code == 0);
  CHECK(to_stdout.err.empty());
  const auto to_file = run_child({WEFT_CLI, "export", trace});
  REQUIRE(to_file.exit_code == 0);
  std::ifstream in(dir.path() / "abc.json", std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(to_stdout.out == file);
  CHECK_NOTHROW(json::parse(to_stdout.out));
}

TEST_CASE("export refuses what it cannot do in one line, exit status 2", "[export-cli]") {
  TempDir dir;
  const fs::path text = dir.path() / "notes.weft";
  std::ofstream(text) << "this is not a trace\n";
  const std::string missing = (dir.path() / "missing.weft").string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"export"},
       "weft: export: which trace? usage: weft export TRACE [--format chrome|perfetto] [-o FILE|-] [--no-findings]\n"},
      {{"export", "x.weft", "--format", "svg"}, "weft: export: unknown format 'svg' (the formats: chrome, perfetto)\n"},
      {{"export", "x.weft", "--format"}, "weft: export: --format needs a value\n"},
      {{"export", "x.weft", "--colour"}, "weft: export: unknown option --colour\n"},
      {{"export", "a.weft", "b.weft"}, "weft: cannot open a.weft: No such file or directory\n"},
      {{"export", "x.weft", "-o", "x.weft"}, "weft: export: the output would overwrite the trace x.weft\n"},
      {{"export", missing}, "weft: cannot open " + missing + ": No such file or directory\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv{WEFT_CLI};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run_child(argv);
    INFO(c.message);
    CHECK(r.exit_code == 2);
    CHECK(r.err == c.message);
    CHECK(r.out.empty());
  }
  const auto corrupt = run_child({WEFT_CLI, "export", text.string()});
  CHECK(corrupt.exit_code == 2);
  CHECK(one_line(corrupt.err));
  CHECK(corrupt.err.find("not a weft trace") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "notes.json"));
}

TEST_CASE("traces recorded on 2026-12-01 keep their verdicts and export", "[export-cli]") {
  // tests/format/data: scenario traces recorded that day (what they hold is
  // checked in tests/format/test_recorded.cpp). Their findings, written out
  // as `weft check` gave them then.
  struct Verdict {
    std::string file;
    int status;
    std::string summary;                // the end of `weft check`'s first line
    std::vector<std::string> findings;  // kind: title, in order
  };
  const Verdict verdicts[] = {
      {"thread-pool-callbacks-2026-12-01.weft", 0, ": no findings (clean)\n", {}},
      {"lock-chain-mutex-2026-12-01.weft",
       1,
       ": 5 findings (5 misuse)\n",
       {"misuse: task1 unlocks lock2, held by main, at lock_chain_mutex.cpp:43",
        "misuse: task2 unlocks lock3, held by main, at lock_chain_mutex.cpp:43",
        "misuse: task3 unlocks lock1, held by task1, at lock_chain_mutex.cpp:43",
        "misuse: main unlocks lock2, held by task2, at lock_chain_mutex.cpp:56",
        "misuse: main unlocks lock3, held by task3, at lock_chain_mutex.cpp:57"}},
      {"queue-nowait-squares-2026-12-01.weft",
       1,
       ": 1 finding (1 data race)\n",
       {"data race: data race on results: write at queue_nowait_squares.cpp:79 and read at queue_nowait_squares.cpp:79 "
        "(16 times)"}},
  };
  TempDir dir;
  for (const Verdict& v : verdicts) {
    INFO(v.file);
    const std::string trace = std::string(WEFT_FORMAT_DATA) + "/" + v.file;
    const auto text = run_child({WEFT_CLI, "check", trace});
    CHECK(text.exit_code == v.status);
    const std::string first = text.out.substr(0, text.out.find('\n') + 1);
    CHECK(first == "weft check " + trace + v.summary);
    const auto as_json = run_child({WEFT_CLI, "check", trace, "--format", "json"});
    CHECK(as_json.exit_code == v.status);
    std::vector<std::string> findings;
    const json report = json::parse(as_json.out);
    for (const json& f : report["findings"])
      findings.push_back(f["kind"].get<std::string>() + ": " + f["title"].get<std::string>());
    CHECK(findings == v.findings);

    const fs::path out = dir.path() / (v.file + ".json");
    const auto exported = run_child({WEFT_CLI, "export", trace, "-o", out.string()});
    REQUIRE(exported.exit_code == 0);
    const json doc = read_json(out);
    const auto problems = weft::test::check_chrome_trace(doc);
    for (const auto& p : problems.list) UNSCOPED_INFO(p);
    CHECK(problems.list.empty());
    std::size_t finding_instants = 0;
    for (const json& e : weft::test::events_of(doc, "i")) finding_instants += e["cat"] == "finding";
    CHECK(finding_instants == v.findings.size());
  }
}
