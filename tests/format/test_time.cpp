// Ticks -> nanoseconds. Events carry raw clock readings (a TSC on x86); the
// loader converts them with the rate measured between the first and the last
// CLCK (ticks, monotonic ns) pair, falling back to META's TicksPerSecond,
// then to 1 ns per tick. Times are relative to META's StartTicks.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

struct Loaded {
  std::vector<std::uint64_t> ns;
  double ticks_per_second = 0;
};

Loaded load_times(double meta_rate, std::uint64_t start_ticks, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& clocks,
                  const std::vector<std::uint64_t>& ticks) {
  MetaFields meta;
  meta.clock_name = "tsc";
  meta.ticks_per_second = meta_rate;
  meta.start_ticks = start_ticks;
  TraceBuilder b;
  b.meta(meta).kinds();
  b.threads({{0, 1, 0, 0, 0, "main"}});
  std::vector<EventRecord> records;
  for (std::uint64_t t : ticks) records.push_back(ev(EventKind::TraceDropped, t, 0, kNoSeq, 1));
  // The runtime writes CLCK pairs between event chunks; where they sit in
  // the file does not matter, only which is first and which is last.
  if (!clocks.empty()) b.clock(clocks.front().first, clocks.front().second);
  b.events(0, records);
  for (std::size_t i = 1; i < clocks.size(); ++i) b.clock(clocks[i].first, clocks[i].second);
  b.end();
  TempDir dir;
  const Trace t = dir.load(b.bytes());
  Loaded out;
  for (const Event& e : t.events) out.ns.push_back(e.time_ns);
  out.ticks_per_second = t.info.ticks_per_second;
  return out;
}

}  // namespace

TEST_CASE("time: the rate comes from the first and last CLCK pairs", "[time]") {
  // 3 ticks per ns (a 3 GHz TSC) over 10 ms; META says nothing (tsc: 0).
  // A middle pair with a nonsense rate is not used.
  const Loaded l = load_times(0.0, 1000, {{1000, 5'000'000}, {2000, 5'000'001}, {30'001'000, 15'000'000}},
                              {1000, 1001, 1002, 1300, 3'001'000, 30'001'000});
  CHECK(l.ns == std::vector<std::uint64_t>{0, 0, 1, 100, 1'000'000, 10'000'000});  // rounded to nearest
  CHECK(l.ticks_per_second == Approx(3e9));
}

TEST_CASE("time: a non-integer rate rounds each time to the nearest ns", "[time]") {
  // 2.5 ticks per ns, measured over 10 ms.
  const Loaded l = load_times(1e9, 0, {{0, 0}, {25'000'000, 10'000'000}}, {3, 4, 2'500'000'000});
  CHECK(l.ns == std::vector<std::uint64_t>{1, 2, 1'000'000'000});
  CHECK(l.ticks_per_second == Approx(2.5e9));
}

TEST_CASE("time: CLCK pairs spanning under 1 ms fall back to META's rate", "[time]") {
  // Too short a span to measure a rate from: META's 2 GHz is used.
  const Loaded l = load_times(2e9, 1000, {{1000, 0}, {3000, 1000}}, {1000, 3000, 2'001'000});
  CHECK(l.ns == std::vector<std::uint64_t>{0, 1000, 1'000'000});
  CHECK(l.ticks_per_second == Approx(2e9));
}

TEST_CASE("time: with no rate at all a tick is a nanosecond", "[time]") {
  const Loaded l = load_times(0.0, 100, {{100, 0}}, {100, 150, 1100});
  CHECK(l.ns == std::vector<std::uint64_t>{0, 50, 1000});
  CHECK(l.ticks_per_second == Approx(1e9));
}

TEST_CASE("time: readings before StartTicks clamp to 0", "[time]") {
  const Loaded l = load_times(1e9, 10'000, {}, {10'000, 9'999, 0, 10'001});
  CHECK(l.ns == std::vector<std::uint64_t>{0, 0, 0, 1});
}
