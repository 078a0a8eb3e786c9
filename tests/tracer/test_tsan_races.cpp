// ThreadSanitizer must see the program's races between weft's threads as it
// sees them between std::threads (TSan builds only, the `tsan` label).
// weft's own bookkeeping once passed for synchronization: a thread that
// ended released its ring, the next thread to start acquired the list of
// rings, and TSan took that for an edge between the two and reported none
// of their races (tsan_invisible.hpp, thread_buffer.cpp). Each racy program
// runs several times, and TSan must report the race on every run; the same
// programs with a weft::mutex around every access must get no report at
// all, so the fix does not make TSan see races that are not there.
#include <string>

#include <catch2/catch.hpp>

#include <weft/format/loader.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace {

constexpr int kRuns = 3;

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// `trace`: where the child's trace goes (a file of its own when empty).
weft::test::ChildResult run_child(const std::string& mode, bool locked, const std::string& trace = {}) {
  const weft::test::TempDir dir;
  // exitcode=0: the child's status says whether it ran, TSan's verdict is
  // in its reports. Traced, as a user's program would be.
  weft::test::ChildOptions options = weft::test::with_env(
      {{"WEFT_TRACE", trace.empty() ? dir.file("run.weft") : trace}, {"TSAN_OPTIONS", "exitcode=0 halt_on_error=0"}});
  options.timeout = std::chrono::seconds(120);
  std::vector<std::string> argv{WEFT_TSAN_RACE_CHILD, mode};
  if (locked) argv.emplace_back("locked");
  return weft::test::run_child(argv, options);
}

// `location`: the variable TSan's report must name.
void require_race_every_run(const std::string& mode, const std::string& location = "racy_counter") {
  for (int run = 1; run <= kRuns; ++run) {
    const auto result = run_child(mode, false);
    INFO(mode << ", run " << run << "; stderr: " << result.err.substr(0, 4000));
    REQUIRE_FALSE(result.timed_out);
    REQUIRE(result.exit_code == 0);
    CHECK(count_of(result.err, "WARNING: ThreadSanitizer: data race") >= 1);
    // On the program's variable, not somewhere inside weft.
    const std::string where = "Location is global '" + location + "'";
    CHECK(count_of(result.err, where) >= 1);
    CHECK(count_of(result.err, "WARNING: ThreadSanitizer:") == count_of(result.err, where));
  }
}

void require_silence_every_run(const std::string& mode) {
  for (int run = 1; run <= kRuns; ++run) {
    const auto result = run_child(mode, true);
    INFO(mode << " with a weft::mutex, run " << run << "; stderr: " << result.err.substr(0, 4000));
    REQUIRE_FALSE(result.timed_out);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("counter 0\n") != std::string::npos);
    CHECK(count_of(result.err, "WARNING: ThreadSanitizer") == 0);
  }
}

}  // namespace

TEST_CASE("TSan reports a race between two weft threads on every run", "[tsan]") {
  require_race_every_run("threads");
}

TEST_CASE("TSan reports a race between two weft threads when the first ended before the second started", "[tsan]") {
  require_race_every_run("threads-apart");
}

TEST_CASE("TSan reports a race between a weft thread and main on every run", "[tsan]") {
  require_race_every_run("main");
}

TEST_CASE("TSan reports a race between main and a weft thread that ended but was not joined", "[tsan]") {
  require_race_every_run("main-late");
}

TEST_CASE("TSan reports a race between two tasks of a thread_pool on every run", "[tsan]") {
  require_race_every_run("pool");
}

TEST_CASE("TSan reports a race between two threads that submit to one thread_pool", "[tsan]") {
  require_race_every_run("pool-submitters");
}

TEST_CASE("TSan reports a race on a weft::shared updated with ++ and -= by two weft threads", "[tsan]") {
  require_race_every_run("shared", "shared_counter()::counter");
}

// The trace keeps each of TSan's reports as JSON in a text of at most
// kMaxTextBytes. Frames named by templates and lambdas (hundreds of
// characters each, two stacks of eight) once overflowed it: the report was
// cut, `weft check` could not parse it and said "unreadable". Long function
// names are now shortened in the middle, and the file and line kept whole.
TEST_CASE("TSan's report of a race in functions with long names is kept whole in the trace", "[tsan]") {
  const weft::test::TempDir dir;
  const std::string trace = dir.file("long.weft");
  const auto result = run_child("long-names", false, trace);
  INFO("stderr: " << result.err.substr(0, 4000));
  REQUIRE(result.exit_code == 0);
  CHECK(count_of(result.err, "Location is global 'racy_counter'") >= 1);
  const weft::format::Trace t = weft::format::load_trace(trace);
  std::size_t reports = 0;
  for (const auto& e : t.events) {
    if (e.kind != weft::format::EventKind::TsanReport) continue;
    ++reports;
    const std::string text(t.text(e));
    INFO(text);
    CHECK((e.flags & weft::format::kFlagTextTruncated) == 0);
    CHECK(text.size() < 4096);
    CHECK(text.find("add_from_long_names") != std::string::npos);  // the head of the long name
    CHECK(text.find("tsan_race_child.cpp:") != std::string::npos);   // the place, whole
    CHECK(text.back() == '}');
  }
  CHECK(reports >= 1);
}

// TSan finds a race on memory being freed inside free() itself, and calls
// weft's report hook there: the hook, which once built the report's text
// on the heap, tripped TSan's own check (no allocation while freeing) and
// the program died instead of going on with the race reported.
TEST_CASE("TSan reports a race on memory as another thread frees it, and the program goes on", "[tsan]") {
  for (int run = 1; run <= kRuns; ++run) {
    const auto result = run_child("freed", false);
    INFO("run " << run << "; stderr: " << result.err.substr(0, 4000));
    REQUIRE_FALSE(result.timed_out);
    CHECK(result.exit_code == 0);
    CHECK(count_of(result.err, "WARNING: ThreadSanitizer: data race") >= 1);
    CHECK(count_of(result.err, "CHECK failed") == 0);
    CHECK(result.out.find("counter 0\n") != std::string::npos);  // it went on to its end
  }
}

TEST_CASE("TSan reports nothing when a weft::mutex guards the same accesses", "[tsan]") {
  const std::string mode = GENERATE("threads", "threads-apart", "main", "main-late", "pool", "pool-submitters", "shared");
  require_silence_every_run(mode);
}
