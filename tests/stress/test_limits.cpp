// The runtime at its limits, through a real traced program (busy_program):
// a thousand threads on one lock, kill -9 at random moments of a busy run,
// and a filesystem that fills up under the trace and under weft's outputs.
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/trace_file.hpp"

namespace fs = std::filesystem;
using weft::format::EventKind;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

// Each busy thread's iterations, as its marks "<t>:<i>" give them.
std::map<std::string, std::vector<long>> iterations_by_thread(const weft::format::Trace& t) {
  std::map<std::string, std::vector<long>> out;
  for (const auto& e : t.events) {
    if (e.kind != EventKind::Mark) continue;
    const std::string text(t.text(e));
    const auto colon = text.find(':');
    if (colon == std::string::npos) FAIL("a mark busy_program does not make: " << text);
    out[text.substr(0, colon)].push_back(std::stol(text.substr(colon + 1)));
  }
  return out;
}

// Every thread kept a prefix of its iterations: 0, 1, ..., k-1, no gap, no
// repeat. A gap would be a lost chunk in the middle of a thread's stream.
void check_prefixes(const weft::format::Trace& t) {
  for (const auto& [thread, its] : iterations_by_thread(t)) {
    INFO("thread busy-" << thread << " kept " << its.size() << " iterations");
    for (std::size_t i = 0; i < its.size(); ++i) {
      if (its[i] == long(i)) continue;
      FAIL_CHECK("iteration " << i << " is " << its[i]);
      break;
    }
  }
}

// The events every complete event chunk in the file holds, as its header
// says: what a loader that lost nothing must give back.
std::uint64_t events_in_complete_chunks(const std::string& path) {
  const weft::format::TraceFile f(path);
  std::uint64_t n = 0;
  for (const weft::format::ChunkRef& ref : f.scan()) {
    if (ref.type != static_cast<std::uint32_t>(weft::format::ChunkType::Events)) continue;
    const std::vector<unsigned char> head = f.read_payload_prefix(ref, 16);
    weft::format::ByteReader r(head.data(), head.size(), ref.describe());
    r.varint("thread");  // EVTS payload: varint thread | u32 count | ...
    n += r.u32("count");
  }
  return n;
}

}  // namespace

TEST_CASE("a thousand threads on one lock: every event kept, the count right, nothing found", "[stress]") {
  // Twice: with the default rings, and with the smallest, where the
  // thousand threads keep filling theirs and waiting for the writer.
  const std::string ring = GENERATE(std::string("65536"), std::string("1024"));
  INFO("WEFT_BUFFER_EVENTS=" << ring);
  TempDir dir;
  const std::string path = (dir.path() / "thousand.weft").string();
  constexpr int kThreads = 1000, kIterations = 20;
  weft::test::ChildOptions options =
      weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", ring}, {"WEFT_ON_FULL", "block"}});
  options.timeout = std::chrono::minutes(4);
  const auto r = run_child({WEFT_BUSY_PROGRAM, std::to_string(kThreads), std::to_string(kIterations)}, options);
  INFO("stderr: " << r.err.substr(0, 2000));
  REQUIRE(r.exited(0));  // 0: the counter is threads x iterations
  CHECK(r.err.empty());

  const weft::format::Trace t = weft::format::load_trace(path);
  REQUIRE(t.end.has_value());
  CHECK_FALSE(t.truncated);
  CHECK(t.end->dropped == 0);
  CHECK(t.end->events == t.events.size());
  CHECK(t.threads.size() == kThreads + 1);
  std::size_t locks = 0;
  for (const auto& e : t.events)
    if (e.kind == EventKind::MutexAcquired && t.object(e.object).name == "the_lock") ++locks;
  CHECK(locks == std::size_t(kThreads) * kIterations);
  const auto iterations = iterations_by_thread(t);
  CHECK(iterations.size() == std::size_t(kThreads));
  for (const auto& [thread, its] : iterations) {
    INFO("thread busy-" << thread);
    CHECK(its.size() == std::size_t(kIterations));
  }
  check_prefixes(t);
  const weft::analysis::Report report = weft::analysis::check(t, {});
  std::string titles;
  for (const auto& f : report.findings) titles += "\n    " + f.title;
  INFO("findings:" << titles);
  CHECK(report.findings.empty());
}

TEST_CASE("kill -9 at random moments of a busy program: the trace loads with every complete chunk", "[stress]") {
  // The moments come from a fixed seed, so a failure names one to retry.
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> delay_ms(0, 150);
  for (int round = 0; round < 8; ++round) {
    const int delay = round == 0 ? 0 : delay_ms(rng);
    INFO("round " << round << ": killed " << delay << " ms after all threads started");
    TempDir dir;
    const std::string path = (dir.path() / "killed.weft").string();
    weft::test::ChildOptions options = weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_FLUSH_MS", "5"}});
    options.ready_text = "running";
    options.on_ready = [delay, path](int pid) {
      // From the writer's first round on: before it there is no file to
      // load (the trace is created when there is something to write).
      for (int i = 0; i < 2000 && !fs::exists(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      ::kill(pid, SIGKILL);
    };
    const auto r = run_child({WEFT_BUSY_PROGRAM, "4", "0"}, options);  // 4 threads, until killed
    REQUIRE(r.signal == SIGKILL);
    REQUIRE_FALSE(r.timed_out);

    const weft::format::Trace t = weft::format::load_trace(path);  // loads: never a format_error
    CHECK_FALSE(t.end.has_value());
    CHECK(t.events.size() == events_in_complete_chunks(path));
    check_prefixes(t);
    if (round > 1) continue;  // the check on such a trace, twice is enough
    // The check runs on what is there and says it is incomplete.
    const auto check = run_child({WEFT_CLI, "check", path});
    INFO("check: " << check.out.substr(0, 1000) << check.err);
    CHECK((check.exit_code == 3 || check.exit_code == 1));
  }
}

namespace {

// A tmpfs of `bytes` at `dir`, visible to this process and its children
// only: the test process moves to a mount namespace of its own. Returns
// false (and says why) where that is not allowed (not root, no
// CAP_SYS_ADMIN, a container that forbids it).
bool mount_small_tmpfs(const fs::path& dir, std::size_t bytes, std::string& why) {
  if (::unshare(CLONE_NEWNS) != 0) {
    why = std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    return false;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    why = std::string("making / private: ") + std::strerror(errno);
    return false;
  }
  const std::string size = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, size.c_str()) != 0) {
    why = std::string("mounting a tmpfs: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a filesystem that fills up: the program runs on, the trace loads, every writer says so", "[stress]") {
  TempDir dir;
  const fs::path full = dir.path() / "full";
  fs::create_directories(full);
  std::string why;
  if (!mount_small_tmpfs(full, 512 * 1024, why)) {
    WARN("skipped: cannot make a small filesystem here (" << why << ")");
    return;
  }
  struct Unmount {
    fs::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{full};

  // The program's trace (some 2 MB) fills the 512 KB, written a round at
  // a time: the program says so once, and runs on.
  const std::string trace = (full / "busy.weft").string();
  const auto r = run_child({WEFT_BUSY_PROGRAM, "4", "20000"},
                           weft::test::with_env({{"WEFT_TRACE", trace}, {"WEFT_FLUSH_MS", "5"}}));
  INFO("stderr: " << r.err);
  CHECK(r.exited(0));
  CHECK(one_line(r.err));
  CHECK(r.err.find(trace) != std::string::npos);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  // What reached the disk loads, as a trace cut short, prefixes intact.
  const weft::format::Trace t = weft::format::load_trace(trace);
  CHECK_FALSE(t.end.has_value());
  CHECK_FALSE(t.events.empty());
  CHECK(t.events.size() == events_in_complete_chunks(trace));
  check_prefixes(t);

  // weft's own outputs into the full filesystem: exit 2, the path, the reason.
  const std::string elsewhere = (dir.path() / "ok.weft").string();
  REQUIRE(run_child({WEFT_BUSY_PROGRAM, "2", "2000"}, weft::test::with_env({{"WEFT_TRACE", elsewhere}})).exited(0));
  const std::string exported = (full / "export.json").string();
  const auto e = run_child({WEFT_CLI, "export", elsewhere, "-o", exported});
  INFO("export: " << e.err);
  CHECK(e.exit_code == 2);
  CHECK(one_line(e.err));
  CHECK(e.err.find(exported) != std::string::npos);
  CHECK(e.err.find("No space left on device") != std::string::npos);
  // Nothing half-written is left under the name asked for.
  CHECK_FALSE(fs::exists(exported));

  // check's report redirected into the full filesystem, as a shell would.
  const std::string sarif = (full / "report.sarif").string();
  const auto c = run_child({"/bin/sh", "-c", "exec \"$0\" check \"$1\" --format sarif > \"$2\"", WEFT_CLI, elsewhere, sarif});
  INFO("check: " << c.err);
  CHECK(c.exit_code == 2);
  CHECK(one_line(c.err));
  CHECK(c.err.find("No space left on device") != std::string::npos);
}
