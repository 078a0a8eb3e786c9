// weft::this_thread::sleep_for and sleep_until: the spelling of the std
// ones, recorded as weft::sleep_for is (sleep.begin with the planned
// nanoseconds, sleep.end, at the caller's line).
#include <chrono>
#include <utility>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;
namespace fmt = weft::format;

namespace {

// The sleep.begin recorded at `line` of this file on the calling thread,
// and the event that follows it.
std::pair<fmt::Event, fmt::Event> sleep_at(const weft::test::Probe& probe, unsigned line) {
  const auto events = probe.on_thread(weft::this_thread::id());
  for (std::size_t i = 0; i + 1 < events.size(); ++i)
    if (events[i].kind == EventKind::SleepBegin && probe.trace.site(events[i].site).line == line &&
        probe.site_file(events[i]).find("test_this_thread_sleep.cpp") != std::string::npos)
      return {events[i], events[i + 1]};
  FAIL("no sleep.begin at line " << line);
  return {};
}

}  // namespace

TEST_CASE("this_thread::sleep_for sleeps and is recorded with its duration at the caller's line", "[sleep]") {
  const auto before = std::chrono::steady_clock::now();
  weft::this_thread::sleep_for(15ms); const unsigned line = __LINE__;
  CHECK(std::chrono::steady_clock::now() - before >= 15ms);

  const auto probe = weft::test::Probe::take();
  const auto [begin, end] = sleep_at(probe, line);
  CHECK(begin.arg == 15'000'000);
  CHECK(end.kind == EventKind::SleepEnd);
  CHECK(probe.trace.site(end.site).line == line);
}

TEST_CASE("this_thread::sleep_until sleeps until the time point on its clock", "[sleep]") {
  const auto until = std::chrono::steady_clock::now() + 15ms;
  weft::this_thread::sleep_until(until); const unsigned line = __LINE__;
  CHECK(std::chrono::steady_clock::now() >= until);
  const auto wall = std::chrono::system_clock::now() + 5ms;
  weft::this_thread::sleep_until(wall); const unsigned wall_line = __LINE__;
  CHECK(std::chrono::system_clock::now() >= wall);

  const auto probe = weft::test::Probe::take();
  const auto [begin, end] = sleep_at(probe, line);
  // The planned sleep: from the call to the time point, so at most 15 ms.
  CHECK(begin.arg > 0);
  CHECK(begin.arg <= 15'000'000);
  CHECK(end.kind == EventKind::SleepEnd);
  CHECK(probe.trace.site(end.site).line == line);
  const auto [wall_begin, wall_end] = sleep_at(probe, wall_line);
  CHECK(wall_begin.arg <= 5'000'000);
  CHECK(wall_end.kind == EventKind::SleepEnd);
}

TEST_CASE("this_thread::sleep_until a time already past returns at once and records a zero sleep", "[sleep]") {
  weft::this_thread::sleep_until(std::chrono::steady_clock::now() - 1s); const unsigned line = __LINE__;
  const auto probe = weft::test::Probe::take();
  const auto [begin, end] = sleep_at(probe, line);
  CHECK(begin.arg == 0);
  CHECK(end.kind == EventKind::SleepEnd);
}
