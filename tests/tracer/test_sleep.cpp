// weft::sleep_for: a real sleep between sleep.begin (arg: the requested
// nanoseconds) and sleep.end, on the sleeping thread, at the caller's line.
#include <algorithm>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using namespace std::chrono_literals;
namespace fmt = weft::format;

namespace {

// The sleep.begin recorded at `line` of this file on `thread`, and the event
// that follows it on that thread.
std::pair<fmt::Event, fmt::Event> sleep_at(const weft::test::Probe& probe, std::uint32_t thread, unsigned line) {
  const auto events = probe.on_thread(thread);
  for (std::size_t i = 0; i + 1 < events.size(); ++i)
    if (events[i].kind == EventKind::SleepBegin && probe.trace.site(events[i].site).line == line &&
        probe.site_file(events[i]).find("test_sleep.cpp") != std::string::npos)
      return {events[i], events[i + 1]};
  FAIL("no sleep.begin at line " << line);
  return {};
}

}  // namespace

TEST_CASE("sleep_for sleeps and records sleep.begin with the duration then sleep.end", "[sleep]") {
  const auto before = std::chrono::steady_clock::now();
  weft::sleep_for(20ms); const unsigned line = __LINE__;
  CHECK(std::chrono::steady_clock::now() - before >= 20ms);

  const auto probe = weft::test::Probe::take();
  const auto [begin, end] = sleep_at(probe, weft::this_thread::id(), line);
  CHECK(begin.arg == 20'000'000);
  CHECK(begin.object == 0);
  CHECK(begin.seq == kNoSeq);
  CHECK(end.kind == EventKind::SleepEnd);
  CHECK(end.object == 0);
  CHECK(probe.trace.site(end.site).line == line);
  CHECK(end.time_ns - begin.time_ns >= 15'000'000);
}

TEST_CASE("sleep_for takes any duration type and a negative one returns at once", "[sleep]") {
  weft::sleep_for(std::chrono::microseconds(1500)); const unsigned micro = __LINE__;
  weft::sleep_for(std::chrono::duration<double, std::milli>(0.25)); const unsigned fractional = __LINE__;
  weft::sleep_for(-5ms); const unsigned negative = __LINE__;
  std::uint32_t other = 0;
  unsigned on_thread = 0;
  weft::thread t("sleeper", [&] {
    other = weft::this_thread::id();
    weft::sleep_for(1ms); on_thread = __LINE__;
  });
  t.join();

  const auto probe = weft::test::Probe::take();
  const std::uint32_t me = weft::this_thread::id();
  CHECK(sleep_at(probe, me, micro).first.arg == 1'500'000);
  CHECK(sleep_at(probe, me, fractional).first.arg == 250'000);
  const auto [begin, end] = sleep_at(probe, me, negative);
  CHECK(begin.arg == 0);
  CHECK(end.kind == EventKind::SleepEnd);
  const auto [theirs, theirs_end] = sleep_at(probe, other, on_thread);
  CHECK(theirs.thread == other);
  CHECK(theirs.arg == 1'000'000);
  CHECK(theirs_end.kind == EventKind::SleepEnd);
}
