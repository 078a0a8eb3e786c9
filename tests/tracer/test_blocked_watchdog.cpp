// The watchdog sees a thread blocked on a weft::shared_mutex, on either
// side, or in a weft::condition_variable_any, and stops a program that can
// no longer move (blocked_child.cpp).
#include <string>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace {

weft::test::ChildResult run_blocked(const std::string& mode) {
  const weft::test::TempDir dir;
  auto options = weft::test::with_env(
      {{"WEFT_TRACE", dir.file("child.weft")}, {"WEFT_HANG_MS", "200"}, {"WEFT_ON_DEADLOCK", "exit"}});
  return weft::test::run_child({WEFT_BLOCKED_CHILD, mode}, options);
}

// Stopped by weft, with its status (also under ThreadSanitizer: the
// watchdog ends the program outside the scope that hides weft's machinery
// from TSan, which would otherwise object with its own status).
void check_stopped_by_weft(const weft::test::ChildResult& result) {
  CHECK(result.err.find("weft: stopped the program: ") != std::string::npos);
  CHECK(result.exit_code == 86);
}

}  // namespace

// Not under ThreadSanitizer: there the watchdog never calls anything a hang
// (TSan starts its background thread at the program's first
// pthread_create, after the watchdog listed the threads it knew of, and an
// unknown thread might still wake the others). Deadlocks it does see.
#ifndef WEFT_TSAN_BUILD
TEST_CASE("a reader blocked behind a writer counts as blocked: the program is stopped as hung", "[shared_mutex][watchdog]") {
  const auto result = run_blocked("reader-behind-writer");
  INFO(result.err);
  REQUIRE_FALSE(result.timed_out);
  check_stopped_by_weft(result);
  CHECK(result.err.find("hang:") != std::string::npos);
  CHECK(result.err.find("reader in mutex.lock_shared.begin on rw") != std::string::npos);
}

TEST_CASE("a writer blocked behind a reader counts as blocked: the program is stopped as hung", "[shared_mutex][watchdog]") {
  const auto result = run_blocked("writer-behind-reader");
  INFO(result.err);
  REQUIRE_FALSE(result.timed_out);
  check_stopped_by_weft(result);
  CHECK(result.err.find("writer in mutex.lock.begin on rw") != std::string::npos);
}

TEST_CASE("a thread waiting on a condition_variable_any counts as blocked: the program is stopped as hung",
          "[condition_any][watchdog]") {
  const auto result = run_blocked("cond-any");
  INFO(result.err);
  REQUIRE_FALSE(result.timed_out);
  check_stopped_by_weft(result);
  CHECK(result.err.find("main in cond.wait.begin on cv") != std::string::npos);
}
#endif

TEST_CASE("asking for a shared mutex in the other mode while holding it is a self-deadlock", "[shared_mutex][watchdog]") {
  const std::string mode = GENERATE("upgrade", "downgrade");
  const auto result = run_blocked(mode);
  INFO(mode << ": " << result.err);
  REQUIRE_FALSE(result.timed_out);
  check_stopped_by_weft(result);  // main stops it, as it is about to block
  CHECK(result.err.find("self-deadlock: main locks rw") != std::string::npos);
}

TEST_CASE("a wait-for cycle through a shared mutex's exclusive side is a deadlock", "[shared_mutex][watchdog]") {
  const auto result = run_blocked("deadlock");
  INFO(result.err);
  REQUIRE_FALSE(result.timed_out);
  check_stopped_by_weft(result);
  CHECK(result.err.find("deadlock: ") != std::string::npos);
  CHECK(result.err.find("waits for rw") != std::string::npos);
}
