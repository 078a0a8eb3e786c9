// The trace must survive however the program ends. Each case runs
// trace_child, lets it end one way, and reads its trace back.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include <weft/format/loader.hpp>

using weft::format::EndReason;
using weft::format::EventKind;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("weft-crash-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::vector<std::string> marks_of(const weft::format::Trace& t, const std::string& thread_name) {
  std::vector<std::string> out;
  for (const auto& e : t.events)
    if (e.kind == EventKind::Mark && t.thread(e.thread).name == thread_name) out.emplace_back(t.text(e));
  return out;
}

std::vector<std::string> expected_marks(const char* prefix, int n = 100) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

struct Ending {
  const char* mode;
  int exit_code;
  int signal;
  EndReason reason;
  std::uint64_t status;
};

weft::format::Trace run_and_load(const Ending& ending, TempDir& dir) {
  const std::string trace = (dir.path / "child.weft").string();
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, ending.mode}, weft::test::with_env({{"WEFT_TRACE", trace}}));
  INFO("stderr: " << result.err);
  CHECK_FALSE(result.timed_out);
#if defined(WEFT_TSAN_BUILD) || defined(WEFT_ASAN_BUILD)
  // A sanitizer reports a fault itself and exits with its own status (after
  // weft's handler has completed the trace) instead of dying of it.
  if (ending.signal == SIGSEGV) {
    CHECK(result.err.find("Sanitizer: SEGV") != std::string::npos);
    CHECK(result.exit_code != 0);
    return weft::format::load_trace(trace);
  }
#endif
  CHECK(result.exit_code == ending.exit_code);
  CHECK(result.signal == ending.signal);
  return weft::format::load_trace(trace);
}

}  // namespace

TEST_CASE("the trace is complete however the program ends", "[crash]") {
  const Ending ending = GENERATE(Ending{"return", 0, 0, EndReason::Exit, 0}, Ending{"exit", 3, 0, EndReason::Exit, 0},
                                 Ending{"throw", -1, SIGABRT, EndReason::UncaughtException, 0},
                                 Ending{"abort", -1, SIGABRT, EndReason::Signal, SIGABRT},
                                 Ending{"segv", -1, SIGSEGV, EndReason::Signal, SIGSEGV},
                                 Ending{"sigterm", -1, SIGTERM, EndReason::Signal, SIGTERM});
  SECTION(ending.mode) {
    TempDir dir;
    const auto trace = run_and_load(ending, dir);
    CHECK_FALSE(trace.truncated);
    REQUIRE(trace.end.has_value());
    CHECK(trace.end->reason == ending.reason);
    CHECK(trace.end->status == ending.status);
    CHECK(trace.end->dropped == 0);
    CHECK(trace.end->events == trace.events.size());
    CHECK(marks_of(trace, "main") == expected_marks("m"));
    CHECK(marks_of(trace, "worker") == expected_marks("w"));
    if (ending.reason == EndReason::UncaughtException) {
      const auto it = std::find_if(trace.events.begin(), trace.events.end(),
                                   [](const auto& e) { return e.kind == EventKind::UncaughtException; });
      REQUIRE(it != trace.events.end());
      CHECK(std::string(trace.text(*it)).find("boom from trace_child") != std::string::npos);
      CHECK(std::string(trace.text(*it)).find("std::runtime_error") != std::string::npos);
    }
    if (ending.reason == EndReason::Signal) {
      const auto it = std::find_if(trace.events.begin(), trace.events.end(),
                                   [](const auto& e) { return e.kind == EventKind::ProcessSignal; });
      REQUIRE(it != trace.events.end());
      CHECK(it->arg == ending.status);
    }
  }
}

TEST_CASE("a crash in one thread keeps every thread's events", "[crash]") {
  TempDir dir;
  const auto trace = run_and_load({"thread-segv", -1, SIGSEGV, EndReason::Signal, SIGSEGV}, dir);
  CHECK(marks_of(trace, "main") == expected_marks("m"));
  CHECK(marks_of(trace, "worker") == expected_marks("w"));
  CHECK(marks_of(trace, "crasher") == std::vector<std::string>{"about to crash"});
  const auto signal = std::find_if(trace.events.begin(), trace.events.end(),
                                   [](const auto& e) { return e.kind == EventKind::ProcessSignal; });
  REQUIRE(signal != trace.events.end());
  CHECK(trace.thread(signal->thread).name == "crasher");
}

TEST_CASE("after kill -9 the trace loads up to its last complete chunk", "[crash]") {
  TempDir dir;
  const std::string path = (dir.path / "killed.weft").string();
  weft::test::ChildOptions options;
  options.env = {{"WEFT_TRACE", path}};
  options.ready_text = "flushed";
  options.on_ready = [](int pid) { kill(pid, SIGKILL); };
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "kill"}, options);
  CHECK(result.signal == SIGKILL);
  const auto trace = weft::format::load_trace(path);
  CHECK_FALSE(trace.end.has_value());
  REQUIRE_FALSE(trace.warnings.empty());
  // weft::flush() returned before "flushed" was printed: all of it is there.
  CHECK(marks_of(trace, "main") == expected_marks("m"));
  CHECK(marks_of(trace, "worker") == expected_marks("w"));
}

TEST_CASE("a trace cut anywhere loads what its complete chunks hold", "[crash]") {
  TempDir dir;
  const auto full = run_and_load({"return", 0, 0, EndReason::Exit, 0}, dir);
  const fs::path path = dir.path / "child.weft";
  const auto size = fs::file_size(path);
  std::size_t previous = 0;
  for (std::uintmax_t cut = size - 1; cut > size / 2; cut -= 7) {
    fs::resize_file(path, cut);
    const auto t = weft::format::load_trace(path.string());
    CHECK(t.events.size() <= full.events.size());
    if (previous) CHECK(t.events.size() <= previous);
    previous = t.events.size();
  }
}

TEST_CASE("a full buffer makes the program wait, and no event is lost", "[buffer]") {
  TempDir dir;
  const std::string path = (dir.path / "flood.weft").string();
  const auto result = weft::test::run_child(
      {WEFT_TRACE_CHILD, "flood", "20000"},  // 80,000 events through a 1,024-slot ring
      weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"}, {"WEFT_ON_FULL", "block"}}));
  REQUIRE(result.exit_code == 0);
  const auto trace = weft::format::load_trace(path);
  REQUIRE(trace.end.has_value());
  CHECK(trace.end->dropped == 0);
  const auto flood = std::find_if(trace.objects.begin(), trace.objects.end(), [](const auto& o) { return o.name == "flood"; });
  REQUIRE(flood != trace.objects.end());
  std::size_t lock_events = 0;
  for (const auto& e : trace.events)
    if (e.object == flood->id && (e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexReleased)) ++lock_events;
  CHECK(lock_events == 80000);
  CHECK(trace.order.fallbacks == 0);
}

TEST_CASE("with WEFT_ON_FULL=drop, lost events are counted, never silent", "[buffer]") {
  TempDir dir;
  const std::string path = (dir.path / "drop.weft").string();
  const auto result = weft::test::run_child(
      {WEFT_TRACE_CHILD, "flood", "50000", "report"},
      weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"}, {"WEFT_ON_FULL", "drop"}}));
  REQUIRE(result.exit_code == 0);
  const auto trace = weft::format::load_trace(path);
  REQUIRE(trace.end.has_value());
  const auto flood = std::find_if(trace.objects.begin(), trace.objects.end(), [](const auto& o) { return o.name == "flood"; });
  REQUIRE(flood != trace.objects.end());
  std::uint64_t lock_events = 0, reported = 0, other_events = 0;
  for (const auto& e : trace.events) {
    if (e.object == flood->id && (e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexReleased || e.kind == EventKind::MutexLockBegin))
      ++lock_events;
    else if (e.kind == EventKind::TraceDropped)
      reported += e.arg;
    else
      ++other_events;
  }
  // Every event the program made is either in the trace or in the count.
  // (Lock events: acquire + release per iteration, plus a lock.begin when
  // contended; the drop count covers all kinds, hence the inequality.)
  CHECK(lock_events + trace.end->dropped >= 200'000);
  // Each thread records again after a flush, which reports its losses in
  // its own stream: where they happened, not only how many. (A thread that
  // loses its last events and exits has them only in the END count.)
  CHECK(reported == trace.end->dropped);
  if (trace.end->dropped > 0) CHECK_FALSE(trace.warnings.empty());
}

TEST_CASE("without WEFT_TRACE the trace is named after the program, in the working directory", "[config]") {
  TempDir dir;
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "return"}, [&] { auto o = weft::test::with_env({}, dir.path.string()); o.unset_env = {"WEFT_TRACE"}; return o; }());
  REQUIRE(result.exit_code == 0);
  CHECK(fs::exists(dir.path / "trace_child.weft"));
  const auto trace = weft::format::load_trace((dir.path / "trace_child.weft").string());
  CHECK(trace.info.program == "trace_child");
  REQUIRE(trace.info.command_line.size() == 2);
  CHECK(trace.info.command_line[1] == "return");
}

TEST_CASE("WEFT_TRACE=off records nothing and writes no file", "[config]") {
  TempDir dir;
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "return"}, weft::test::with_env({{"WEFT_TRACE", "off"}}, dir.path.string()));
  CHECK(result.exit_code == 0);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("bad settings are reported on one line and ignored", "[config]") {
  TempDir dir;
  const std::string path = (dir.path / "t.weft").string();
  const auto result = weft::test::run_child(
      {WEFT_TRACE_CHILD, "return"},
      weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "lots"}, {"WEFT_ON_FULL", "maybe"}, {"WEFT_FLUSH_MS", "0"}}));
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("weft: WEFT_BUFFER_EVENTS=lots ignored") != std::string::npos);
  CHECK(result.err.find("weft: WEFT_ON_FULL=maybe ignored") != std::string::npos);
  CHECK(result.err.find("weft: WEFT_FLUSH_MS=0 ignored") != std::string::npos);
  CHECK(weft::format::load_trace(path).end.has_value());
}

TEST_CASE("an unwritable trace path is reported and the program runs on", "[config]") {
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "return"},
                                            weft::test::with_env({{"WEFT_TRACE", "/nonexistent-dir/x.weft"}}));
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("weft: cannot write the trace to /nonexistent-dir/x.weft: No such file or directory") !=
        std::string::npos);
}

TEST_CASE("a trace path that is not a file (a device, a directory) is reported as such, and the program runs on",
          "[config]") {
  for (const std::string path : {"/dev/full", "/tmp"}) {
    const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "return"}, weft::test::with_env({{"WEFT_TRACE", path}}));
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("weft: cannot write the trace to " + path + ": not a regular file") != std::string::npos);
  }
}

TEST_CASE("trace_to moves the trace, keeping what was already recorded", "[config]") {
  TempDir dir;
  const std::string first = (dir.path / "first.weft").string();
  const std::string second = (dir.path / "second.weft").string();
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "retarget", second}, weft::test::with_env({{"WEFT_TRACE", first}}));
  REQUIRE(result.exit_code == 0);
  CHECK_FALSE(fs::exists(first));
  const auto trace = weft::format::load_trace(second);
  auto expected = expected_marks("before");
  const auto after = expected_marks("after");
  expected.insert(expected.end(), after.begin(), after.end());
  CHECK(marks_of(trace, "main") == expected);
}

TEST_CASE("two processes tracing to one path do not write over each other", "[config]") {
  TempDir dir;
  const std::string path = (dir.path / "shared.weft").string();
  // The first holds the file from its first flush until it ends; the second
  // starts meanwhile, finds the path taken and goes to shared.<pid>.weft.
  weft::test::ChildResult first, second;
  static std::atomic<bool> first_flushed{false};
  first_flushed = false;
  std::thread holder([&] {
    auto options = weft::test::with_env({{"WEFT_TRACE", path}});
    options.ready_text = "flushed";
    options.on_ready = [](int) { first_flushed = true; };
    first = weft::test::run_child({WEFT_TRACE_CHILD, "linger", "1500"}, options);
  });
  while (!first_flushed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  second = weft::test::run_child({WEFT_TRACE_CHILD, "linger", "10"}, weft::test::with_env({{"WEFT_TRACE", path}}));
  holder.join();
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.exit_code == 0);
  CHECK(second.err.find("shared.weft is being written by another process; this one traces to ") != std::string::npos);

  std::vector<fs::path> traces;
  for (const auto& entry : fs::directory_iterator(dir.path)) traces.push_back(entry.path());
  REQUIRE(traces.size() == 2);
  const auto expected = [] {
    auto marks = expected_marks("before");
    const auto after = expected_marks("after");
    marks.insert(marks.end(), after.begin(), after.end());
    return marks;
  }();
  for (const fs::path& p : traces) {
    INFO(p.string());
    const auto trace = weft::format::load_trace(p.string());
    CHECK(trace.end.has_value());
    CHECK(trace.warnings.empty());
    CHECK(marks_of(trace, "main") == expected);
  }
}

TEST_CASE("a child of fork() neither hangs nor touches the parent's trace", "[fork]") {
  TempDir dir;
  const std::string path = (dir.path / "fork.weft").string();
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, "fork"},
                                            weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"}}));
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("weft: this child of fork() is not traced") != std::string::npos);
  const auto trace = weft::format::load_trace(path);
  CHECK_FALSE(trace.truncated);
  REQUIRE(trace.end.has_value());
  auto expected = expected_marks("before");
  const auto after = expected_marks("after");
  expected.insert(expected.end(), after.begin(), after.end());
  CHECK(marks_of(trace, "main") == expected);
  CHECK(std::none_of(trace.objects.begin(), trace.objects.end(), [](const auto& o) { return o.name == "in_child"; }));
}
