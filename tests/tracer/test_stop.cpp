// weft::stop_program: a program that cannot finish (here a deadlock, stopped
// by a thread of its own) exits with kStoppedExitStatus, a complete trace
// that ends with EndReason::Watchdog and logs the reason, and one line on
// stderr. It runs in trace_child (mode stop-deadlock): it ends its process.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include <weft/format/loader.hpp>
#include <weft/stop.hpp>

using weft::format::EndReason;
using weft::format::EventKind;
namespace fs = std::filesystem;

namespace {

const std::string kReason = "main joins stuck-worker, which waits for the mutex main holds";  // as in trace_child

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("weft-stop-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

std::uint32_t thread_named(const weft::format::Trace& t, const std::string& name) {
  for (const auto& th : t.threads)
    if (th.name == name) return th.id;
  FAIL("no thread named " << name);
  return 0;
}

}  // namespace

TEST_CASE("stop_program ends a deadlocked program with a complete trace and a one-line report", "[stop]") {
  TempDir dir;
  const std::string path = (dir.path / "stopped.weft").string();
  // The runtime's own hang detection is pushed out of the way: the stop
  // must be the program's.
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "stop-deadlock"},
                                            weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_HANG_MS", "3600000"}}));
  INFO("stderr: " << result.err);
  CHECK_FALSE(result.timed_out);
  CHECK(result.signal == 0);
  CHECK(result.exit_code == weft::kStoppedExitStatus);
  const auto report = lines_with(result.err, "stopped the program");
  REQUIRE(report.size() == 1);
  CHECK(report[0] == "weft: stopped the program: " + kReason + "; trace: " + path);

  const auto trace = weft::format::load_trace(path);
  CHECK_FALSE(trace.truncated);
  CHECK(trace.warnings.empty());
  REQUIRE(trace.end.has_value());
  CHECK(trace.end->reason == EndReason::Watchdog);
  CHECK(trace.end->status == std::uint64_t(weft::kStoppedExitStatus));
  CHECK(trace.end->events == trace.events.size());
  CHECK(trace.end->dropped == 0);

  // The reason is logged, by the thread that stopped the program.
  const auto log = std::find_if(trace.events.begin(), trace.events.end(), [&](const auto& e) {
    return e.kind == EventKind::Log && trace.text(e) == "weft stopped the program: " + kReason;
  });
  REQUIRE(log != trace.events.end());
  CHECK(trace.thread(log->thread).name == "stopper");

  // And the trace shows the deadlock: the worker waiting for the mutex main
  // holds, main waiting to join the worker, neither ever getting there.
  const std::uint32_t main_id = thread_named(trace, "main");
  const std::uint32_t worker_id = thread_named(trace, "stuck-worker");
  const auto stuck = std::find_if(trace.objects.begin(), trace.objects.end(), [](const auto& o) { return o.name == "stuck"; });
  REQUIRE(stuck != trace.objects.end());
  std::vector<std::pair<std::uint32_t, EventKind>> on_stuck;
  bool main_joins = false, join_ended = false;
  for (const auto& e : trace.events) {
    if (e.object == stuck->id && e.kind != EventKind::ObjectCreate) on_stuck.emplace_back(e.thread, e.kind);
    if (e.kind == EventKind::ThreadJoinBegin && e.thread == main_id && e.arg == worker_id) main_joins = true;
    if (e.kind == EventKind::ThreadJoinEnd && e.arg == worker_id) join_ended = true;
  }
  CHECK(on_stuck == std::vector<std::pair<std::uint32_t, EventKind>>{{main_id, EventKind::MutexAcquired},
                                                                      {worker_id, EventKind::MutexLockBegin}});
  CHECK(main_joins);
  CHECK_FALSE(join_ended);
}

TEST_CASE("stop_program without tracing still reports and exits with its status", "[stop]") {
  TempDir dir;
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "stop-deadlock"},
                                            weft::test::with_env({{"WEFT_TRACE", "off"}}, dir.path.string()));
  INFO("stderr: " << result.err);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == weft::kStoppedExitStatus);
  const auto report = lines_with(result.err, "stopped the program");
  REQUIRE(report.size() == 1);
  CHECK(report[0] == "weft: stopped the program: " + kReason);  // no trace to name
  CHECK(fs::is_empty(dir.path));
}

// The second of two concurrent stop_program calls waits for the first to
// end the process (it used to print its report and _exit() while the first
// was still writing the trace: no END chunk); a caller of Runtime::finish
// that is not the first waits for the trace's end, as the watchdog's own
// stop racing a program's exit() does.
TEST_CASE("two threads stopping the program at once leave one report and a complete trace", "[stop]") {
  TempDir dir;
  const std::string path = (dir.path / "twice.weft").string();
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "stop-twice"},
                                            weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_HANG_MS", "3600000"}}));
  INFO("stderr: " << result.err);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == weft::kStoppedExitStatus);
  CHECK(lines_with(result.err, "stopped the program").size() == 1);
  const auto trace = weft::format::load_trace(path);
  std::string warnings;
  for (const auto& w : trace.warnings) warnings += w + "\n";
  INFO("trace warnings: " << warnings);
  CHECK_FALSE(trace.truncated);
  CHECK(trace.warnings.empty());
  REQUIRE(trace.end.has_value());
  CHECK(trace.end->reason == EndReason::Watchdog);
  CHECK(trace.end->events == trace.events.size());
}
