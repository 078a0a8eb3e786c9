// Screen layout, hit-testing and the command line.
#include <catch2/catch.hpp>

#include "layout.hpp"
#include "options.hpp"

using namespace weft::viewer;

TEST_CASE("the screen splits into toolbar, timeline (labels, ruler, lanes) and side panel without overlap") {
  const ScreenLayout l = screen_layout(1600, 900);
  CHECK(l.toolbar.h == kToolbarHeight);
  CHECK(l.timeline.y == l.toolbar.bottom());
  CHECK(l.side.x == l.timeline.right());
  CHECK(l.side.right() == 1600);
  CHECK(l.lanes.x == l.labels.right());
  CHECK(l.lanes.y == l.ruler.bottom());
  CHECK(l.lanes.right() == l.timeline.right());
  CHECK(l.lanes.bottom() == Approx(900));
  CHECK(l.lanes.w > 800);
}

TEST_CASE("lane rows: threads first, a gap, then objects, no two rows overlap") {
  Timeline tl;
  for (LaneKind k : {LaneKind::Thread, LaneKind::Thread, LaneKind::Lock, LaneKind::Queue}) {
    Lane lane;
    lane.kind = k;
    tl.lanes.push_back(std::move(lane));
  }
  const Rect area{0, 100, 500, 400};
  const auto rows = lane_rows(tl, area, 0);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].y0 == 100 + kLaneGap);
  CHECK(rows[0].y1 - rows[0].y0 == kThreadLaneHeight);
  CHECK(rows[2].y1 - rows[2].y0 == kObjectLaneHeight);
  CHECK(rows[2].y0 - rows[1].y1 == kLaneGap + kGroupGap);
  for (std::size_t k = 1; k < rows.size(); ++k) CHECK(rows[k].y0 >= rows[k - 1].y1);
  CHECK(row_at(rows, rows[1].y0 + 1) == std::optional<std::size_t>(1));
  CHECK_FALSE(row_at(rows, rows[1].y1 + 1));  // in the gap
  const auto scrolled = lane_rows(tl, area, 30);
  CHECK(scrolled[0].y0 == rows[0].y0 - 30);
  CHECK(lanes_height(tl) == Approx(rows.back().y1 - 100 + kLaneGap));
}

TEST_CASE("hit-testing: the span under the mouse, or the nearest within tolerance, or none") {
  SpanList list;
  for (std::uint64_t b : {100, 300, 600}) {
    Span s;
    s.begin_ns = b;
    s.end_ns = b + 50;
    list.add(s);
  }
  CHECK(span_at(list, 120, 0) == std::optional<std::size_t>(0));
  CHECK(span_at(list, 320, 5) == std::optional<std::size_t>(1));
  CHECK(span_at(list, 355, 10) == std::optional<std::size_t>(1));  // just after the end
  CHECK(span_at(list, 295, 10) == std::optional<std::size_t>(1));  // just before the start
  CHECK_FALSE(span_at(list, 450, 10));
  CHECK_FALSE(span_at(list, 10, 10));
  CHECK(span_at(list, 10, 100) == std::optional<std::size_t>(0));

  std::vector<Tick> ticks{{100, 1, false}, {200, 2, false}, {205, 3, true}};
  CHECK(tick_at(ticks, 102, 5) == std::optional<std::size_t>(0));
  CHECK(tick_at(ticks, 204, 5) == std::optional<std::size_t>(2));
  CHECK_FALSE(tick_at(ticks, 150, 5));
}

TEST_CASE("the command line: a trace, a screenshot, a finding, a time range, a size") {
  const Options o = parse_options({"t.weft", "--screenshot", "o.png", "--select-finding", "2", "--time", "1ms..2.5ms",
                                   "--size", "800x600"});
  CHECK(o.trace == "t.weft");
  CHECK(o.screenshot == "o.png");
  CHECK(o.select_finding == std::optional<std::size_t>(2));
  REQUIRE(o.time);
  CHECK(o.time->begin_ns == Approx(1e6));
  CHECK(o.time->end_ns == Approx(2.5e6));
  CHECK(o.width == 800);
  CHECK(o.height == 600);
  CHECK(parse_options({}).trace == std::nullopt);  // the app opens empty
  CHECK(parse_time("250") == 250);
  CHECK(parse_time("3us") == 3000);
  CHECK(parse_time("2s") == 2e9);
}

TEST_CASE("a bad command line is a one-line usage error") {
  CHECK_THROWS_WITH(parse_options({"--bogus"}), "unknown option --bogus");
  CHECK_THROWS_WITH(parse_options({"t.weft", "--select-finding", "0"}), Catch::Contains("a number from 1"));
  CHECK_THROWS_WITH(parse_options({"t.weft", "--time", "5ms..1ms"}), Catch::Contains("is empty"));
  CHECK_THROWS_WITH(parse_options({"t.weft", "--time", "1h..2h"}), Catch::Contains("unknown time unit"));
  CHECK_THROWS_WITH(parse_options({"t.weft", "--size", "10x10"}), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(parse_options({"--screenshot", "o.png"}), Catch::Contains("needs a TRACE"));
  CHECK_THROWS_WITH(parse_options({"t.weft", "--screenshot"}), "--screenshot needs a value");
}

TEST_CASE("a run of several processes: a header row above each process's thread lanes") {
  // Threads 0, 1 of process 0, thread 2 of process 1, then a lock.
  Timeline tl;
  for (std::uint32_t p : {0u, 0u, 1u}) {
    Lane lane;
    lane.process = p;
    tl.lanes.push_back(std::move(lane));
  }
  Lane lock;
  lock.kind = LaneKind::Lock;
  tl.lanes.push_back(std::move(lock));
  const Rect area{0, 100, 500, 400};
  const auto single = lane_rows(tl, area, 0);  // no headers: laid out as for one process
  CHECK(process_header_rows(tl, single).empty());
  CHECK(single[0].y0 == 100 + kLaneGap);

  tl.process_headers = {"main (pid 100), exit 0", "worker-1 (pid 101), exit 0"};
  const auto rows = lane_rows(tl, area, 0);
  const auto headers = process_header_rows(tl, rows);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].process == 0);
  CHECK(headers[1].process == 1);
  CHECK(rows[0].y0 == 100 + kLaneGap + kProcessHeaderHeight);
  CHECK(rows[1].y0 - rows[0].y1 == kLaneGap);  // same process: no header between
  CHECK(rows[2].y0 - rows[1].y1 == kLaneGap + kProcessHeaderHeight);
  // Each header sits in the gap it made, above its first lane, clear of the lane before.
  CHECK(headers[1].y0 >= rows[1].y1);
  CHECK(headers[1].y1 <= rows[2].y0);
  CHECK(headers[0].y1 > headers[0].y0);
  CHECK(rows[3].y0 - rows[2].y1 == kLaneGap + kGroupGap);  // objects: no header
  CHECK(lanes_height(tl) == Approx(rows.back().y1 - 100 + kLaneGap));
}

TEST_CASE("a lane stack gives the rows on screen as lane rows places them and only those") {
  // Thread lanes of two processes, then many object lanes: the shape of a
  // trace of a great many locks, scaled down.
  Timeline tl;
  for (std::uint32_t p : {0u, 0u, 1u, 1u, 1u}) {
    Lane lane;
    lane.process = p;
    tl.lanes.push_back(std::move(lane));
  }
  for (int n = 0; n < 5000; ++n) {
    Lane lane;
    lane.kind = n % 3 == 0 ? LaneKind::Queue : LaneKind::Lock;
    tl.lanes.push_back(std::move(lane));
  }
  tl.process_headers = {"main (pid 100), exit 0", "worker-1 (pid 101), exit 0"};
  const Rect area{0, 100, 500, 400};
  const LaneStack stack(tl);
  REQUIRE(stack.size() == tl.lanes.size());
  CHECK(stack.height() == Approx(lanes_height(tl)));
  for (const float scroll : {0.0f, 13.0f, 30.0f, 1000.5f, 50'000.0f, static_cast<float>(stack.height()) - 200}) {
    const std::vector<LaneRow> every = lane_rows(tl, area, scroll);
    const std::vector<LaneRow> shown = stack.rows_in(area, scroll);
    REQUIRE_FALSE(shown.empty());
    // Consecutive lanes, placed where lane_rows places them.
    for (std::size_t k = 0; k < shown.size(); ++k) {
      const LaneRow& want = every[shown[k].lane];
      CHECK(shown[k].y0 == Approx(want.y0));
      CHECK(shown[k].y1 == Approx(want.y1));
      if (k > 0) CHECK(shown[k].lane == shown[k - 1].lane + 1);
    }
    // Every lane that reaches into the area is among them; those left out do not.
    for (const LaneRow& r : every) {
      const bool on_screen = r.y1 >= area.y && r.y0 <= area.bottom();
      const bool listed = r.lane >= shown.front().lane && r.lane <= shown.back().lane;
      if (on_screen) CHECK(listed);
      if (listed) CHECK(r.y1 >= area.y);
      if (listed) CHECK(r.y0 <= area.bottom() + kProcessHeaderHeight);
    }
    CHECK(stack.row(7, area, scroll).y0 == Approx(every[7].y0));
  }
  // The headers above the lanes on screen are those of every row there.
  const std::vector<LaneRow> top = stack.rows_in(area, 0);
  CHECK(process_header_rows(tl, top).size() == 2);
  CHECK(stack.rows_in(area, 1e9f).empty());
  CHECK(LaneStack(Timeline{}).rows_in(area, 0).empty());
  CHECK(LaneStack(Timeline{}).height() == 0);
}

TEST_CASE("the command line: several traces are one run, the first naming it") {
  const Options o = parse_options({"x.weft", "x.101.weft", "--size", "800x600", "x.102.weft"});
  CHECK(o.trace == std::optional<std::string>("x.weft"));
  CHECK(o.more_traces == std::vector<std::string>{"x.101.weft", "x.102.weft"});
  CHECK(o.width == 800);
  CHECK(parse_options({"x.weft"}).more_traces.empty());
}
