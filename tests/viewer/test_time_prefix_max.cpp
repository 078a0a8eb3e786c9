// The running maximum of event times, kept as its dips below the events'
// own times, against the running maximum worked out event by event.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "time_prefix_max.hpp"

using weft::viewer::TimePrefixMax;

namespace {

weft::format::EventStore events_at(const std::vector<std::uint64_t>& times) {
  weft::format::EventStore events;
  for (const std::uint64_t t : times) {
    weft::format::Event e;
    e.time_ns = t;
    events.push_back(e);
  }
  events.seal();
  return events;
}

}  // namespace

TEST_CASE("the running maximum of event times, at every event and searched by time") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 60; ++round) {
    // Times that mostly rise, with single events and runs a little late
    // (a clock read on another core), some at the very start.
    std::vector<std::uint64_t> times(rng() % 3000);
    std::uint64_t t = rng() % 50;
    for (std::size_t k = 0; k < times.size(); ++k) {
      const bool late = rng() % (round % 3 == 0 ? 2 : 20) == 0;
      times[k] = late && t > 100 ? t - 1 - rng() % 100 : (t += rng() % 40);
    }
    const weft::format::EventStore events = events_at(times);
    const TimePrefixMax max(events);
    REQUIRE(max.size() == times.size());
    std::vector<std::uint64_t> want(times.size());
    std::uint64_t running = 0;
    for (std::size_t k = 0; k < times.size(); ++k) want[k] = running = std::max(running, times[k]);
    for (std::size_t k = 0; k < times.size(); ++k) REQUIRE(max[k] == want[k]);
    CHECK(max.max() == running);
    // Read in order, as the arrows' indexes read it: every index, then
    // rising indices with repeats and gaps, some stepping back.
    TimePrefixMax::Ascending every(max);
    for (std::size_t k = 0; k < times.size(); ++k) REQUIRE(every(k) == want[k]);
    TimePrefixMax::Ascending skipping(max);
    for (std::size_t k = 0; k < times.size(); k += rng() % 5) {
      const std::size_t at = rng() % 10 == 0 && k > 20 ? k - rng() % 20 : k;  // now and then, back a little
      REQUIRE(skipping(at) == want[at]);
    }
    for (int q = 0; q < 200; ++q) {
      const std::uint64_t at = rng() % (running + 60);
      const auto first = static_cast<std::uint64_t>(std::lower_bound(want.begin(), want.end(), at) - want.begin());
      REQUIRE(max.first_at(at) == first);
    }
  }
}

TEST_CASE("no events: an empty maximum that finds nothing") {
  const weft::format::EventStore none;
  const TimePrefixMax max(none);
  CHECK(max.empty());
  CHECK(max.first_at(0) == 0);
  CHECK(max.first_at(12345) == 0);
}
