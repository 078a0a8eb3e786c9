// weft-compare: what tracing with weft costs next to the alternatives, in
// one command. The same workloads (workloads.hpp) run untraced (std),
// traced by weft's own primitives (weft), the unmodified std program run by
// `weft record` through its preload library (record), under ThreadSanitizer
// and under Helgrind, each in a child process of its own; the table gives
// time per operation with its ratio to std, the trace size per event of
// weft and of record, and every variant's peak memory, then the goals met
// or missed, beside the clock floor under the recording goals (the std
// program with one read of weft's event clock per event it would record:
// clock_primitives.hpp). A second part records a real trace of ten million events and
// times what reads it: `weft check` and the viewer's opening. A third times
// `weft explore` (explored runs per second).
//
//   weft-compare [--quick] [--markdown] [--no-helgrind] [--only WORKLOAD] [--rounds N] [--scale]
//
// --scale adds a fourth part, minutes long and ~10 GB of disk: a trace of a
// billion events recorded and checked, and one of a hundred million opened
// by the viewer, each with its time and peak memory.
//
// Times are medians of three runs (--rounds N for more; std, clock, weft,
// record and tsan interleaved, so that drift on a busy machine hits them
// all alike), each with its spread: the fastest and slowest run, and for a ratio
// the lowest and highest of the per-round ratios (round i's weft over round
// i's std), so a bimodal variant shows as a wide range, not a lucky median.
// The reading and exploring parts run each command as many times, one after
// another, and judge the median run. Helgrind, orders of
// magnitude slower, runs once on a fiftieth of the operations: per-op times
// are what is compared. A variant that fails or times out shows as FAILED
// with the reason below the table; the rest still run, and the exit status
// is 1. Missed goals are reported, never an error: they are measurements.
//
// record runs `weft record -o TMP -- compare_std WORKLOAD OPS` with the real
// weft binary (WEFT_CLI; libweft_preload.so beside it). Its ns/op is the
// program's own line, as for std. Its peak RSS is what wait4 says of `weft
// record`, which on Linux includes the children it waited for: the larger of
// weft record's own peak and the traced program's (weft record stays small,
// so in practice the program's). Before the rounds, one tiny recorded run
// checks that weft record works at all; if not, every record cell points to
// one note saying why, and the other variants still run.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "clock_primitives.hpp"
#include "spawner.hpp"
#include "table.hpp"
#include "weft/support/command_line.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/summary.hpp"
#include "workloads.hpp"

namespace {

namespace fs = std::filesystem;
using weft::compare::spawner;
using weft::compare::table;
using child_result = weft::subprocess::result;

constexpr int kDefaultRounds = 3;
constexpr int kHelgrindDivisor = 50;  // Helgrind runs ops / 50
constexpr double kGoalUncontended = 1.5, kGoalBytesPerEvent = 16, kGoalCheckEventsPerSecond = 30e6;
constexpr double kGoalCheckBytesPerEvent = 24;  // weft check's peak memory over the trace's events
constexpr double kGoalViewerOpenSeconds = 1;
constexpr double kGoalShare = 3;  // lock, read, write, unlock: four events per op
constexpr double kGoalRecordUncontended = 2;  // weft record on an unmodified program
constexpr double kGoalEventNs = 5;  // what one recorded event adds to the uncontended loop
constexpr double kUncontendedEventsPerOp = 2;  // mutex.acquired, mutex.released
constexpr double kGoalExploredRunsPerSecond = 200;  // weft explore on a small scenario
constexpr std::uint64_t kFullExploreRuns = 500, kQuickExploreRuns = 50;
// --scale: a billion-event trace checked, a hundred-million-event one opened.
constexpr std::uint64_t kScaleCheckOps = 500'000'000, kScaleCheckEvents = 1'000'000'000;  // uncontended: 2 per op
constexpr std::uint64_t kScaleViewOps = 50'000'000, kScaleViewEvents = 100'000'000;      // contended-4: at least 2
constexpr double kGoalMachineBytes = 24.0 * 1024 * 1024 * 1024;  // this machine's memory: the billion must fit
constexpr double kGoalViewerScaleBytes = 4e9;  // as printed: decimal GB

// In the order of the table's columns.
enum variant { kStd, kClock, kWeft, kRecord, kTsan, kHelgrind, kVariants };
constexpr const char* kVariantNames[kVariants] = {"std", "clock", "weft", "record", "tsan", "helgrind"};

// How many operations each workload runs. Full: a few tenths of a second
// to a second per run for std and weft on a 2-core machine; TSan, 5-30x
// slower here, gets fewer where it would dominate the run (per-op times are
// what is compared); record runs std's count. weft's trace of the first run
// is loaded whole for its bytes/event, so no workload records more than
// about 20 M events (1.5 GB loaded): two per op for uncontended and
// contended, four for share. record's trace is only summarized (its END
// record's count), never loaded.
struct plan_entry {
  std::string_view workload;
  std::uint64_t ops, tsan_ops;
};
constexpr plan_entry kFullPlan[] = {
    {"uncontended", 10'000'000, 5'000'000}, {"contended-2", 8'000'000, 4'000'000},
    {"contended-4", 8'000'000, 4'000'000},  {"cond-pingpong", 50'000, 50'000},
    {"queue", 2'000'000, 500'000},          {"share", 4'000'000, 2'000'000},
};
constexpr plan_entry kQuickPlan[] = {
    {"uncontended", 200'000, 100'000}, {"contended-2", 100'000, 50'000}, {"contended-4", 100'000, 50'000},
    {"cond-pingpong", 5'000, 5'000},   {"queue", 50'000, 25'000},        {"share", 100'000, 50'000},
};
// The analysis trace: contended-4 records at least two events (acquired,
// released) per op, so these op counts guarantee the event counts.
constexpr std::uint64_t kFullTraceOps = 5'000'000, kFullTraceEvents = 10'000'000;
constexpr std::uint64_t kQuickTraceOps = 500'000, kQuickTraceEvents = 1'000'000;

struct options {
  bool quick = false, markdown = false, helgrind = true, scale = false;
  int rounds = kDefaultRounds;
  std::string only;
};

// One variant of one workload, over its runs.
struct measurement {
  std::uint64_t ops = 0;
  std::vector<double> ns_per_op;
  long peak_rss_kb = 0;
  std::string error;   // the first failure; no more runs after it
  bool error_everywhere = false;  // the variant cannot run at all: one note for every row
  std::string remark;  // worth knowing, not a failure (a Helgrind report)
  bool not_modelled = false;  // clock: a workload the floor does not model, not run
  double bytes_per_event = -1;  // weft and record: the trace of the first run
  std::string trace_error;
  bool ok() const { return error.empty() && !ns_per_op.empty(); }
  double median() const { return median_of(ns_per_op); }
  double fastest() const { return *std::min_element(ns_per_op.begin(), ns_per_op.end()); }
  double slowest() const { return *std::max_element(ns_per_op.begin(), ns_per_op.end()); }

  static double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  }
};

// A variant's ratio to std round by round (both measured in the same round,
// so drift on the machine cancels): the median and the range.
struct ratio_spread {
  double median = 0, low = 0, high = 0;
};
ratio_spread ratios(const measurement& m, const measurement& base) {
  std::vector<double> r;
  for (std::size_t i = 0; i < m.ns_per_op.size() && i < base.ns_per_op.size(); ++i) r.push_back(m.ns_per_op[i] / base.ns_per_op[i]);
  if (r.empty()) return {};
  return {measurement::median_of(r), *std::min_element(r.begin(), r.end()), *std::max_element(r.begin(), r.end())};
}

// What a variant adds to each of an op's `events`, in ns, round by round
// against std (the same pairing as ratios()).
ratio_spread added_per_event(const measurement& m, const measurement& base, double events) {
  std::vector<double> d;
  for (std::size_t i = 0; i < m.ns_per_op.size() && i < base.ns_per_op.size(); ++i)
    d.push_back((m.ns_per_op[i] - base.ns_per_op[i]) / events);
  if (d.empty()) return {};
  return {measurement::median_of(d), *std::min_element(d.begin(), d.end()), *std::max_element(d.begin(), d.end())};
}

struct row {
  plan_entry plan;
  measurement m[kVariants];
};

// ---------------------------------------------------------------- formatting

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
// Three significant figures or so: 9.87, 98.7, 987.
std::string ns(double v) { return fixed(v, v < 10 ? 2 : v < 100 ? 1 : 0); }
std::string ratio(double v) { return ns(v) + "x"; }
// " [fastest–slowest]" of a variant's runs; nothing for a single run.
std::string spread(const struct measurement& m) {
  if (m.ns_per_op.size() < 2) return "";
  return " [" + ns(m.fastest()) + "–" + ns(m.slowest()) + "]";
}
std::string mb(long kb) {
  const double v = double(kb) / 1024;
  return fixed(v, v < 10 ? 1 : 0);
}
std::string count(std::uint64_t n) {  // 20000000 -> 20M, 400000 -> 400k
  if (n >= 1'000'000 && n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "M";
  if (n >= 1'000 && n % 1'000 == 0) return std::to_string(n / 1'000) + "k";
  return std::to_string(n);
}
std::string grouped(std::uint64_t n) {  // 10000016 -> 10,000,016
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void heading(const options& o, const std::string& title) {
  std::printf(o.markdown ? "\n**%s**\n\n" : "\n%s\n", title.c_str());
}

// ---------------------------------------------------------------- running

// `key=value` from a child's line (space-separated fields); false if absent
// or not a number.
bool field(const std::string& line, const std::string& key, std::uint64_t& out) {
  for (std::size_t at = 0; at < line.size();) {
    const std::size_t end = std::min(line.find_first_of(" \n", at), line.size());
    if (line.compare(at, key.size() + 1, key + "=") == 0) {
      const std::string value = line.substr(at + key.size() + 1, end - at - key.size() - 1);
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) return false;
      out = std::stoull(value);
      return true;
    }
    at = end + 1;
  }
  return false;
}

// One command run `rounds` times (the reading and exploring rows): each
// run's seconds, the largest peak RSS of them, and what the runs printed;
// the first run that fails stops them. A run's figure is its wall time,
// or with `seconds_field` the nanoseconds it printed under that name (the
// viewer's open times itself, without the process's start and exit).
struct repeated {
  std::vector<double> seconds;
  std::vector<child_result> runs;  // the runs that succeeded, in order
  long peak_rss_kb = 0;
  std::string error;  // why a run failed, if one did
  bool ok() const { return error.empty() && !seconds.empty(); }
  double median() const { return measurement::median_of(seconds); }
  double fastest() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double slowest() const { return *std::max_element(seconds.begin(), seconds.end()); }
  // ", runs fastest–slowest s"; nothing for a single run.
  std::string spread() const {
    if (seconds.size() < 2) return "";
    return ", runs " + fixed(fastest(), 2) + "–" + fixed(slowest(), 2) + " s";
  }
};
using run_check = bool (*)(const child_result&);
inline bool exited_zero(const child_result& r) { return r.exited(0); }
// weft check and weft explore: 1 is a complete run that found something
// (findings; the scenario's bug, as it should), not a failure.
inline bool exited_zero_or_one(const child_result& r) { return r.exited(0) || r.exited(1); }
repeated run_repeated(spawner& children, const std::vector<std::string>& argv, const weft::subprocess::options& co,
                      int rounds, run_check succeeded = exited_zero, const char* seconds_field = nullptr) {
  repeated out;
  for (int i = 0; i < rounds; ++i) {
    child_result r = children.run(argv, co);
    if (!succeeded(r)) {
      out.error = r.failure();
      break;
    }
    double seconds = double(r.wall.count()) / 1e9;
    if (seconds_field) {
      std::uint64_t ns = 0;
      if (!field(r.out, seconds_field, ns)) {
        out.error = "unexpected output: " + r.out.substr(0, r.out.find('\n'));
        break;
      }
      seconds = double(ns) / 1e9;
    }
    out.seconds.push_back(seconds);
    out.peak_rss_kb = std::max(out.peak_rss_kb, r.max_rss_kb);
    out.runs.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> command(variant v, const plan_entry& p, std::uint64_t ops, const std::string& trace) {
  const std::string w(p.workload), n = std::to_string(ops);
  switch (v) {
    case kStd: return {WEFT_COMPARE_STD, w, n};
    case kClock: return {WEFT_COMPARE_CLOCK_BIN, w, n};
    case kWeft: return {WEFT_COMPARE_WEFT_BIN, w, n, trace};
    case kRecord: return {WEFT_CLI, "record", "-o", trace, "--", WEFT_COMPARE_STD, w, n};
    case kTsan: return {WEFT_COMPARE_TSAN, w, n};
    default: return {"valgrind", "--tool=helgrind", "-q", WEFT_COMPARE_STD, w, n};
  }
}

// One run of one variant; a failure goes into m.error.
void run_once(spawner& children, variant v, const plan_entry& p, const std::string& trace, measurement& m) {
  weft::subprocess::options co = weft::compare::child_options();
  if (v == kWeft) co.env["WEFT_TRACE"] = trace;  // as the TRACE argument: nothing lands in the working directory
  const child_result r = children.run(command(v, p, m.ops, trace), co);
  if (!r.exited(0)) {
    m.error = r.failure();
    return;
  }
  std::uint64_t ops = 0, elapsed = 0;
  if (!field(r.out, "ops", ops) || !field(r.out, "ns", elapsed) || ops == 0 || elapsed == 0) {
    m.error = "unexpected output: " + r.out.substr(0, r.out.find('\n'));
    return;
  }
  // Helgrind (-q) prints only what it finds: on these race-free programs a
  // report is a false positive, worth a remark; the time still stands.
  if (v == kHelgrind && r.err.find("Possible data race") != std::string::npos)
    m.remark = "Helgrind reported a possible data race (a false positive: the program is race-free)";
  else if (v == kHelgrind && r.err.find("==") != std::string::npos)
    m.remark = "Helgrind printed: " + r.err.substr(0, r.err.find('\n'));
  m.ns_per_op.push_back(double(elapsed) / double(ops));
  m.peak_rss_kb = std::max(m.peak_rss_kb, r.max_rss_kb);
}

// weft's trace bytes per event: the file's size over the events the
// project's own loader finds in it.
void weft_bytes_per_event(const std::string& trace, measurement& m) {
  try {
    const std::uint64_t bytes = fs::file_size(trace);
    const std::size_t events = weft::format::load_trace(trace).events.size();
    if (events == 0) m.trace_error = "the trace holds no events";
    else m.bytes_per_event = double(bytes) / double(events);
  } catch (const std::exception& e) {
    m.trace_error = e.what();
  }
}

// record's: the file's size over the events its END record counts
// (format::summarize_trace, which reads no event). An unfinished trace is a
// failure; events dropped for full buffers, a remark.
void record_bytes_per_event(const std::string& trace, measurement& m) {
  try {
    const std::uint64_t bytes = fs::file_size(trace);
    const weft::format::TraceSummary s = weft::format::summarize_trace(trace);
    if (!s.complete()) m.trace_error = "the trace is unfinished (no END record)";
    else if (s.events == 0) m.trace_error = "the trace holds no events";
    else m.bytes_per_event = double(bytes) / double(s.events);
    if (s.dropped > 0) m.remark = std::to_string(s.dropped) + " events dropped (buffers full)";
  } catch (const std::exception& e) {
    m.trace_error = e.what();
  }
}

// One tiny recorded run before any timing: "" if weft record works here,
// else why not (the preload library missing, say).
std::string record_works(spawner& children, const fs::path& dir) {
  const std::string trace = (dir / "probe.weft").string();
  const child_result r = children.run({WEFT_CLI, "record", "-o", trace, "--", WEFT_COMPARE_STD, "uncontended", "1"});
  std::error_code ignored;
  const bool wrote = fs::exists(trace, ignored);
  fs::remove(trace, ignored);
  if (!r.exited(0)) return "weft record cannot run compare_std: " + r.failure();
  if (!wrote) return "weft record ran compare_std but wrote no trace: " + r.err.substr(0, r.err.find('\n'));
  return {};
}

void measure(spawner& children, row& r, const options& o, const fs::path& dir, const std::string& record_problem) {
  r.m[kStd].ops = r.m[kClock].ops = r.m[kWeft].ops = r.m[kRecord].ops = r.plan.ops;
  r.m[kClock].not_modelled = !weft::compare::clock_primitives::models(r.plan.workload);
  r.m[kTsan].ops = r.plan.tsan_ops;
  r.m[kHelgrind].ops = std::max<std::uint64_t>(1, r.plan.ops / kHelgrindDivisor);
  if (!record_problem.empty()) {
    r.m[kRecord].error = record_problem;
    r.m[kRecord].error_everywhere = true;
  }
  for (int round = 0; round < o.rounds; ++round) {
    for (variant v : {kStd, kClock, kWeft, kRecord, kTsan}) {
      measurement& m = r.m[v];
      if (!m.error.empty() || m.not_modelled) continue;
      const std::string trace =
          (dir / (std::string(r.plan.workload) + "-" + std::to_string(round) + "-" + kVariantNames[v] + ".weft")).string();
      run_once(children, v, r.plan, trace, m);
      if (round == 0 && m.error.empty()) {
        if (v == kWeft) weft_bytes_per_event(trace, m);
        if (v == kRecord) record_bytes_per_event(trace, m);
      }
      if (v == kWeft || v == kRecord) {
        std::error_code ignored;
        fs::remove(trace, ignored);
      }
    }
  }
  if (o.helgrind) run_once(children, kHelgrind, r.plan, {}, r.m[kHelgrind]);
}

// ---------------------------------------------------------------- reporting

// Failures and remarks, numbered as the tables refer to them.
struct footnotes {
  std::vector<std::string> lines;
  std::string mark(const std::string& text) {  // the same text, the same number
    const auto at = std::find(lines.begin(), lines.end(), text);
    if (at != lines.end()) return "[" + std::to_string(at - lines.begin() + 1) + "]";
    lines.push_back(text);
    return "[" + std::to_string(lines.size()) + "]";
  }
  std::string add(const std::string& failure) { return "FAILED " + mark(failure); }
};

void print_results(const std::vector<row>& rows, const options& o, footnotes& notes) {
  table t;
  t.header = {"workload",     "ops (tsan, helgrind)", "std ns/op",    "clock ns/op",    "weft ns/op",
              "record ns/op", "tsan ns/op",           "helgrind ns/op", "weft B/event", "record B/event",
              "peak RSS MB std / clock / weft / record / tsan / helgrind"};
  t.numeric = {false, true, true, true, true, true, true, true, true, true, true};
  for (const row& r : rows) {
    const std::string name(r.plan.workload);
    std::vector<std::string> cells = {name, count(r.plan.ops) + " (" + count(r.m[kTsan].ops) + ", " +
                                                (o.helgrind ? count(r.m[kHelgrind].ops) : "-") + ")"};
    const measurement& base = r.m[kStd];
    for (int v = kStd; v < kVariants; ++v) {
      const measurement& m = r.m[v];
      if ((v == kHelgrind && !o.helgrind) || m.not_modelled) cells.push_back("-");
      else if (!m.ok()) cells.push_back(notes.add((m.error_everywhere ? "" : name + " ") + kVariantNames[v] + ": " + m.error));
      else if (v == kStd || v == kHelgrind || !base.ok()) cells.push_back(ns(m.median()) + spread(m));
      else cells.push_back(ns(m.median()) + " (" + ratio(m.median() / base.median()) + ")" + spread(m));
      if (!m.remark.empty()) cells.back() += " " + notes.mark(name + " " + kVariantNames[v] + ": " + m.remark);
    }
    for (variant v : {kWeft, kRecord}) {
      const measurement& m = r.m[v];
      if (!m.trace_error.empty()) cells.push_back(notes.add(name + " " + kVariantNames[v] + " trace: " + m.trace_error));
      else cells.push_back(m.bytes_per_event < 0 ? "-" : fixed(m.bytes_per_event, 2));
    }
    std::string rss;
    for (int v = kStd; v < kVariants; ++v)
      rss += (v ? " / " : "") + (r.m[v].peak_rss_kb > 0 ? mb(r.m[v].peak_rss_kb) : std::string("-"));
    cells.push_back(rss);
    t.rows.push_back(cells);
  }
  heading(o, "Time per operation, median of " + std::to_string(o.rounds) +
                 " runs [fastest–slowest] (helgrind: 1 run); (Nx) = ratio of medians to std");
  std::fputs(t.render(o.markdown).c_str(), stdout);
  std::printf("%s", o.markdown ? "\n" : "");
  std::printf("ns/op: the workload alone (its threads' work, without process start-up) over its ops; tsan and helgrind run the "
              "ops in brackets; record: compare_std run by `weft record` (its preload library), std's ops.\n"
              "clock: std with one read of weft's event clock at each event weft records, and nothing else of a tracer: "
              "the floor under any tracer that stamps every event with that clock (uncontended only: with a second "
              "thread on the lock the clock read lengthens each hold and the waits with it).\n"
              "weft B/event: trace file size over the events weft's loader reads from it; record B/event: over the "
              "events its END record counts.\nPeak RSS: each child's ru_maxrss (helgrind: valgrind's whole process; "
              "record: weft record's, which includes the program it waited for: the larger of the two).\n");
}

const char* verdict(bool met) { return met ? "met" : "MISSED"; }

void print_goals(const std::vector<row>& rows, const options& o) {
  table t;
  t.header = {"goal", "measured", "verdict"};
  t.numeric = {false, false, false};
  const auto slowdown = [](const row& r, variant v) { return r.m[v].median() / r.m[kStd].median(); };
  // The goal is judged on the median of the per-round ratios; the range
  // beside it shows whether some runs fall into a slow mode.
  const auto ratio_goal = [&](std::string_view workload, variant v, const std::string& goal, double limit) {
    for (const row& r : rows) {
      if (r.plan.workload != workload) continue;
      if (r.m[kStd].ok() && r.m[v].ok()) {
        const ratio_spread s = ratios(r.m[v], r.m[kStd]);
        t.rows.push_back({goal, ratio(s.median) + " (runs " + ratio(s.low) + "–" + ratio(s.high) + ")", verdict(s.median <= limit)});
      } else {
        t.rows.push_back({goal, "no figure (a run failed)", "n/a"});
      }
    }
  };
  // "Far below TSan" as added time: the overhead over std at most half
  // TSan's. (Halving the ratio itself cannot be met where waking a thread
  // dominates and TSan costs 1.5x: weft would have to beat untraced std.)
  const auto overhead = [](double ratio_to_std) {
    const double pct = (ratio_to_std - 1) * 100;
    return (pct >= 0 ? "+" : "") + fixed(pct, 0) + "%";
  };
  const auto beside_tsan = [&](variant v, const std::string& goal_prefix) {
    for (const row& r : rows) {
      const std::string goal = goal_prefix + std::string(r.plan.workload);
      if (!r.m[kStd].ok() || !r.m[v].ok() || !r.m[kTsan].ok()) {
        t.rows.push_back({goal, "no figure (a run failed)", "n/a"});
        continue;
      }
      const double w = slowdown(r, v), s = slowdown(r, kTsan);
      std::string measured = std::string(kVariantNames[v]) + " " + overhead(w) + ", tsan " + overhead(s);
      // TSan's median no slower than std's slowest run: what TSan adds is
      // below this machine's run-to-run noise (a workload bound by how fast
      // a sleeping thread wakes: TSan measured -28% and +3% so), and half
      // of it is no yardstick. Judged neither way, and said why.
      const measurement& base = r.m[kStd];
      if (base.ns_per_op.size() >= 2 && r.m[kTsan].median() <= base.slowest()) {
        measured += " (tsan's median inside std's own runs, " + ns(base.fastest()) + "–" + ns(base.slowest()) + " ns)";
        t.rows.push_back({goal, measured, "unclear"});
        continue;
      }
      t.rows.push_back({goal, measured, verdict(w - 1 <= (s - 1) / 2)});
    }
  };

  // Under the uncontended goal, the floor any tracer that stamps every
  // event with weft's clock pays (the clock variant), and weft's time over
  // it: whether what is left to take is the clock or weft.
  const auto floor_row = [&](std::string_view workload) {
    for (const row& r : rows) {
      if (r.plan.workload != workload) continue;
      const std::string what = "  floor: std + a clock read per event, on " + std::string(workload);
      if (!r.m[kStd].ok() || !r.m[kClock].ok()) {
        t.rows.push_back({what, "no figure (a run failed)", "n/a"});
        continue;
      }
      const ratio_spread c = ratios(r.m[kClock], r.m[kStd]);
      std::string measured = ratio(c.median) + " (runs " + ratio(c.low) + "–" + ratio(c.high) + ")";
      if (r.m[kWeft].ok()) measured += "; weft takes " + ratio(ratios(r.m[kWeft], r.m[kClock]).median) + " the floor's time";
      t.rows.push_back({what, measured, "floor"});
    }
  };
  // What one recorded event adds to a program, on the uncontended loop
  // (two events an op), and how much of it the clock alone adds.
  const auto event_cost = [&] {
    for (const row& r : rows) {
      if (r.plan.workload != "uncontended") continue;
      const std::string goal = "cost per event ≤ " + fixed(kGoalEventNs, 0) + " ns (uncontended: weft's added time per event)";
      if (!r.m[kStd].ok() || !r.m[kWeft].ok()) {
        t.rows.push_back({goal, "no figure (a run failed)", "n/a"});
        continue;
      }
      const ratio_spread w = added_per_event(r.m[kWeft], r.m[kStd], kUncontendedEventsPerOp);
      std::string measured = ns(w.median) + " ns (runs " + ns(w.low) + "–" + ns(w.high) + ")";
      if (r.m[kClock].ok())
        measured += ", of which the clock read " + ns(added_per_event(r.m[kClock], r.m[kStd], kUncontendedEventsPerOp).median) + " ns";
      t.rows.push_back({goal, measured, verdict(w.median <= kGoalEventNs)});
    }
  };

  ratio_goal("uncontended", kWeft, "weft slowdown on uncontended ≤ " + ratio(kGoalUncontended), kGoalUncontended);
  floor_row("uncontended");
  event_cost();
  ratio_goal("share", kWeft, "weft slowdown on share ≤ " + ratio(kGoalShare), kGoalShare);
  beside_tsan(kWeft, "weft's added time ≤ half TSan's: ");
  double worst = -1;
  std::string worst_at;
  for (const row& r : rows)
    if (r.m[kWeft].bytes_per_event > worst) {
      worst = r.m[kWeft].bytes_per_event;
      worst_at = std::string(r.plan.workload);
    }
  const std::string goal = "trace ≤ " + fixed(kGoalBytesPerEvent, 0) + " bytes/event";
  if (worst < 0) t.rows.push_back({goal, "no figure (no trace loaded)", "n/a"});
  else t.rows.push_back({goal, fixed(worst, 2) + " B/event at most (" + worst_at + ")", verdict(worst <= kGoalBytesPerEvent)});
  // The same two for an unmodified program under `weft record`.
  ratio_goal("uncontended", kRecord, "weft record: uncontended lock/unlock ≤ " + ratio(kGoalRecordUncontended) + " untraced",
                   kGoalRecordUncontended);
  beside_tsan(kRecord, "weft record's added time ≤ half TSan's: ");
  heading(o, "Goals");
  std::fputs(t.render(o.markdown).c_str(), stdout);
  std::printf("%sfloor: not a goal; the ratio to std of the clock variant, which any tracer that stamps each event with "
              "this clock pays at least, and weft's time over the clock variant's.\n",
              o.markdown ? "\n" : "");
}

// Records the analysis trace, checks its size with the loader, then times
// `weft check` and the viewer's open_document on it. False if a step failed.
bool analysis(spawner& children, const options& o, const fs::path& dir, footnotes& notes) {
  const std::uint64_t ops = o.quick ? kQuickTraceOps : kFullTraceOps;
  const std::uint64_t want = o.quick ? kQuickTraceEvents : kFullTraceEvents;
  const std::string trace = (dir / "analysis.weft").string();
  table t;
  t.header = {"what", "measured", "goal", "verdict"};
  t.numeric = {false, false, false, false};
  bool ok = true;
  const auto fail = [&](const std::string& what, const std::string& why) {
    t.rows.push_back({what, notes.add("analysis " + what + ": " + why), "", ""});
    ok = false;
  };

  std::fprintf(stderr, "weft-compare: analysis: recording contended-4, %s ops\n", count(ops).c_str());
  const std::vector<std::string> record = {WEFT_COMPARE_WEFT_BIN, "contended-4", std::to_string(ops), trace};
  weft::subprocess::options co = weft::compare::child_options();
  co.env["WEFT_TRACE"] = trace;
  const child_result rec = children.run(record, co);
  std::uint64_t events = 0;
  if (!rec.exited(0)) {
    fail("trace", rec.failure());
  } else {
    try {
      events = weft::format::load_trace(trace).events.size();  // freed before the timed steps
      const std::uint64_t bytes = fs::file_size(trace);
      const bool enough = events >= want;
      t.rows.push_back({"trace (compare_weft contended-4, " + count(ops) + " ops)",
                        grouped(events) + " events, " + mb(long(bytes / 1024)) + " MB (" +
                            fixed(double(bytes) / double(events), 2) + " B/event)",
                        "≥ " + grouped(want) + " events", verdict(enough)});
      if (!enough) ok = false;  // a count, not a timing: the figures below would be about a smaller trace
    } catch (const std::exception& e) {
      fail("trace", std::string("cannot load: ") + e.what());
      events = 0;
    }
  }

  if (events > 0) {
    // Each step `rounds` times, one after the other: the verdict is on the
    // median, the spread beside it, the peak the largest of the runs'.
    std::fprintf(stderr, "weft-compare: analysis: weft check, %d runs\n", o.rounds);
    const repeated check =
        run_repeated(children, {WEFT_CLI, "check", trace}, weft::compare::child_options(), o.rounds, exited_zero_or_one);
    if (check.ok()) {
      const double seconds = check.median(), rate = double(events) / seconds;
      const bool findings = check.runs.front().exited(1);
      t.rows.push_back({"weft check (wall, as a subprocess)",
                        fixed(seconds, 2) + " s, " + fixed(rate / 1e6, 1) + " M events/s" +
                            (findings ? " (findings)" : " (clean)") + check.spread() + ", peak RSS " +
                            mb(check.peak_rss_kb) + " MB",
                        "≥ " + fixed(kGoalCheckEventsPerSecond / 1e6, 0) + " M events/s",
                        verdict(rate >= kGoalCheckEventsPerSecond)});
      // The whole process's peak, so an upper bound on what the analysis keeps.
      const double bytes_per_event = double(check.peak_rss_kb) * 1024 / double(events);
      t.rows.push_back({"weft check: peak memory per event", fixed(bytes_per_event, 1) + " B/event",
                        "≤ " + fixed(kGoalCheckBytesPerEvent, 0) + " B/event",
                        verdict(bytes_per_event <= kGoalCheckBytesPerEvent)});
    } else {
      fail("weft check", check.error);
    }

    // The same work in two timed stages, to show which one bounds it: the
    // median of each stage over the runs.
    const repeated stages = run_repeated(children, {WEFT_COMPARE_CHECK_STAGES, trace}, weft::compare::child_options(), o.rounds);
    std::vector<double> load_s, check_s;
    std::string bad_output;
    for (const child_result& r : stages.runs) {
      std::uint64_t load_ns = 0, check_ns = 0;
      if (!field(r.out, "load_ns", load_ns) || !field(r.out, "check_ns", check_ns) || load_ns == 0 || check_ns == 0) {
        bad_output = "unexpected output: " + r.out;
        break;
      }
      load_s.push_back(double(load_ns) / 1e9);
      check_s.push_back(double(check_ns) / 1e9);
    }
    if (stages.ok() && bad_output.empty()) {
      const auto stage = [&](const std::vector<double>& runs) {
        const double seconds = measurement::median_of(runs);
        return fixed(seconds, 2) + " s, " + fixed(double(events) / seconds / 1e6, 1) + " M events/s";
      };
      t.rows.push_back({"  of which: reading the file (load_trace)", stage(load_s), "", ""});
      t.rows.push_back({"  of which: the detectors, in memory (analysis::check)", stage(check_s), "", ""});
    } else {
      fail("check stages", stages.ok() ? bad_output : stages.error);
    }

    std::fprintf(stderr, "weft-compare: analysis: viewer open_document, %d runs\n", o.rounds);
    const repeated view =
        run_repeated(children, {WEFT_COMPARE_VIEWER_OPEN, trace}, weft::compare::child_options(), o.rounds, exited_zero, "ns");
    if (view.ok()) {
      const double seconds = view.median();
      t.rows.push_back({"viewer open_document (load + analysis + layout)",
                        fixed(seconds, 2) + " s" + view.spread() + ", peak RSS " + mb(view.peak_rss_kb) + " MB",
                        "≤ " + fixed(kGoalViewerOpenSeconds, 0) + " s", verdict(seconds <= kGoalViewerOpenSeconds)});
    } else {
      fail("viewer open_document", view.error);
    }
  }
  fs::remove(trace);
  heading(o, "Reading a real trace, median of " + std::to_string(o.rounds) + " runs");
  std::fputs(t.render(o.markdown).c_str(), stdout);
  return ok;
}

// Records a trace of at least `want` events with compare_weft (a real
// traced program), or says why not in `t`. The count comes from the trace's
// END record: a billion events are not loaded just to be counted.
std::uint64_t record_big(spawner& children, const std::string& workload, std::uint64_t ops, std::uint64_t want,
                         const std::string& trace, table& t, footnotes& notes) {
  std::fprintf(stderr, "weft-compare: scale: recording %s, %s ops\n", workload.c_str(), count(ops).c_str());
  weft::subprocess::options co = weft::compare::child_options();
  co.timeout = std::chrono::minutes(20);
  co.env["WEFT_TRACE"] = trace;
  const child_result rec = children.run({WEFT_COMPARE_WEFT_BIN, workload, std::to_string(ops), trace}, co);
  const std::string what = "trace (compare_weft " + workload + ", " + count(ops) + " ops)";
  if (!rec.exited(0)) {
    t.rows.push_back({what, notes.add("scale " + what + ": " + rec.failure()), "", ""});
    return 0;
  }
  try {
    const weft::format::TraceSummary s = weft::format::summarize_trace(trace);
    const std::uint64_t events = s.events, bytes = fs::file_size(trace);
    t.rows.push_back({what,
                      grouped(events) + " events, " + fixed(double(bytes) / 1e9, 2) + " GB (" +
                          fixed(double(bytes) / double(events), 2) + " B/event), recorded in " +
                          fixed(double(rec.wall.count()) / 1e9, 0) + " s",
                      "≥ " + grouped(want) + " events", verdict(events >= want)});
    return events;
  } catch (const std::exception& e) {
    t.rows.push_back({what, notes.add("scale " + what + ": cannot read: " + e.what()), "", ""});
    return 0;
  }
}

// Times the viewer's open_document on `trace` (of `events` events) in a
// process of its own, and adds its row: time and peak memory, against
// `most` bytes. Out of memory is an answer too: the row says so, and the
// run goes on.
void open_big(spawner& children, const std::string& trace, std::uint64_t events, const std::string& goal,
              double most, table& t, footnotes& notes) {
  std::fprintf(stderr, "weft-compare: scale: viewer open_document on %s events\n", grouped(events).c_str());
  weft::subprocess::options co = weft::compare::child_options();
  co.timeout = std::chrono::minutes(20);
  const child_result view = children.run({WEFT_COMPARE_VIEWER_OPEN, trace}, co);
  const std::string what = "viewer open_document, " + grouped(events) + " events (load + analysis + layout)";
  std::uint64_t elapsed = 0;
  if (view.exited(0) && field(view.out, "ns", elapsed)) {
    const double bytes = double(view.max_rss_kb) * 1024;
    t.rows.push_back({what, fixed(double(elapsed) / 1e9, 1) + " s, peak RSS " + fixed(bytes / 1e9, 2) + " GB", goal,
                      verdict(bytes <= most)});
  } else {
    t.rows.push_back({what,
                      notes.add("scale viewer open: " + (view.exited(0) ? "unexpected output: " + view.out : view.failure())),
                      goal, "MISSED"});
  }
}

// The billion-event check and open, and the hundred-million-event open
// (a contended trace: a wait and an arrow for many events), each in a
// process of its own (wait4 gives its peak memory). False if a step
// failed; a goal missed is a measurement.
bool scale(spawner& children, const options& o, const fs::path& dir, footnotes& notes) {
  table t;
  t.header = {"what", "measured", "goal", "verdict"};
  t.numeric = {false, false, false, false};
  bool ok = true;
  const std::string big = (dir / "billion.weft").string();
  if (const std::uint64_t events = record_big(children, "uncontended", kScaleCheckOps, kScaleCheckEvents, big, t, notes)) {
    std::fprintf(stderr, "weft-compare: scale: weft check on %s events\n", grouped(events).c_str());
    weft::subprocess::options co = weft::compare::child_options();
    co.timeout = std::chrono::minutes(30);
    const child_result check = children.run({WEFT_CLI, "check", big}, co);
    if (check.exited(0) || check.exited(1)) {
      const double seconds = double(check.wall.count()) / 1e9, bytes = double(check.max_rss_kb) * 1024;
      t.rows.push_back({"weft check, whole trace",
                        fixed(seconds, 0) + " s (" + fixed(double(events) / seconds / 1e6, 1) + " M events/s), peak RSS " +
                            fixed(bytes / 1e9, 2) + " GB (" + fixed(bytes / double(events), 1) + " B/event)",
                        "checked in this machine's 24 GB", verdict(bytes <= kGoalMachineBytes)});
    } else {
      t.rows.push_back({"weft check, whole trace", notes.add("scale weft check: " + check.failure()), "", ""});
      ok = false;
    }
    // Every trace the recorder writes here must open here too, not only
    // be checked: the viewer keeps more (the holds, the lanes, their index).
    open_big(children, big, events, "opened in this machine's 24 GB", kGoalMachineBytes, t, notes);
  } else {
    ok = false;
  }
  fs::remove(big);

  const std::string large = (dir / "hundred-million.weft").string();
  if (const std::uint64_t events = record_big(children, "contended-4", kScaleViewOps, kScaleViewEvents, large, t, notes)) {
    open_big(children, large, events, "≤ 4 GB", kGoalViewerScaleBytes, t, notes);
  } else {
    ok = false;
  }
  fs::remove(large);
  heading(o, "Scale: a billion events checked and opened, a hundred million contended ones opened");
  std::fputs(t.render(o.markdown).c_str(), stdout);
  return ok;
}

// Times `weft explore` on the scenarios the goal names: explored runs per
// second, each run forked by weft's fork server under weft's scheduler,
// checked; beside it, the same runs each started as a new process
// (WEFT_EXPLORE_SPAWN=1), what the fork server saves. False if a step
// failed.
bool exploration(spawner& children, const options& o, const fs::path& dir, footnotes& notes) {
  const std::uint64_t runs = o.quick ? kQuickExploreRuns : kFullExploreRuns;
  table t;
  t.header = {"what", "measured", "a new process each run", "goal", "verdict"};
  t.numeric = {false, false, false, false, false};
  bool ok = true;
  for (const char* scenario : {"abc-turns", "lock-order-deadlock"}) {
    std::fprintf(stderr, "weft-compare: exploring %s, %s runs\n", scenario, count(runs).c_str());
    const std::string what = std::string("weft explore ") + scenario + " --runs " + std::to_string(runs);
    // One way's runs: its cell filled in, the rate of the median run with
    // the runs' range; or none, and a footnote in the cell saying why.
    const auto measure = [&](bool spawned, std::string& cell) -> std::optional<double> {
      weft::subprocess::options options = weft::compare::child_options();
      if (spawned) options.env["WEFT_EXPLORE_SPAWN"] = "1";
      const repeated r = run_repeated(children,
                                      {WEFT_CLI, "explore", scenario, "--runs", std::to_string(runs), "--seed", "1", "-o",
                                       (dir / (std::string(scenario) + (spawned ? ".spawned" : "") + ".explore")).string()},
                                      options, o.rounds, exited_zero_or_one);
      if (!r.ok()) {
        cell = notes.add(what + (spawned ? " (WEFT_EXPLORE_SPAWN=1)" : "") + ": " + r.error);
        ok = false;
        return std::nullopt;
      }
      const double seconds = r.median(), rate = double(runs) / seconds;
      const std::string range = r.seconds.size() < 2 ? ""
                                                     : " [" + fixed(double(runs) / r.slowest(), 0) + "–" +
                                                           fixed(double(runs) / r.fastest(), 0) + "]";
      cell = fixed(seconds, 2) + " s, " + fixed(rate, 0) + " runs/s" + range +
             (r.runs.front().exited(1) ? " (found)" : " (clean)");
      return rate;
    };
    std::string forked, spawned;
    measure(true, spawned);
    const std::optional<double> rate = measure(false, forked);  // the goal's: explore as it runs by default
    t.rows.push_back({what, forked, spawned, "≥ " + fixed(kGoalExploredRunsPerSecond, 0) + " runs/s",
                      rate ? verdict(*rate >= kGoalExploredRunsPerSecond) : ""});
  }
  heading(o, "Exploring schedules, median of " + std::to_string(o.rounds) + " runs [slowest–fastest]");
  std::fputs(t.render(o.markdown).c_str(), stdout);
  return ok;
}

// ---------------------------------------------------------------- main

// The command line, declared once for parsing and for --help.
weft::command_line::parser command_line(options& o, bool& no_helgrind, std::optional<std::string>& only,
                                        std::optional<std::string>& rounds) {
  weft::command_line::parser p("weft-compare", "[--quick] [--markdown] [--no-helgrind] [--only WORKLOAD] [--rounds N] [--scale]",
                               "what tracing with weft costs next to std, ThreadSanitizer and Helgrind");
  p.flag("--quick", o.quick, "fewer operations and a smaller analysis trace (a quick look, or a smoke test)");
  p.flag("--markdown", o.markdown, "print the tables as GitHub Markdown");
  p.flag("--no-helgrind", no_helgrind, "leave out the Helgrind column (the slowest, and needs valgrind)");
  p.option("--only", only, "WORKLOAD", "run this workload alone (they are listed below)");
  p.option("--rounds", rounds, "N", "runs of each variant (default 3, at most 50): the median and the spread are over them");
  p.flag("--scale", o.scale,
         "also record and check a trace of a billion events, and open one of a hundred million in the viewer "
         "(several minutes; about 10 GB of disk in the temporary directory)");
  std::string workloads = "workloads (one op is):\n";
  for (const auto& w : weft::compare::kWorkloads)
    workloads += "  " + std::string(w.name) + std::string(w.name.size() < 14 ? 14 - w.name.size() : 0, ' ') + " " +
                 std::string(w.ops) + "\n";
  p.footer(workloads);
  return p;
}

// Removes the run's temporary traces however main returns.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "weft-compare-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a directory in " + fs::temp_directory_path().string());
    path = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

}  // namespace

int main(int argc, char** argv) {
  // Before anything else: the helper that runs the children must be forked
  // while the runner is small (spawner.hpp).
  std::optional<spawner> children;
  try {
    children.emplace();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft-compare: %s\n", e.what());
    return 1;
  }
  options o;
  bool no_helgrind = false;
  std::optional<std::string> only, rounds;
  weft::command_line::parser cli = command_line(o, no_helgrind, only, rounds);
  try {
    if (!cli.parse(std::vector<std::string>(argv + 1, argv + argc))) {
      std::fputs(cli.help().c_str(), stdout);
      return 0;
    }
    bool known = !only;
    for (const auto& w : weft::compare::kWorkloads) known = known || w.name == *only;
    if (!known) throw weft::command_line::usage_error("unknown workload '" + *only + "'");
    if (rounds) {
      const std::string& n = *rounds;
      if (n.empty() || n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos || std::stoi(n) < 1 ||
          std::stoi(n) > 50)
        throw weft::command_line::usage_error("--rounds wants a number from 1 to 50, not '" + n + "'");
      o.rounds = std::stoi(n);
    }
  } catch (const weft::command_line::usage_error& e) {
    // One line, as every weft program says it.
    std::fprintf(stderr, "weft-compare: %s (%s)\n", e.what(), cli.usage().c_str());
    return 2;
  }
  o.helgrind = !no_helgrind;
  o.only = only.value_or("");

  std::vector<row> rows;
  for (const plan_entry& p : o.quick ? std::span<const plan_entry>(kQuickPlan) : std::span<const plan_entry>(kFullPlan))
    if (o.only.empty() || p.workload == o.only) rows.push_back(row{p, {}});

  try {
    temp_dir dir;
    std::printf("weft-compare (%s run, %u CPUs): each workload untraced (std), with a clock read per event (clock), "
                "traced (weft), the std program under weft record (record), under ThreadSanitizer (g++ "
                "-fsanitize=thread) and %s\n",
                o.quick ? "quick" : "full", std::thread::hardware_concurrency(),
                o.helgrind ? "under Helgrind (valgrind --tool=helgrind)" : "not under Helgrind (--no-helgrind)");
    std::fflush(stdout);
    std::fprintf(stderr, "weft-compare: checking that weft record runs\n");
    const std::string record_problem = record_works(*children, dir.path);
    std::size_t done = 0;
    for (row& r : rows) {
      std::fprintf(stderr, "weft-compare: [%zu/%zu] %.*s\n", ++done, rows.size(), static_cast<int>(r.plan.workload.size()),
                   r.plan.workload.data());
      measure(*children, r, o, dir.path, record_problem);
    }
    footnotes notes;
    print_results(rows, o, notes);
    print_goals(rows, o);
    bool ok = analysis(*children, o, dir.path, notes);
    if (o.only.empty()) ok = exploration(*children, o, dir.path, notes) && ok;
    if (o.scale) ok = scale(*children, o, dir.path, notes) && ok;
    for (const row& r : rows)
      for (const measurement& m : r.m) ok = ok && m.error.empty() && m.trace_error.empty();
    if (!notes.lines.empty()) {
      heading(o, "Notes");
      for (std::size_t i = 0; i < notes.lines.size(); ++i)
        std::printf(o.markdown ? "%zu. %s\n" : "[%zu] %s\n", i + 1, notes.lines[i].c_str());
    }
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft-compare: %s\n", e.what());
    return 1;
  }
}
