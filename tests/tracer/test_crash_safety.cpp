// The trace must survive however the program ends. Each case runs
// trace_child, lets it end one way, and reads its trace back.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include <weft/format/loader.hpp>
#include <weft/format/trace_file.hpp>

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

#if defined(WEFT_TSAN_BUILD) || defined(WEFT_ASAN_BUILD)
// The faults a sanitizer reports itself (its handle_segv, handle_sigbus and
// handle_sigfpe are on by default; handle_sigill is off): weft's handler,
// installed after the sanitizer's, completes the trace and hands over to
// it, and it exits with its own status instead of dying of the signal.
const char* sanitizer_report(int sig) {
  switch (sig) {
    case SIGSEGV: return "Sanitizer: SEGV";
    case SIGBUS: return "Sanitizer: BUS";
    case SIGFPE: return "Sanitizer: FPE";
    default: return nullptr;
  }
}
#endif

weft::format::Trace run_and_load(const Ending& ending, TempDir& dir) {
  const std::string trace = (dir.path / "child.weft").string();
  // In the scratch directory: an abort or a SIGQUIT may leave a core.
  const auto result = weft::test::run_child({WEFT_TRACE_CHILD, ending.mode},
                                            weft::test::with_env({{"WEFT_TRACE", trace}}, dir.path.string()));
  INFO("stderr: " << result.err);
  CHECK_FALSE(result.timed_out);
#if defined(WEFT_TSAN_BUILD) || defined(WEFT_ASAN_BUILD)
  if (const char* report = sanitizer_report(ending.signal)) {
    CHECK(result.err.find(report) != std::string::npos);
    CHECK(result.signal == 0);
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
                                 Ending{"sigbus", -1, SIGBUS, EndReason::Signal, SIGBUS},
                                 Ending{"sigill", -1, SIGILL, EndReason::Signal, SIGILL},
                                 Ending{"sigfpe", -1, SIGFPE, EndReason::Signal, SIGFPE},
                                 Ending{"sigterm", -1, SIGTERM, EndReason::Signal, SIGTERM},
                                 Ending{"sigint", -1, SIGINT, EndReason::Signal, SIGINT},
                                 Ending{"sighup", -1, SIGHUP, EndReason::Signal, SIGHUP},
                                 Ending{"sigquit", -1, SIGQUIT, EndReason::Signal, SIGQUIT});
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

// A program that handles a terminating signal itself decides what it means:
// weft leaves a handler that was there when it started alone, and one
// installed later replaces weft's. The program's handler runs, the program
// goes on and ends its own way, and so does the trace: no signal in it, its
// end the program's exit, with what the program did after the signal.
TEST_CASE("a program that handles SIGTERM itself ends its own way, and so does its trace", "[crash]") {
  const char* mode = GENERATE("handle-sigterm", "handle-sigterm-late");
  SECTION(mode) {
    TempDir dir;
    const auto trace = run_and_load({mode, 5, 0, EndReason::Exit, 0}, dir);
    CHECK_FALSE(trace.truncated);
    REQUIRE(trace.end.has_value());
    CHECK(trace.end->reason == EndReason::Exit);
    CHECK(trace.end->events == trace.events.size());
    CHECK(std::none_of(trace.events.begin(), trace.events.end(),
                       [](const auto& e) { return e.kind == EventKind::ProcessSignal; }));
    auto expected = expected_marks("m");
    expected.push_back("SIGTERM handled");
    CHECK(marks_of(trace, "main") == expected);
    CHECK(marks_of(trace, "worker") == expected_marks("w"));
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

namespace {

// What identifies an event across two loads of one file: its site and a
// text event's text by what they are (the loader numbers them as it meets
// them); not its time, which is converted to nanoseconds with what the
// loaded part of the file says of the clock.
std::string event_key(const weft::format::Trace& t, const weft::format::Event& e) {
  std::string key = std::to_string(e.seq) + " " + std::to_string(e.object) + " " +
                    t.site_label(e.site) + " " + std::to_string(static_cast<unsigned>(e.kind)) + " " +
                    std::to_string(e.flags) + " ";
  const std::string_view text = t.text(e);
  return key + (text.empty() ? std::to_string(e.arg) : "text " + std::string(text));
}

std::map<std::uint32_t, std::vector<std::string>> events_by_thread(const weft::format::Trace& t) {
  std::map<std::uint32_t, std::vector<std::string>> out;
  for (const auto& e : t.events) out[e.thread].push_back(event_key(t, e));
  return out;
}

}  // namespace

// Cut at every 7th byte, from the whole file down to its first event chunk
// (before it lie the metadata and the tables the events are decoded with):
// each thread's events that load are exactly those of its event chunks that
// lie whole before the cut, the first so many of its events in the full
// trace. The file is not a trace at all when cut inside its first chunk.
TEST_CASE("a trace cut anywhere loads what its complete chunks hold", "[crash]") {
  TempDir dir;
  const auto full = run_and_load({"return", 0, 0, EndReason::Exit, 0}, dir);
  REQUIRE(full.end.has_value());
  const fs::path path = dir.path / "child.weft";
  const auto size = fs::file_size(path);
  const auto all = events_by_thread(full);

  // Where each event chunk ends, whose thread's events it holds and how many.
  struct EventChunk {
    std::uint64_t end;
    std::uint32_t thread;
    std::uint32_t count;
  };
  std::vector<EventChunk> chunks;
  std::uint64_t metadata_end = 0;  // of the first chunk, the metadata: without it, nothing loads
  std::uint64_t events_begin = size;  // where the first event chunk begins, after what decoding needs
  {
    const weft::format::TraceFile file(path.string());
    std::map<std::uint64_t, std::uint64_t> chunk_end;
    for (const auto& ref : file.scan()) chunk_end[ref.offset] = ref.payload_offset() + ref.length;
    REQUIRE_FALSE(chunk_end.empty());
    metadata_end = chunk_end.begin()->second;
    for (const auto& entry : file.event_index()) {
      REQUIRE(chunk_end.count(entry.offset) == 1);
      chunks.push_back({chunk_end[entry.offset], entry.thread, entry.count});
      events_begin = std::min(events_begin, entry.offset);
    }
  }
  REQUIRE(chunks.size() >= 2);  // main's and the worker's, at least
  const std::uint64_t last_events_end =
      std::max_element(chunks.begin(), chunks.end(), [](const auto& a, const auto& b) { return a.end < b.end; })->end;
  const std::uint64_t first_events_end =
      std::min_element(chunks.begin(), chunks.end(), [](const auto& a, const auto& b) { return a.end < b.end; })->end;

  std::vector<std::uintmax_t> cuts;
  for (std::uintmax_t cut = size; cut > events_begin; cut -= std::min<std::uintmax_t>(7, cut - events_begin))
    cuts.push_back(cut);
  cuts.push_back(events_begin);
  std::size_t previous = full.events.size() + 1;
  for (const std::uintmax_t cut : cuts) {
    INFO("cut at byte " << cut << " of " << size);
    fs::resize_file(path, cut);
    const auto t = weft::format::load_trace(path.string());
    std::map<std::uint32_t, std::size_t> expected_count;
    for (const EventChunk& c : chunks)
      if (c.end <= cut) expected_count[c.thread] += c.count;
    const auto loaded = events_by_thread(t);
    for (const auto& [thread, events] : all) {
      INFO("thread " << thread << ": " << (loaded.count(thread) ? loaded.at(thread).size() : 0) << " loaded, " << expected_count[thread] << " expected");
      const auto it = loaded.find(thread);
      const std::vector<std::string> got = it == loaded.end() ? std::vector<std::string>{} : it->second;
      const std::size_t n = expected_count[thread];
      REQUIRE(n <= events.size());
      CHECK(got == std::vector<std::string>(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(n)));
    }
    CHECK(loaded.size() <= all.size());  // no thread's events from nowhere
    if (cut >= last_events_end) CHECK(t.events.size() == full.events.size());
    if (cut >= first_events_end) CHECK_FALSE(t.events.empty());
    CHECK(t.events.size() <= previous);  // the shorter the file, the fewer events
    previous = t.events.size();
    if (cut == size) {
      CHECK(t.end.has_value());
      CHECK(t.events.size() == full.events.size());
    }
  }
  // Inside the first chunk it is not a trace yet: an error, not an empty one.
  fs::resize_file(path, metadata_end - 1);
  CHECK_THROWS_WITH(weft::format::load_trace(path.string()), Catch::Contains("truncated before its metadata"));
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

// The smallest ring, a writer that drains it only when woken (a flush
// period of a minute), and a thread that records until its ring has lost an
// event (trace_child flood-until-drop): losses are certain, and each is
// accounted for.
TEST_CASE("with WEFT_ON_FULL=drop, lost events are counted, never silent", "[buffer]") {
  TempDir dir;
  const std::string path = (dir.path / "drop.weft").string();
  const auto result = weft::test::run_child(
      {WEFT_TRACE_CHILD, "flood-until-drop"},
      weft::test::with_env(
          {{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"}, {"WEFT_ON_FULL", "drop"}, {"WEFT_FLUSH_MS", "60000"}}));
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  std::uint64_t iterations = 0;
  REQUIRE(std::sscanf(result.out.c_str(), "iterations %" SCNu64, &iterations) == 1);
  const auto trace = weft::format::load_trace(path);
  REQUIRE(trace.end.has_value());
  REQUIRE(trace.end->dropped > 0);
  CHECK(trace.end->events == trace.events.size());
  const auto flood = std::find_if(trace.objects.begin(), trace.objects.end(), [](const auto& o) { return o.name == "flood"; });
  REQUIRE(flood != trace.objects.end());
  std::uint64_t lock_events = 0, reported = 0;
  bool report_before_done = false;  // the flooder's losses are reported in its stream, before its last mark
  for (const auto& e : trace.events) {
    if (trace.thread(e.thread).name != "flooder") continue;
    if (e.object == flood->id && (e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexReleased ||
                                  e.kind == EventKind::MutexLockBegin))
      ++lock_events;
    else if (e.kind == EventKind::TraceDropped)
      reported += e.arg;
    else if (e.kind == EventKind::Mark && trace.text(e) == "flood done")
      report_before_done = reported == trace.end->dropped;
  }
  // Nothing else could be lost (see the mode): every lock and unlock the
  // flooder made is in the trace or in the count, and nothing more is.
  CHECK(lock_events + trace.end->dropped == 2 * iterations);
  // Each loss is reported where it happened, in the flooder's own stream.
  CHECK(reported == trace.end->dropped);
  CHECK(report_before_done);
  CHECK_FALSE(trace.warnings.empty());
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

// A finished thread's buffer is freed by the writer once it has drained
// its ring; with tracing off there is neither, and the buffer is free at
// once: a program that starts a thread per task reuses one, where it once
// added a buffer for every thread and walked them all to start the next.
TEST_CASE("WEFT_TRACE=off: threads started one at a time reuse one buffer", "[config]") {
  TempDir dir;
  const auto result =
      weft::test::run_child({WEFT_TRACE_CHILD, "one-at-a-time", "300"}, weft::test::with_env({{"WEFT_TRACE", "off"}}, dir.path.string()));
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.out.rfind("buffers ", 0) == 0);
  // Main's, and the one each thread in turn takes (one more if a thread
  // starts while the last is still on its way out).
  CHECK(std::stoi(result.out.substr(8)) <= 3);
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

TEST_CASE("trace_to a device, a FIFO or a directory is refused and the trace stays where it was", "[config]") {
  // Not /dev/null itself: before the fix, the move renamed the trace over
  // it, and as root that replaced the system's /dev/null with a file.
  TempDir dir;
  const std::string first = (dir.path / "first.weft").string();
  const std::string fifo = (dir.path / "pipe").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& target : {fifo, dir.path.string()}) {
    const auto result =
        weft::test::run_child({WEFT_TRACE_CHILD, "retarget-refused", target}, weft::test::with_env({{"WEFT_TRACE", first}}));
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("refused: weft::trace_to: " + target + " is not a regular file") != std::string::npos);
    struct stat st {};
    REQUIRE(::stat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    const auto trace = weft::format::load_trace(first);
    auto expected = expected_marks("before");
    const auto after = expected_marks("after");
    expected.insert(expected.end(), after.begin(), after.end());
    CHECK(marks_of(trace, "main") == expected);
  }
}

TEST_CASE("two processes tracing to one path do not write over each other", "[config]") {
  TempDir dir;
  const std::string path = (dir.path / "shared.weft").string();
  // The first holds the file from its first flush until it ends, and it ends
  // only when the test says (SIGUSR1), after the second has run: the second
  // finds the path taken and goes to shared.<pid>.weft.
  weft::test::ChildResult first, second;
  bool second_ran = false;
  auto options = weft::test::with_env({{"WEFT_TRACE", path}});
  options.ready_text = "flushed";
  options.on_ready = [&](int pid) {
    second = weft::test::run_child({WEFT_TRACE_CHILD, "linger", "0"}, weft::test::with_env({{"WEFT_TRACE", path}}));
    second_ran = true;
    kill(pid, SIGUSR1);
  };
  first = weft::test::run_child({WEFT_TRACE_CHILD, "hold"}, options);
  REQUIRE(second_ran);
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
