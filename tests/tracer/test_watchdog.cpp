// The watchdog (tracer/src/watchdog.cpp) against a program that can never
// finish (watchdog_child.cpp): a deadlock (two threads, two mutexes taken in
// opposite orders), a self-deadlock (a non-recursive mutex locked again by
// its holder) and a hang (every thread waiting, with no timeout, on an event
// or a condition nobody sets), under each WEFT_ON_DEADLOCK policy:
//   exit   one line on stderr naming the finding, the finding logged in the
//          trace ("weft stopped the program: ..."), the trace complete and
//          ending with EndReason::Watchdog, exit status 86;
//   abort  one line on stderr, the finding logged, the trace complete
//          (EndReason::Watchdog), then death by SIGABRT;
//   wait   one line on stderr, the finding logged ("weft watchdog: ..."),
//          and the program goes on waiting: the test kills it (SIGTERM, which
//          it does not handle, so the trace is completed as for any such
//          signal) once the line is out, and reads what the trace holds.
// In every case the stuck threads' waits are in the trace, still open.
//
// Nothing here waits on a clock: WEFT_HANG_MS is the smallest allowed (100)
// so that a hang is called soon, but the test only waits for the child to
// end, or, under `wait`, for its line.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include <weft/format/loader.hpp>
#include <weft/stop.hpp>

using weft::format::EndReason;
using weft::format::EventKind;

namespace {

// A wait the stuck program is in when it is stopped: `thread` began it
// (`begin` on object `object`, "" for a join) and never ended it (`end`).
struct OpenWait {
  const char* thread;
  EventKind begin;
  const char* object;
  EventKind end;
};

struct Stuck {
  const char* mode;                   // watchdog_child's
  const char* finding;                // how the report begins
  std::vector<std::string> mentions;  // what else the report must say
  const char* reporter;               // the thread that logs the finding
  std::vector<OpenWait> waits;
};

const Stuck kDeadlock{"deadlock",
                      "deadlock: ",
                      {"left waits for second", "right waits for first", ", each held by the next"},
                      "watchdog",
                      {{"left", EventKind::MutexLockBegin, "second", EventKind::MutexAcquired},
                       {"right", EventKind::MutexLockBegin, "first", EventKind::MutexAcquired},
                       {"main", EventKind::ThreadJoinBegin, "", EventKind::ThreadJoinEnd}}};
const Stuck kDeadlockSlow{"deadlock-slow",
                          "deadlock: ",
                          {"main waits for second", "right waits for first", ", each held by the next"},
                          "watchdog",
                          {{"main", EventKind::MutexLockBegin, "second", EventKind::MutexAcquired},
                           {"right", EventKind::MutexLockBegin, "first", EventKind::MutexAcquired}}};
const Stuck kSelfDeadlock{"self-deadlock",
                          "self-deadlock: ",
                          {"self-deadlock: main locks again, which it already holds"},
                          "main",  // it is caught by the locking thread, before it blocks
                          {{"main", EventKind::MutexLockBegin, "again", EventKind::MutexAcquired}}};
const Stuck kHang{"hang",
                  "hang: ",
                  {"hang: every thread is blocked with no timeout and nothing has happened for 100 ms:",
                   "main in cond.wait.begin on cv", "waiter in event.wait.begin on never"},
                  "watchdog",
                  {{"main", EventKind::CondWaitBegin, "cv", EventKind::CondWaitEnd},
                   {"waiter", EventKind::EventWaitBegin, "never", EventKind::EventWaitEnd}}};

// The watchdog never calls anything a hang under ThreadSanitizer: TSan starts
// its background thread at the program's first pthread_create, after the
// watchdog listed the threads that were there before weft, and a thread it
// does not know might still wake the others (watchdog.hpp). A hang would
// never be stopped there, so it is not tried; deadlocks are seen all the same.
std::vector<Stuck> all_stuck() {
#ifdef WEFT_TSAN_BUILD
  return {kDeadlock, kSelfDeadlock};
#else
  return {kDeadlock, kSelfDeadlock, kHang};
#endif
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// weft's own lines: under a sanitizer, the sanitizer may add lines of its own.
std::vector<std::string> weft_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& line : lines_of(text))
    if (line.rfind("weft: ", 0) == 0) out.push_back(line);
  return out;
}

// The one report line; with no sanitizer, all there is on the stream.
std::string the_report(const std::string& stream) {
  const auto lines = weft_lines(stream);
  REQUIRE(lines.size() == 1);
#if !defined(WEFT_TSAN_BUILD) && !defined(WEFT_ASAN_BUILD)
  CHECK(weft::test::one_line(stream));
#endif
  return lines[0];
}

// The finding as the report gives it: between `prefix` and `suffix`.
std::string finding_in(const std::string& line, const std::string& prefix, const std::string& suffix) {
  REQUIRE(line.rfind(prefix, 0) == 0);
  REQUIRE(line.size() >= prefix.size() + suffix.size());
  REQUIRE(line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0);
  return line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
}

void check_finding_text(const std::string& finding, const Stuck& stuck) {
  CHECK(finding.rfind(stuck.finding, 0) == 0);
  for (const std::string& m : stuck.mentions) {
    INFO("the report should say: " << m);
    CHECK(finding.find(m) != std::string::npos);
  }
}

std::optional<std::uint32_t> thread_named(const weft::format::Trace& t, const std::string& name) {
  for (const auto& th : t.threads)
    if (th.name == name) return th.id;
  return std::nullopt;
}

std::optional<std::uint32_t> object_named(const weft::format::Trace& t, const std::string& name) {
  for (const auto& o : t.objects)
    if (o.name == name) return o.id;
  return std::nullopt;
}

// The trace holds the finding, logged once as `text` by the reporting
// thread, and each stuck thread's wait, begun and never ended.
void check_trace_holds(const weft::format::Trace& t, const Stuck& stuck, const std::string& text) {
  std::vector<weft::format::Event> logs;
  for (const weft::format::Event e : t.events)
    if (e.kind == EventKind::Log && t.text(e).find(stuck.finding) != std::string_view::npos) logs.push_back(e);
  REQUIRE(logs.size() == 1);
  CHECK(t.text(logs[0]) == text);
  CHECK(t.thread(logs[0].thread).name == stuck.reporter);

  for (const OpenWait& w : stuck.waits) {
    INFO(w.thread << " waits in " << t.kind_name(w.begin) << " on '" << w.object << "'");
    const auto thread = thread_named(t, w.thread);
    REQUIRE(thread.has_value());
    std::optional<std::uint32_t> object;
    if (*w.object) {
      object = object_named(t, w.object);
      REQUIRE(object.has_value());
    }
    bool open = false;  // a begin seen, and no end after it
    for (const auto& e : t.events) {
      if (e.thread != *thread || (object && e.object != *object)) continue;
      if (e.kind == w.begin) open = true;
      if (e.kind == w.end) open = false;
    }
    CHECK(open);
  }
}

void check_complete(const weft::format::Trace& t) {
  std::string warnings;
  for (const auto& w : t.warnings) warnings += w + "\n";
  INFO("trace warnings: " << warnings);
  CHECK_FALSE(t.truncated);
  CHECK(t.warnings.empty());
  REQUIRE(t.end.has_value());
  CHECK(t.end->events == t.events.size());
  CHECK(t.end->dropped == 0);
}

weft::test::ChildOptions options_for(const weft::test::TempDir& dir, const std::string& trace, const char* policy) {
  // The working directory is the scratch one: an abort may leave a core there.
  return weft::test::with_env({{"WEFT_TRACE", trace}, {"WEFT_ON_DEADLOCK", policy}, {"WEFT_HANG_MS", "100"}},
                              dir.path().string());
}

// Sends SIGTERM to the process `pid`. Under ThreadSanitizer, to each of its
// threads: TSan defers an asynchronous signal that arrives at a thread
// inside an interceptor it does not count as a blocking call (as
// pthread_mutex_lock) until the thread leaves it, which a deadlocked thread
// never does; and the kernel gives a process's signal to its main thread
// first. One of the threads waiting in a call TSan counts as blocking (the
// writer's and the watchdog's timed waits) then runs weft's handler at once.
void terminate(int pid) {
#ifdef WEFT_TSAN_BUILD
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec))
    ::syscall(SYS_tgkill, pid, std::stol(task.path().filename().string()), SIGTERM);
#else
  ::kill(pid, SIGTERM);
#endif
}

}  // namespace

TEST_CASE("WEFT_ON_DEADLOCK=exit: the watchdog reports once, logs the finding, completes the trace and exits 86",
          "[watchdog]") {
  for (const Stuck& stuck : all_stuck()) {
    DYNAMIC_SECTION(stuck.mode) {
      const weft::test::TempDir dir;
      const std::string path = dir.file("stuck.weft");
      const auto result = weft::test::run_child({WEFT_WATCHDOG_CHILD, stuck.mode}, options_for(dir, path, "exit"));
      INFO("stderr: " << result.err);
      REQUIRE_FALSE(result.timed_out);
      CHECK(result.signal == 0);
      CHECK(result.exit_code == weft::kStoppedExitStatus);
      const std::string finding =
          finding_in(the_report(result.err), "weft: stopped the program: ", "; trace: " + path);
      check_finding_text(finding, stuck);

      const auto trace = weft::format::load_trace(path);
      check_complete(trace);
      CHECK(trace.end->reason == EndReason::Watchdog);
      CHECK(trace.end->status == std::uint64_t(weft::kStoppedExitStatus));
      check_trace_holds(trace, stuck, "weft stopped the program: " + finding);
    }
  }
}

// A deadlock is also a hang (every thread blocked, no timeout): the
// watchdog must call it what it is even when the hang is due first. Here
// the last thread into the circle (main) takes 300 ms from its lock.begin
// event to blocking, longer than WEFT_HANG_MS (100), as a thread preempted
// there on a loaded machine might; the watchdog used to call that a hang. The
// pause makes the old misreport likely; the watchdog's answer must not
// depend on it.
TEST_CASE("a deadlock whose last thread is slow to block is called a deadlock, not a hang", "[watchdog]") {
  const weft::test::TempDir dir;
  const std::string path = dir.file("stuck.weft");
  const auto result = weft::test::run_child({WEFT_WATCHDOG_CHILD, "deadlock-slow"}, options_for(dir, path, "exit"));
  INFO("stderr: " << result.err);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.exit_code == weft::kStoppedExitStatus);
  const std::string finding = finding_in(the_report(result.err), "weft: stopped the program: ", "; trace: " + path);
  check_finding_text(finding, kDeadlockSlow);
  const auto trace = weft::format::load_trace(path);
  check_complete(trace);
  check_trace_holds(trace, kDeadlockSlow, "weft stopped the program: " + finding);
}

TEST_CASE("WEFT_ON_DEADLOCK=abort: the watchdog reports once, logs the finding, completes the trace and aborts",
          "[watchdog]") {
  for (const Stuck& stuck : all_stuck()) {
    DYNAMIC_SECTION(stuck.mode) {
      const weft::test::TempDir dir;
      const std::string path = dir.file("stuck.weft");
      const auto result = weft::test::run_child({WEFT_WATCHDOG_CHILD, stuck.mode}, options_for(dir, path, "abort"));
      INFO("stderr: " << result.err);
      REQUIRE_FALSE(result.timed_out);
      CHECK(result.signal == SIGABRT);
      const std::string finding = finding_in(the_report(result.err), "weft: ", "; aborting (WEFT_ON_DEADLOCK=abort)");
      check_finding_text(finding, stuck);

      const auto trace = weft::format::load_trace(path);
      check_complete(trace);
      // The trace is ended for the watchdog's reason before abort() raises
      // SIGABRT; weft's SIGABRT handler then finds it complete already.
      CHECK(trace.end->reason == EndReason::Watchdog);
      CHECK(trace.end->status == std::uint64_t(weft::kStoppedExitStatus));
      check_trace_holds(trace, stuck, "weft stopped the program: " + finding);
    }
  }
}

TEST_CASE("WEFT_ON_DEADLOCK=wait: the watchdog reports once, logs the finding and the program waits on", "[watchdog]") {
  for (const Stuck& stuck : all_stuck()) {
    DYNAMIC_SECTION(stuck.mode) {
      const weft::test::TempDir dir;
      const std::string path = dir.file("stuck.weft");
      // The report goes to stderr, and a child is watched for a line on its
      // stdout: the shell joins the two, then execs the child (same pid).
      auto options = options_for(dir, path, "wait");
      const std::string waiting = "; waiting on (WEFT_ON_DEADLOCK=wait)";
      options.ready_text = waiting + "\n";
      options.on_ready = [](int pid) { terminate(pid); };
      const auto result =
          weft::test::run_child({"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", WEFT_WATCHDOG_CHILD, stuck.mode}, options);
      INFO("output: " << result.out);
      REQUIRE_FALSE(result.timed_out);
      // Still there after its report, it died of the test's SIGTERM.
      CHECK(result.signal == SIGTERM);
      const std::string finding = finding_in(the_report(result.out), "weft: ", waiting);
      check_finding_text(finding, stuck);

      // SIGTERM, which the program does not handle, ended the trace.
      const auto trace = weft::format::load_trace(path);
      check_complete(trace);
      CHECK(trace.end->reason == EndReason::Signal);
      CHECK(trace.end->status == std::uint64_t(SIGTERM));
      check_trace_holds(trace, stuck, "weft watchdog: " + finding);
    }
  }
}
