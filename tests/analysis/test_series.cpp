// A series' steps are packed (object_state.hpp, StepCodec): what is read
// back, by index, by field and by event, is what was pushed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "weft/analysis/object_state.hpp"

using weft::analysis::Series;
using weft::analysis::Step;

namespace {

// A series of `n` steps as a model keeps one: times that never go back,
// events that rise, values small and of either sign (a semaphore's value
// may go below zero in a damaged trace), plus the extremes of int64.
std::vector<Step> random_steps(std::size_t n, std::mt19937_64& rng) {
  std::vector<Step> steps(n);
  std::uint64_t time = 1'000'000'000, event = 0;
  for (std::size_t k = 0; k < n; ++k) {
    time += rng() % 4 == 0 ? rng() % 1'000'000 : rng() % 50;
    event += 1 + rng() % 7;
    steps[k] = {time, static_cast<std::int64_t>(rng() % 9) - 4, event};
  }
  if (n > 300) {
    steps[100].value = INT64_MIN;
    steps[300].value = INT64_MAX;
  }
  return steps;
}

}  // namespace

TEST_CASE("packed steps read back as pushed: by index, by field, in order", "[series]") {
  std::mt19937_64 rng(11);
  for (const std::size_t n : {std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{257}, std::size_t{5000}}) {
    const std::vector<Step> steps = random_steps(n, rng);
    Series s;
    for (const Step& step : steps) s.steps.push_back(step);
    s.steps.seal();
    REQUIRE(s.steps.size() == n);
    std::size_t k = 0;
    for (const Step& step : s.steps) REQUIRE(step == steps[k++]);
    for (k = 0; k < n; ++k) {
      REQUIRE(s.steps[k] == steps[k]);
      REQUIRE(s.steps.field(k, weft::analysis::kStepTimeNs) == steps[k].time_ns);
      REQUIRE(s.steps.field(k, weft::analysis::kStepEvent) == steps[k].event);
    }
    // Small values take a few bytes a step, whatever their sign.
    if (n == 5000) CHECK(s.steps.memory_bytes() < n * 8);
  }
}

TEST_CASE("the step in force after an event is the last one set before it", "[series]") {
  std::mt19937_64 rng(12);
  const std::vector<Step> steps = random_steps(3000, rng);
  Series s;
  for (const Step& step : steps) s.steps.push_back(step);
  s.steps.seal();
  CHECK_FALSE(s.at_event(0).has_value());
  CHECK_FALSE(s.at_event(steps.front().event).has_value());  // set by that event: in force after it, not before
  for (int trial = 0; trial < 2000; ++trial) {
    const std::uint64_t applied = rng() % (steps.back().event + 10);
    std::size_t expect = steps.size();  // the last step whose event is before `applied`
    for (std::size_t k = 0; k < steps.size() && steps[k].event < applied; ++k) expect = k;
    const std::optional<Step> got = s.at_event(applied);
    if (expect == steps.size()) {
      REQUIRE_FALSE(got.has_value());
    } else {
      REQUIRE(got.has_value());
      REQUIRE(*got == steps[expect]);
    }
  }
}
