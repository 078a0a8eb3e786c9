// The watchdog across the processes of a run (watchdog.hpp, run_board.hpp),
// against run_hang_child: a parent joins a traced child (a wait another
// process ends) and the child
//   - waits on a pipe nobody writes: neither process can go on. Both are
//     stopped (WEFT_ON_DEADLOCK=exit): one line on stderr naming both
//     processes and their waits, the finding logged in both traces, both
//     traces complete and ending with EndReason::Watchdog (status 86), the
//     parent's exit status 86;
//   - answers after 1.5 s of timed sleeps, longer than WEFT_HANG_MS: slow is
//     not stuck, nothing is stopped;
//   - is stuck on its own (its threads wait for each other, in waits no
//     other process can end): its own watchdog stops it (86), as for any
//     program, and the parent's join returns and it ends normally;
//   - waits on the pipe under WEFT_ON_DEADLOCK=wait: the finding is logged
//     in both traces and said once, and the run goes on (the test then ends
//     the child; the parent's join returns).
// WEFT_HANG_MS is 300: the test waits only for the processes to end (or,
// under `wait`, for the finding to be in both traces).
//
// The four runs of two processes are left out under ThreadSanitizer, where
// the watchdog calls no hang (TSan's background thread is one weft does not
// know: see test_watchdog.cpp). The exec'd child's case runs in every build.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include <weft/format/loader.hpp>
#include <weft/stop.hpp>

using weft::format::EndReason;
using weft::format::EventKind;

namespace {

[[maybe_unused]] const char* const kHangPrefix =
    "hang across processes: every process of the run is blocked with no timeout and nothing has happened for 300 ms: ";

[[maybe_unused]] std::vector<std::string> weft_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("weft: ", 0) == 0) out.push_back(line);
  return out;
}

// The child's pid, from the parent's first line ("worker <pid>").
[[maybe_unused]] int worker_pid(const std::string& out) {
  REQUIRE(out.rfind("worker ", 0) == 0);
  return std::stoi(out.substr(7));
}

// The one trace of the run that is not the first process's.
std::string child_trace(const weft::test::TempDir& dir, const std::string& root) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().extension() == ".weft" && e.path().string() != root) found.push_back(e.path().string());
  REQUIRE(found.size() == 1);
  return found[0];
}

weft::test::ChildOptions options_for(const weft::test::TempDir& dir, const std::string& trace, const char* policy) {
  return weft::test::with_env({{"WEFT_TRACE", trace}, {"WEFT_ON_DEADLOCK", policy}, {"WEFT_HANG_MS", "300"}},
                              dir.path().string());
}

void check_complete(const weft::format::Trace& t) {
  CHECK_FALSE(t.truncated);
  REQUIRE(t.end.has_value());
  CHECK(t.end->events == t.events.size());
}

[[maybe_unused]] std::vector<std::string> logs_with(const weft::format::Trace& t, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& e : t.events)
    if (e.kind == EventKind::Log && t.text(e).find(text) != std::string_view::npos) out.emplace_back(t.text(e));
  return out;
}

// `thread` of trace `t` began a wait of kind `begin` on `object` and never ended it.
[[maybe_unused]] bool waits_open(const weft::format::Trace& t, const std::string& thread, EventKind begin,
                                 const std::string& object) {
  bool open = false;
  for (const auto& e : t.events) {
    if (t.thread(e.thread).name != thread || e.object == 0 || t.object(e.object).name != object) continue;
    if (e.kind == begin) open = true;
    else if (open) open = false;  // anything after the begin on that object ends the wait
  }
  return open;
}

}  // namespace

#ifndef WEFT_TSAN_BUILD
TEST_CASE("a parent joining a child that waits on a pipe nobody writes: both stopped, both traces complete",
          "[watchdog][run]") {
  const weft::test::TempDir dir;
  const std::string root = dir.file("run.weft");
  const auto result = weft::test::run_child({WEFT_RUN_HANG_CHILD, "pipe-hang"}, options_for(dir, root, "exit"));
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.signal == 0);
  CHECK(result.exit_code == weft::kStoppedExitStatus);
  const int child = worker_pid(result.out);
  const std::string child_path = child_trace(dir, root);
  CHECK(child_path == dir.file("run." + std::to_string(child) + ".weft"));

  // One line, by whichever process saw it first, naming both and their waits.
  const auto lines = weft_lines(result.err);
  REQUIRE(lines.size() == 1);
  const std::string prefix = std::string("weft: stopped the program: ") + kHangPrefix;
  REQUIRE(lines[0].rfind(prefix, 0) == 0);
  const auto trace_at = lines[0].rfind("; trace: ");
  REQUIRE(trace_at != std::string::npos);
  const std::string said_path = lines[0].substr(trace_at + 9);
  CHECK((said_path == root || said_path == child_path));
  const std::string finding = lines[0].substr(std::string("weft: stopped the program: ").size(),
                                              trace_at - std::string("weft: stopped the program: ").size());
  CHECK(finding.find("run_hang_child (pid ") != std::string::npos);
  CHECK(finding.find("main in process.join.begin on worker") != std::string::npos);
  CHECK(finding.find("worker (pid " + std::to_string(child) + "): main in pipe.recv.begin on requests") !=
        std::string::npos);

  const auto parent = weft::format::load_trace(root);
  const auto worker = weft::format::load_trace(child_path);
  for (const auto* t : {&parent, &worker}) {
    check_complete(*t);
    CHECK(t->end->reason == EndReason::Watchdog);
    CHECK(t->end->status == std::uint64_t(weft::kStoppedExitStatus));
    const auto logs = logs_with(*t, "hang across processes");
    REQUIRE(logs.size() == 1);
    CHECK(logs[0] == "weft stopped the program: " + finding);
  }
  CHECK(worker.info.parent_pid == parent.info.pid);
  CHECK(worker.info.run_id == parent.info.run_id);
  CHECK(worker.info.process_name == "worker");
  // Every process is stopped where it waits. The parent's stop and the
  // worker's race, though: when the worker's exit (status 86) reaches the
  // parent first, its join returns, and says so, before its own stop ends it.
  const bool joined_the_stopped_worker = result.out.find("worker status 86") != std::string::npos;
  CHECK((waits_open(parent, "main", EventKind::ProcessJoinBegin, "worker") || joined_the_stopped_worker));
  CHECK(waits_open(worker, "main", EventKind::PipeRecvBegin, "requests"));
}

TEST_CASE("a child slower to answer than WEFT_HANG_MS, in timed waits, is not a hang of the run", "[watchdog][run]") {
  const weft::test::TempDir dir;
  const std::string root = dir.file("run.weft");
  const auto result = weft::test::run_child({WEFT_RUN_HANG_CHILD, "answer"}, options_for(dir, root, "exit"));
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("worker status 0") != std::string::npos);
  CHECK(weft_lines(result.err).empty());
  for (const std::string& path : {root, child_trace(dir, root)}) {
    const auto t = weft::format::load_trace(path);
    check_complete(t);
    CHECK(t.end->reason == EndReason::Exit);
    CHECK(logs_with(t, "weft").empty());
  }
}

TEST_CASE("a child stuck on its own is stopped by its own watchdog, and its parent's join goes on",
          "[watchdog][run]") {
  const weft::test::TempDir dir;
  const std::string root = dir.file("run.weft");
  const auto result = weft::test::run_child({WEFT_RUN_HANG_CHILD, "local-hang"}, options_for(dir, root, "exit"));
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("worker status 86") != std::string::npos);
  const auto lines = weft_lines(result.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("weft: stopped the program: hang: every thread is blocked", 0) == 0);
  CHECK(lines[0].find("locker in mutex.lock.begin on m") != std::string::npos);
  CHECK(lines[0].find("hang across processes") == std::string::npos);

  const auto parent = weft::format::load_trace(root);
  check_complete(parent);
  CHECK(parent.end->reason == EndReason::Exit);
  CHECK(logs_with(parent, "weft").empty());
  const auto worker = weft::format::load_trace(child_trace(dir, root));
  check_complete(worker);
  CHECK(worker.end->reason == EndReason::Watchdog);
  CHECK(logs_with(worker, "weft stopped the program: hang: every thread").size() == 1);
}

TEST_CASE("WEFT_ON_DEADLOCK=wait: a hang across processes is logged in every trace and said once, and the run goes on",
          "[watchdog][run]") {
  const weft::test::TempDir dir;
  const std::string root = dir.file("run.weft");
  auto options = options_for(dir, root, "wait");
  bool seen = false;
  options.ready_text = "worker ";
  options.on_ready = [&](int) {
    // The child's trace is "run.<pid>.weft"; its pid is on the parent's
    // first line, which is what made us ready, but not handed to us: find
    // the file. Both traces are read as they are written (a trace loads up
    // to its last complete chunk) until each holds the finding.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!seen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling files being written: nothing to wait on
      std::vector<std::string> paths;
      for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        if (e.path().extension() == ".weft") paths.push_back(e.path().string());
      if (paths.size() != 2) continue;
      bool both = true;
      std::string child;
      for (const std::string& p : paths) {
        try {
          const auto t = weft::format::load_trace(p);
          both = both && !logs_with(t, "weft watchdog: hang across processes").empty();
          if (p != root) child = p;
        } catch (const std::exception&) {
          both = false;
        }
      }
      if (!both) continue;
      seen = true;
      // The child's pid from its file name; ending it ends the parent's join.
      const std::string stem = std::filesystem::path(child).stem().string();
      ::kill(std::stoi(stem.substr(stem.rfind('.') + 1)), SIGTERM);
    }
  };
  const auto result = weft::test::run_child({WEFT_RUN_HANG_CHILD, "pipe-hang"}, options);
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE(seen);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("worker signal 15") != std::string::npos);
  const auto lines = weft_lines(result.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind(std::string("weft: ") + kHangPrefix, 0) == 0);
  CHECK(lines[0].find("; waiting on (WEFT_ON_DEADLOCK=wait)") != std::string::npos);

  const auto parent = weft::format::load_trace(root);
  check_complete(parent);
  CHECK(parent.end->reason == EndReason::Exit);
  const auto worker = weft::format::load_trace(child_trace(dir, root));
  check_complete(worker);
  CHECK(worker.end->reason == EndReason::Signal);
  for (const auto* t : {&parent, &worker}) {
    CHECK(logs_with(*t, "weft watchdog: hang across processes").size() == 1);
    CHECK(logs_with(*t, "weft stopped the program").empty());
  }
}

#endif

// An exec'd child of weft::process joins the run through its environment:
// its trace records its own start (process.start, seq 1, its pid) and exit
// (process.exit, seq 2, before the END) on its parent's
// process object, known by the same run-wide key in both traces.
TEST_CASE("an exec'd child records its start and exit on its parent's process object", "[run]") {
  const weft::test::TempDir dir;
  const std::string root = dir.file("run.weft");
  const auto result = weft::test::run_child({WEFT_RUN_HANG_CHILD, "exec"}, options_for(dir, root, "exit"));
  INFO("stdout: " << result.out << "stderr: " << result.err);
  REQUIRE_FALSE(result.timed_out);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "execd status 3\n");
  const auto parent = weft::format::load_trace(root);
  const auto execd = weft::format::load_trace(child_trace(dir, root));
  check_complete(execd);
  CHECK(execd.info.process_name == "execd");
  CHECK(execd.info.parent_pid == parent.info.pid);

  std::uint64_t key = 0;  // the parent's process object "execd"
  for (const auto& o : parent.objects)
    if (o.kind == weft::format::ObjectKind::Process && o.name == "execd") key = o.shared_key;
  REQUIRE(key != 0);
  std::vector<weft::format::Event> own;  // the child's process events on that object
  for (const weft::format::Event e : execd.events)
    if (e.object != 0 && e.kind != EventKind::ObjectCreate &&
        execd.object(e.object).kind == weft::format::ObjectKind::Process && execd.object(e.object).shared_key == key)
      own.push_back(e);
  REQUIRE(own.size() == 2);
  CHECK(own[0].kind == EventKind::ProcessStart);
  CHECK(own[0].seq == 1);
  CHECK(own[0].arg == execd.info.pid);
  CHECK(own[1].kind == EventKind::ProcessExit);
  CHECK(own[1].seq == 2);
  // The code a program returns from main is not known to weft's exit
  // handler (only a stop's 86 is): 0, "not known".
  CHECK(own[1].arg == 0);
}
