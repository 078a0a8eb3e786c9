// weft-compare as its user meets it: a --quick run lists every workload
// with a positive time under each variant (weft record's included), the
// trace size per event of weft and of weft record, and the peak memories, then the goals and the analysis of a real trace; bad
// arguments are refused with one line and exit status 2. Whether a goal is
// met is never asserted: timings are the runner's to report, not a test's.
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "weft/format/loader.hpp"
#include "workloads.hpp"

using weft::test::one_line;
using weft::test::run_child;

namespace {

weft::test::ChildOptions long_run() {
  weft::test::ChildOptions o;
  o.timeout = std::chrono::milliseconds(240'000);
  return o;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) out.push_back(text.substr(at, nl - at));
  return out;
}

// The text table's cells: columns are separated by two spaces or more, and
// no cell holds two spaces in a row.
std::vector<std::string> cells(const std::string& line) {
  static const std::regex gap(" {2,}");
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(line.begin(), line.end(), gap, -1), end; it != end; ++it)
    if (!it->str().empty()) out.push_back(*it);
  return out;
}

// "12.3 [11.9–13.0]" or "12.3 (4.56x) [11.9–13.0]": the median time, the
// ratio if there is one, and the spread of the runs, which must hold the
// median.
bool time_cell(const std::string& cell, double& ns, double& ratio) {
  static const std::regex pattern(R"(([0-9.]+)(?: \(([0-9.]+)x\))? \[([0-9.]+)–([0-9.]+)\])");
  std::smatch m;
  if (!std::regex_match(cell, m, pattern)) return false;
  ns = std::stod(m[1]);
  ratio = m[2].matched ? std::stod(m[2]) : 0;
  const double fastest = std::stod(m[3]), slowest = std::stod(m[4]);
  return fastest <= ns && ns <= slowest;
}

const std::string* row_of(const std::vector<std::string>& ls, std::string_view workload) {
  for (const std::string& l : ls)
    if (l.rfind(std::string(workload) + " ", 0) == 0) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("weft-compare --quick: every workload, a positive time per op under std, clock, weft, record and tsan", "[compare]") {
  const auto r = run_child({WEFT_COMPARE, "--quick", "--no-helgrind"}, long_run());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE_FALSE(r.timed_out);
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);

  for (const auto& w : weft::compare::kWorkloads) {
    INFO("workload " << w.name);
    const std::string* row = row_of(ls, w.name);
    REQUIRE(row != nullptr);
    const auto c = cells(*row);
    // workload | ops | std | clock | weft | record | tsan | helgrind | weft B/event | record B/event | RSS
    REQUIRE(c.size() == 11);
    double ns = 0, ratio = 0;
    REQUIRE(time_cell(c[2], ns, ratio));
    CHECK(ns > 0);
    // The clock floor runs on the uncontended loop and says "-" for the
    // rest.
    const bool floor_modelled = w.name == "uncontended";
    for (int v : {3, 4, 5, 6}) {
      INFO("column " << v << ": " << c[static_cast<std::size_t>(v)]);
      if (v == 3 && !floor_modelled) {
        CHECK(c[3] == "-");
        continue;
      }
      REQUIRE(time_cell(c[static_cast<std::size_t>(v)], ns, ratio));
      CHECK(ns > 0);
      CHECK(ratio > 0);
    }
    CHECK(c[7] == "-");  // --no-helgrind
    for (int b : {8, 9}) {  // weft's, record's
      INFO("column " << b << ": " << c[static_cast<std::size_t>(b)]);
      const double bytes_per_event = std::stod(c[static_cast<std::size_t>(b)]);
      CHECK(bytes_per_event > 0);
      CHECK(bytes_per_event < 100);  // sanity (a size, not the goal): a wrong count would be far off
    }
    // Peak RSS: std / clock / weft / record / tsan positive (clock: where
    // it runs), helgrind not run.
    std::smatch m;
    REQUIRE(std::regex_match(c[10], m, std::regex(R"(([0-9.]+) / ([0-9.]+|-) / ([0-9.]+) / ([0-9.]+) / ([0-9.]+) / -)")));
    for (int k = 1; k <= 5; ++k)
      if (k != 2 || floor_modelled) CHECK(std::stod(m[k]) > 0);
  }

  // The goals, each with a verdict; one beside-TSan line per workload,
  // "unclear" where TSan's own cost is inside std's run-to-run spread.
  CHECK(contains(r.out, "weft slowdown on uncontended"));
  // Under the uncontended goal, the clock's floor and weft's time over it;
  // the cost per event, judged, with the clock's part of it.
  {
    const std::string workload = "uncontended";
    std::smatch f;
    REQUIRE(std::regex_search(r.out, f,
                              std::regex("floor: std \\+ a clock read per event, on " + workload +
                                         R"(\s+([0-9.]+)x \(runs ([0-9.]+)x–([0-9.]+)x\); weft takes ([0-9.]+)x the floor's time\s+floor)")));
    CHECK(std::stod(f[1]) > 0);
    CHECK(std::stod(f[2]) <= std::stod(f[1]));
    CHECK(std::stod(f[1]) <= std::stod(f[3]));
    CHECK(std::stod(f[4]) > 0);
  }
  {
    std::smatch e;
    REQUIRE(std::regex_search(r.out, e,
                              std::regex(R"(cost per event ≤ 5 ns \(uncontended: weft's added time per event\)\s+(-?[0-9.]+) ns \(runs (-?[0-9.]+)–(-?[0-9.]+)\), of which the clock read (-?[0-9.]+) ns\s+(met|MISSED))")));
    CHECK(std::stod(e[2]) <= std::stod(e[1]));
    CHECK(std::stod(e[1]) <= std::stod(e[3]));
  }
  CHECK(contains(r.out, "weft record: uncontended lock/unlock"));
  CHECK(contains(r.out, "bytes/event"));
  for (const auto& w : weft::compare::kWorkloads)
    for (const std::string who : {"weft's", "weft record's"}) {
      INFO(who << " " << w.name);
      bool judged = false;
      for (const std::string& l : ls)
        judged = judged || (l.rfind(who + " added time ≤ half TSan's: " + std::string(w.name), 0) == 0 &&
                            (contains(l, "met") || contains(l, "MISSED") || contains(l, "unclear")));
      CHECK(judged);
    }

  // The analysis: a real trace of at least a million events, its check (and
  // the check's two stages) and the viewer's opening, each with a figure.
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(([0-9,]+) events, [0-9.]+ MB \(([0-9.]+) B/event\))")));
  const std::string events = std::regex_replace(m[1].str(), std::regex(","), "");
  CHECK(std::stoull(events) >= 1'000'000);
  CHECK(std::stod(m[2]) > 0);
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(weft check .*?([0-9.]+) s, ([0-9.]+) M events/s)")));
  CHECK(std::stod(m[2]) > 0);
  for (const char* stage : {"reading the file", "the detectors, in memory"}) {
    INFO(stage);
    REQUIRE(std::regex_search(r.out, m, std::regex(std::string(stage) + R"(.*?([0-9.]+) s, ([0-9.]+) M events/s)")));
    CHECK(std::stod(m[2]) > 0);
  }
  // Peak memory over the events: the process holds at least the events' ids
  // and times, far from nothing, and far below a copy per detector.
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(peak memory per event\s+([0-9.]+) B/event\s+≤ 24 B/event\s+(met|MISSED))")));
  CHECK(std::stod(m[1]) > 1);
  CHECK(std::stod(m[1]) < 1000);
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(viewer open_document.*?([0-9.]+) s, peak RSS ([0-9.]+) MB\s+≤ 1 s\s+(met|MISSED))")));
  CHECK(std::stod(m[2]) > 0);
  // Judged on the median of the rounds (three by default), the fastest and
  // slowest run beside it; the median lies between them.
  for (const char* what : {"weft check \\(wall, as a subprocess\\)", "viewer open_document"}) {
    INFO(what);
    REQUIRE(std::regex_search(r.out, m, std::regex(std::string(what) + R"([^\n]*?([0-9.]+) s[^\n]*runs ([0-9.]+)–([0-9.]+) s)")));
    CHECK(std::stod(m[2]) <= std::stod(m[1]));
    CHECK(std::stod(m[1]) <= std::stod(m[3]));
  }
  // Explored runs per second, forked and spawned, both scenarios: the
  // median's rate within the rates of the slowest and fastest run.
  for (const char* scenario : {"abc-turns", "lock-order-deadlock"}) {
    INFO(scenario);
    REQUIRE(std::regex_search(r.out, m, std::regex(std::string("weft explore ") + scenario +
                                                   R"( --runs [0-9]+\s+[0-9.]+ s, ([0-9]+) runs/s \[([0-9]+)–([0-9]+)\] \((clean|found)\)\s+[0-9.]+ s, [0-9]+ runs/s \[[0-9]+–[0-9]+\] \((clean|found)\)\s+≥ 200 runs/s\s+(met|MISSED))")));
    CHECK(std::stoi(m[2]) <= std::stoi(m[1]));
    CHECK(std::stoi(m[1]) <= std::stoi(m[3]));
  }
  CHECK_FALSE(contains(r.out, "FAILED"));
}

TEST_CASE("weft-compare --markdown: GitHub tables", "[compare]") {
  const auto r = run_child({WEFT_COMPARE, "--quick", "--no-helgrind", "--markdown", "--only", "uncontended"}, long_run());
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);
  CHECK(row_of(ls, "| uncontended") != nullptr);
  CHECK(row_of(ls, "| contended-2") == nullptr);  // --only
  CHECK(contains(r.out, "|---|---:|"));
  CHECK(contains(r.out, "| weft check (wall, as a subprocess) |"));
}

TEST_CASE("weft-compare --help: the usage, each flag explained, the workloads", "[compare]") {
  for (const char* flag : {"--help", "-h"}) {
    const auto r = run_child({WEFT_COMPARE, flag});
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out,
                   "usage: weft-compare [--quick] [--markdown] [--no-helgrind] [--only WORKLOAD] [--rounds N] [--scale]\n"));
    for (const char* option : {"--quick", "--markdown", "--no-helgrind", "--only WORKLOAD", "--rounds N", "--scale"}) {
      INFO(option);
      CHECK(std::regex_search(r.out, std::regex("\n  " + std::string(option) + " {2,}[a-z]")));
    }
    for (const auto& w : weft::compare::kWorkloads) CHECK(contains(r.out, "\n  " + std::string(w.name) + " "));
  }
}

TEST_CASE("weft-compare: an unknown option or workload is one line and exit status 2", "[compare]") {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--bogus"}, {"--only", "nope"}, {"--only"}, {"extra"},
                                               {"--quick=yes"}, {"--scale=1"}, {"--rounds", "0"}, {"--rounds", "x"}, {"--rounds", "51"}}) {
    std::vector<std::string> argv = {WEFT_COMPARE};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_child(argv);
    INFO(args.front() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.out.empty());
  }
}

TEST_CASE("compare_std, compare_clock and compare_weft: one line of figures, and exit status 2 for bad arguments",
          "[compare]") {
  const auto ok = run_child({WEFT_COMPARE_STD, "contended-4", "10"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("workload=contended-4 ops=8 ns=", 0) == 0);  // 2 per thread: the multiple of 4 below 10

  for (const std::vector<std::string>& argv : {std::vector<std::string>{WEFT_COMPARE_STD, "nope", "10"},
                                                {WEFT_COMPARE_STD, "queue", "0"},
                                                {WEFT_COMPARE_STD, "queue", "-5"},
                                                {WEFT_COMPARE_STD, "queue", "12x"},
                                                {WEFT_COMPARE_STD, "queue"},
                                                {WEFT_COMPARE_STD, "queue", "10", "trace.weft"},
                                                {WEFT_COMPARE_WEFT_BIN, "nope", "10"},
                                                // what the clock floor cannot stamp is refused, not run as std
                                                {WEFT_COMPARE_CLOCK_BIN, "queue", "10"},
                                                {WEFT_COMPARE_CLOCK_BIN, "share", "10"}}) {
    const auto r = run_child(argv);
    INFO(argv[1] << " " << (argv.size() > 2 ? argv[2] : "") << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
  }
  const auto floor = run_child({WEFT_COMPARE_CLOCK_BIN, "uncontended", "10"});
  CHECK(floor.exit_code == 0);
  CHECK(floor.out.rfind("workload=uncontended ops=10 ns=", 0) == 0);

  // The traced program's trace holds its workload: 100 items put and got.
  const weft::test::TempDir dir;
  const std::string trace = dir.file("queue.weft");
  const auto traced = run_child({WEFT_COMPARE_WEFT_BIN, "queue", "100", trace});
  CHECK(traced.exit_code == 0);
  CHECK(traced.out.rfind("workload=queue ops=100 ns=", 0) == 0);
  const auto t = weft::format::load_trace(trace);
  std::size_t puts = 0, gets = 0;
  for (const auto& e : t.events) {
    puts += e.kind == weft::format::EventKind::QueuePut;
    gets += e.kind == weft::format::EventKind::QueueGet;
  }
  CHECK(puts == 100);
  CHECK(gets == 100);
}
