// What a frame draws: spans wider than a pixel as themselves, denser ones
// folded into one rectangle per pixel column that says how much of it they
// cover; the same for ticks and value series.
#include <catch2/catch.hpp>

#include <random>

#include "aggregate.hpp"

using namespace weft::viewer;

namespace {

// `n` spans of `len` ns, one every `every` ns from t = 0.
SpanList regular(std::size_t n, std::uint64_t len, std::uint64_t every) {
  SpanList list;
  for (std::size_t k = 0; k < n; ++k) {
    Span s;
    s.begin_ns = k * every;
    s.end_ns = s.begin_ns + len;
    s.begin_event = k;
    s.state = State::Lock;
    list.add(s);
  }
  return list;
}

Viewport view(double t0, double ns_per_px, double width) {
  Viewport v;
  v.t0_ns = t0;
  v.ns_per_px = ns_per_px;
  v.x0 = 0;
  v.width = width;
  return v;
}

}  // namespace

TEST_CASE("zoomed in, every visible span is drawn as itself") {
  const SpanList list = regular(100, 5, 10);  // [0,5) [10,15) ...
  std::vector<SpanRect> out;
  span_rects(list, view(0, 0.5, 200), out);  // 0..100 ns, 20 px a span
  REQUIRE(out.size() == 10);
  for (std::size_t k = 0; k < out.size(); ++k) {
    CHECK(out[k].first == k);
    CHECK(out[k].count == 1);
    CHECK(out[k].x0 == Approx(20.0 * static_cast<double>(k)));
    CHECK(out[k].x1 == Approx(20.0 * static_cast<double>(k) + 10));
  }
}

TEST_CASE("zoomed out, sub-pixel spans fold into one rectangle per pixel with their coverage") {
  const SpanList list = regular(10'000, 1, 10);  // 100 000 ns, 10% covered
  std::vector<SpanRect> out;
  span_rects(list, view(0, 1000, 100), out);  // 100 spans per pixel
  REQUIRE(out.size() == 100);
  std::size_t total = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    CHECK(out[k].x0 == Approx(static_cast<double>(k)));
    CHECK(out[k].x1 == Approx(static_cast<double>(k) + 1));
    CHECK(out[k].count == 100);
    CHECK(out[k].coverage == Approx(0.1f));
    total += out[k].count;
  }
  CHECK(total == 10'000);  // every span accounted for, none twice
}

TEST_CASE("a wide span after sub-pixel ones is not swallowed by their pixel") {
  SpanList list = regular(50, 1, 2);  // dense, 0..100 ns
  Span wide;
  wide.begin_ns = 100;
  wide.end_ns = 5000;
  list.add(wide);
  std::vector<SpanRect> out;
  span_rects(list, view(0, 50, 200), out);
  REQUIRE(out.size() >= 2);
  const SpanRect& last = out.back();
  CHECK(last.first == 50);
  CHECK(last.count == 1);
  CHECK(last.x0 == Approx(2.0));
  CHECK(last.x1 == Approx(100.0));
}

TEST_CASE("only the visible part is visited, and a frame's rectangles are bounded by its width") {
  const SpanList list = regular(2'000'000, 3, 5);  // 10 ms of 3 ns waits
  std::vector<SpanRect> out;
  span_rects(list, view(0, 10'000'000.0 / 1000, 1000), out);
  CHECK(out.size() <= 1001);
  std::size_t total = 0;
  for (const SpanRect& r : out) total += r.count;
  CHECK(total == 2'000'000);
  out.clear();
  span_rects(list, view(5'000'000, 1, 100), out);  // 100 ns in the middle
  REQUIRE(out.size() == 20);
  CHECK(list.spans[out.front().first].begin_ns == 5'000'000);
}

TEST_CASE("RangeMax answers like a scan, for every range shape") {
  std::mt19937 rng(7);
  std::vector<Step> steps(5000);
  for (std::size_t k = 0; k < steps.size(); ++k)
    steps[k] = {k, static_cast<std::int64_t>(rng() % 1000) - 500, k};
  // Negative values too: a step's value is packed with its sign bit flipped.
  weft::analysis::Steps packed;
  for (const Step& s : steps) packed.push_back(s);
  packed.seal();
  RangeMax rm;
  rm.build(packed);
  for (int trial = 0; trial < 2000; ++trial) {
    std::size_t a = rng() % steps.size(), b = rng() % steps.size();
    if (a > b) std::swap(a, b);
    ++b;
    std::int64_t expect = steps[a].value;
    for (std::size_t k = a; k < b; ++k) expect = std::max(expect, steps[k].value);
    REQUIRE(rm.max(a, b) == expect);
  }
}

TEST_CASE("a dense series shows each pixel's peak, a sparse one its steps") {
  std::vector<Step> steps;
  for (std::uint64_t k = 0; k < 1000; ++k) steps.push_back({k * 10, k == 537 ? 99 : 1, k});
  weft::analysis::Steps packed;
  for (const Step& step : steps) packed.push_back(step);
  packed.seal();
  Series s;
  s.steps = packed;
  s.peak = 99;
  s.range_max.build(s.steps);
  std::vector<SeriesBar> out;
  series_bars(s, view(0, 1000, 10), 10'000, out);  // 100 steps a pixel
  std::int64_t best = 0;
  std::size_t where = 0;
  for (const SeriesBar& b : out)
    if (b.value > best) {
      best = b.value;
      where = static_cast<std::size_t>(b.x0);
    }
  CHECK(best == 99);  // the one-step spike survives folding
  CHECK(where == 5);
  out.clear();
  series_bars(s, view(0, 1, 50), 10'000, out);  // 10 px a step
  REQUIRE(out.size() == 5);
  CHECK(out[0].x0 == Approx(0));
  CHECK(out[0].x1 == Approx(10));
}

TEST_CASE("ticks fold to one per pixel column, counting what they stand for") {
  std::vector<Tick> ticks;
  for (std::uint64_t k = 0; k < 1000; ++k) ticks.push_back({k, k, false});
  std::vector<TickMark> out;
  tick_marks(ticks, view(0, 100, 10), out);
  REQUIRE(out.size() == 10);
  for (const TickMark& t : out) CHECK(t.count == 100);
  out.clear();
  tick_marks(ticks, view(10, 0.1, 50), out);  // 5 ns: ticks 10..15
  CHECK(out.size() == 6);
  CHECK(out.front().first == 10);
}
