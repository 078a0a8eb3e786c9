// The level-of-detail index (lod.hpp) changes how a frame searches, never
// what it draws: the same rectangles, ticks and bars as the plain search,
// on random lanes at random zooms; and both agree with brute force: every
// span a pixel or wider drawn as itself, every sub-pixel run covering what
// its spans cover.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "aggregate.hpp"
#include "lod.hpp"

using namespace weft::viewer;

namespace {

// Spans in bursts (many tiny ones close together), gaps and long ones: the
// mix a bucket index must not be fooled by.
SpanList random_spans(std::mt19937_64& rng, std::size_t n) {
  SpanList list;
  std::uint64_t t = rng() % 1000;
  for (std::size_t k = 0; k < n; ++k) {
    const unsigned shape = static_cast<unsigned>(rng() % 10);
    const std::uint64_t gap = shape < 6 ? rng() % 5 : shape < 9 ? rng() % 500 : rng() % 200'000;
    const std::uint64_t len = shape < 5 ? rng() % 4 : shape < 8 ? rng() % 300 : rng() % 50'000;
    Span s;
    s.begin_ns = t + gap;
    s.end_ns = s.begin_ns + len;
    s.begin_event = k;
    s.state = State::Lock;
    list.add(s);
    t = s.end_ns;
  }
  return list;
}

Viewport random_view(std::mt19937_64& rng, std::uint64_t end_ns) {
  Viewport v;
  v.x0 = static_cast<double>(rng() % 200);
  v.width = static_cast<double>(100 + rng() % 1200);
  // From a fraction of a nanosecond per pixel to the whole lane and more.
  const double full = static_cast<double>(end_ns) / v.width;
  v.ns_per_px = std::max(0.05, full * std::pow(10.0, -static_cast<double>(rng() % 60) / 10.0));
  v.t0_ns = static_cast<double>(rng() % (end_ns + 1)) - v.width * v.ns_per_px * 0.3;
  return v;
}

bool same(const SpanRect& a, const SpanRect& b) {
  return a.x0 == b.x0 && a.x1 == b.x1 && a.first == b.first && a.count == b.count && a.coverage == b.coverage;
}

}  // namespace

TEST_CASE("a time index finds the first key at or after t, as a binary search does") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::uint64_t> keys(rng() % 3000);
    std::uint64_t t = rng() % 100;
    for (auto& k : keys) k = t += (rng() % 4 == 0 ? rng() % 10'000 : rng() % 3);  // bursts, repeats, gaps
    TimeIndex index;
    index.build(keys);
    for (int q = 0; q < 300; ++q) {
      const std::uint64_t at = keys.empty() ? rng() % 10 : rng() % (keys.back() + 50);
      const std::size_t from = keys.empty() ? 0 : rng() % (keys.size() + 1);
      const std::size_t want = std::max<std::size_t>(
          from, static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), at) - keys.begin()));
      REQUIRE(index.lower_bound(at, from, [&](std::size_t k) { return keys[k]; }) == want);
    }
  }
}

TEST_CASE("through the index a frame's spans are exactly those of the plain search") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    const SpanList list = random_spans(rng, 1 + rng() % 20'000);
    TimeIndex index;
    index.build(list.spans.size(), [&](std::size_t k) { return list.begin_of(k); });
    for (int v = 0; v < 25; ++v) {
      const Viewport view = random_view(rng, list.spans.back().end_ns);
      std::vector<SpanRect> plain, indexed;
      span_rects(list, view, plain);
      span_rects(list, view, indexed, &index);
      REQUIRE(plain.size() == indexed.size());
      for (std::size_t k = 0; k < plain.size(); ++k) REQUIRE(same(plain[k], indexed[k]));
    }
  }
}

TEST_CASE("a frame of the lanes on screen draws each of them as the frame of every lane does") {
  std::mt19937_64 rng(11);
  Timeline tl;
  for (int n = 0; n < 40; ++n) {
    Lane lane;
    lane.kind = n < 4 ? LaneKind::Thread : LaneKind::Lock;
    lane.spans = random_spans(rng, 8 + rng() % 3'000);
    lane.end_ns = lane.spans.spans.back().end_ns;
    tl.lanes.push_back(std::move(lane));
  }
  // One lane too short to index, which the frames draw all the same.
  tl.lanes[5].spans = random_spans(rng, 3);
  const Lod lod = build_lod(tl);
  CHECK(lod.of(5) == nullptr);
  CHECK(lod.of(6) != nullptr);
  CHECK(lod.of(tl.lanes.size()) == nullptr);
  CHECK(lod.indexed() == tl.lanes.size() - 1);
  std::vector<LaneDraw> every, shown;
  for (int v = 0; v < 20; ++v) {
    const Viewport view = random_view(rng, tl.lanes.back().end_ns);
    build_frame(tl, view, every);
    // Some lanes, in any order, one past the last lane among them.
    std::vector<std::size_t> visible;
    for (std::size_t n = rng() % 5; n < tl.lanes.size(); n += 1 + rng() % 7) visible.push_back(n);
    visible.push_back(tl.lanes.size());
    std::reverse(visible.begin(), visible.end());
    build_frame(tl, lod, view, visible, shown);
    REQUIRE(shown.size() == visible.size());
    CHECK(shown.front().spans.empty());
    for (std::size_t k = 1; k < visible.size(); ++k) {
      const LaneDraw& a = shown[k];
      const LaneDraw& b = every[visible[k]];
      REQUIRE(a.spans.size() == b.spans.size());
      for (std::size_t r = 0; r < a.spans.size(); ++r) REQUIRE(same(a.spans[r], b.spans[r]));
      CHECK(a.ticks.size() == b.ticks.size());
      CHECK(a.bars.size() == b.bars.size());
    }
  }
}

TEST_CASE("wide spans are drawn as themselves, sub-pixel runs with the coverage brute force gives") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 30; ++round) {
    const SpanList list = random_spans(rng, 1 + rng() % 5000);
    TimeIndex index;
    index.build(list.spans.size(), [&](std::size_t k) { return list.begin_of(k); });
    for (int v = 0; v < 20; ++v) {
      const Viewport view = random_view(rng, list.spans.back().end_ns);
      std::vector<SpanRect> out;
      span_rects(list, view, out, &index);
      // Brute force: which spans are visible (they end after the left edge
      // and begin before the right one), in order.
      std::vector<std::size_t> visible;
      for (std::size_t k = 0; k < list.spans.size(); ++k) {
        const Span& s = list.spans[k];
        if (static_cast<double>(s.end_ns) > view.t0_ns && static_cast<double>(s.begin_ns) < view.t1_ns())
          visible.push_back(k);
      }
      // Every visible span is in exactly one rectangle, in order.
      std::size_t next = visible.empty() ? 0 : visible.front();
      std::size_t counted = 0;
      for (const SpanRect& r : out) {
        REQUIRE(r.first == next);
        next = r.first + r.count;
        counted += r.count;
        const Span& s = list.spans[r.first];
        const double x0 = view.x_of(static_cast<double>(s.begin_ns)), x1 = view.x_of(static_cast<double>(s.end_ns));
        if (x1 - x0 >= 1.0) {  // a wide span: itself, clamped to the canvas's edges
          REQUIRE(r.count == 1);
          CHECK(r.x0 == static_cast<float>(std::clamp(x0, view.x0 - 2, view.x0 + view.width + 2)));
          CHECK(r.x1 == static_cast<float>(std::clamp(x1, view.x0 - 2, view.x0 + view.width + 2)));
          continue;
        }
        // A run: one pixel column, where its first span begins; all but its
        // last span narrower than a pixel and beginning in that column; its
        // coverage the time they cover over the pixel's.
        const double px = std::floor(x0);
        std::uint64_t covered = 0;
        for (std::size_t k = r.first; k < r.first + r.count; ++k) {
          const Span& f = list.spans[k];
          covered += f.end_ns - f.begin_ns;
          REQUIRE(view.x_of(static_cast<double>(f.begin_ns)) < px + 1 + 1e-9);
          REQUIRE(view.x_of(static_cast<double>(f.end_ns)) - view.x_of(static_cast<double>(f.begin_ns)) < 1.0);
        }
        CHECK(r.x1 - r.x0 <= 1.0f);
        CHECK(r.coverage == Approx(std::min(1.0, static_cast<double>(covered) / view.ns_per_px)));
      }
      CHECK(counted == visible.size());
    }
  }
}

TEST_CASE("through the index ticks and value bars are those of the plain search") {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 30; ++round) {
    std::vector<Tick> ticks(rng() % 5000);
    std::vector<Step> steps(1 + rng() % 5000);
    std::uint64_t t = 0;
    for (std::size_t k = 0; k < ticks.size(); ++k) ticks[k] = {t += rng() % 3 ? rng() % 4 : rng() % 5000, k, false};
    t = 0;
    for (Step& s : steps) {
      s.time_ns = t += rng() % 3 ? 1 + rng() % 4 : rng() % 5000;
      s.value = static_cast<std::int64_t>(rng() % 40);
    }
    weft::analysis::Steps packed;
    for (const Step& s : steps) packed.push_back(s);
    packed.seal();
    Series series;
    series.steps = packed;
    series.range_max.build(series.steps);
    const std::uint64_t end = t + 100;
    TimeIndex tick_index, step_index;
    tick_index.build(ticks.size(), [&](std::size_t k) { return ticks[k].time_ns; });
    step_index.build(steps.size(), [&](std::size_t k) { return steps[k].time_ns; });
    for (int v = 0; v < 20; ++v) {
      const Viewport view = random_view(rng, end);
      std::vector<TickMark> a, b;
      tick_marks(ticks, view, a);
      tick_marks(ticks, view, b, &tick_index);
      REQUIRE(a.size() == b.size());
      for (std::size_t k = 0; k < a.size(); ++k)
        REQUIRE((a[k].x == b[k].x && a[k].first == b[k].first && a[k].count == b[k].count));
      std::vector<SeriesBar> c, d;
      series_bars(series, view, end, c);
      series_bars(series, view, end, d, &step_index);
      REQUIRE(c.size() == d.size());
      for (std::size_t k = 0; k < c.size(); ++k)
        REQUIRE((c[k].x0 == d[k].x0 && c[k].x1 == d[k].x1 && c[k].value == d[k].value));
    }
  }
}

TEST_CASE("arrows: every visible edge where a pixel holds few, at most a few per pixel where it holds many, indexed or not") {
  std::mt19937_64 rng(9);
  for (int round = 0; round < 30; ++round) {
    // Event times (as a prefix maximum: non-decreasing), in bursts.
    Timeline tl;
    weft::format::EventStore events;
    const std::size_t n_events = 1 + rng() % 20'000;
    std::uint64_t t = 0;
    for (std::size_t k = 0; k < n_events; ++k) {
      weft::format::Event e;
      e.time_ns = t += rng() % 8 == 0 ? rng() % 2000 : rng() % 3;
      events.push_back(e);
    }
    tl.time_prefix_max = TimePrefixMax(events);
    const std::uint64_t n = tl.time_prefix_max.size();
    std::vector<weft::analysis::CausalEdge> by_to(rng() % 5000);
    for (auto& e : by_to) {
      e.from = rng() % n;
      e.to = std::min(n - 1, e.from + rng() % 300);
    }
    std::sort(by_to.begin(), by_to.end(), weft::analysis::before_by_to);
    // The edges' positions ordered by where they leave (edges_by_source's order).
    std::vector<std::uint32_t> from_order(by_to.size());
    for (std::uint32_t k = 0; k < from_order.size(); ++k) from_order[k] = k;
    std::stable_sort(from_order.begin(), from_order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return weft::analysis::before_by_from(by_to[a], by_to[b]);
    });
    const ArrowLod lod = build_arrow_lod(by_to, from_order, tl.time_prefix_max);
    REQUIRE(lod.built);
    // An order that is not of these edges gets no index.
    if (!by_to.empty()) {
      std::vector<std::uint32_t> wrong = from_order;
      wrong.back() = static_cast<std::uint32_t>(by_to.size());
      CHECK_FALSE(build_arrow_lod(by_to, wrong, tl.time_prefix_max).built);
      wrong.pop_back();
      CHECK_FALSE(build_arrow_lod(by_to, wrong, tl.time_prefix_max).built);
    }
    for (int v = 0; v < 10; ++v) {
      const Viewport view = random_view(rng, t);
      const std::size_t per_pixel = 1 + rng() % 3;
      std::vector<const weft::analysis::CausalEdge*> picked, indexed;
      pick_arrows(by_to, from_order, tl, view, per_pixel, picked);
      pick_arrows(by_to, from_order, tl, view, per_pixel, indexed, &lod);
      REQUIRE(picked == indexed);  // the index finds the same arrows
      // Brute force: the events on screen, and each candidate's pixel column
      // (by its visible end), arrivals and departures apart.
      const std::uint64_t e0 = tl.first_event_at(static_cast<std::uint64_t>(std::max(0.0, view.t0_ns)));
      const std::uint64_t e1 = tl.first_event_at(static_cast<std::uint64_t>(std::max(0.0, view.t1_ns())) + 1);
      const auto column = [&](std::uint64_t event) {
        return static_cast<long long>(std::floor(view.x_of(static_cast<double>(tl.time_prefix_max[event]))));
      };
      // `looked`: the departures' columns' sizes, those staying on screen too.
      std::map<std::pair<bool, long long>, std::size_t> candidates, taken, looked;
      for (const auto& e : by_to) {
        if (e.to >= e0 && e.to < e1) ++candidates[{true, column(e.to)}];
        else if (e.from >= e0 && e.from < e1) ++candidates[{false, column(e.from)}];
        if (e.from >= e0 && e.from < e1) ++looked[{false, column(e.from)}];
      }
      for (const auto* e : picked) {
        const bool arriving = e->to >= e0 && e->to < e1;
        REQUIRE((arriving || (e->from >= e0 && e->from < e1)));  // only edges touching the screen
        ++taken[{arriving, column(arriving ? e->to : e->from)}];
      }
      for (const auto& [key, count] : candidates) {
        const std::size_t got = taken.count(key) ? taken.at(key) : 0;
        if (key.first || looked.at(key) <= 64)  // all arrivals; departures of a column not crowded
          CHECK(got == std::min(count, per_pixel));
        else
          CHECK(got <= std::min(count, per_pixel));
      }
      CHECK(taken.size() <= candidates.size());
      for (const auto& [key, count] : taken) CHECK(count <= per_pixel);
    }
  }
}
