// The time ruler's steps and units, and the zoom/pan arithmetic.
#include <catch2/catch.hpp>

#include "ruler.hpp"
#include "viewport.hpp"

using namespace weft::viewer;

TEST_CASE("the ruler step is the smallest 1-2-5 step at least the label width") {
  CHECK(ruler_step_ns(1, 90) == 100);
  CHECK(ruler_step_ns(1000, 90) == 100'000);
  CHECK(ruler_step_ns(1500, 90) == 200'000);
  CHECK(ruler_step_ns(3000, 90) == 500'000);
  CHECK(ruler_step_ns(0.01, 90) == 1);  // never below a nanosecond
}

TEST_CASE("times are written in the unit of the step") {
  CHECK(format_time(0, 1000) == "0");
  CHECK(format_time(250, 50) == "250 ns");
  CHECK(format_time(1500, 500) == "1.5 \xC2\xB5s");
  CHECK(format_time(2'000, 1'000) == "2 \xC2\xB5s");
  CHECK(format_time(12'000'000, 2'000'000) == "12 ms");
  CHECK(format_time(3'250'000'000.0, 250'000'000) == "3.25 s");
  CHECK(format_duration(830) == "830 ns");
  CHECK(format_duration(12'400) == "12.4 \xC2\xB5s");
  CHECK(format_duration(1'200'000'000) == "1.20 s");
}

TEST_CASE("ruler ticks: labelled majors at round times, minors between, all inside the view") {
  Viewport v;
  v.x0 = 100;
  v.width = 1000;
  v.t0_ns = 1'234'567;
  v.ns_per_px = 1000;  // 1 ms visible
  const auto ticks = ruler_ticks(v, 90);
  int majors = 0;
  for (const RulerTick& t : ticks) {
    CHECK(t.x >= v.x0 - 1e-6);
    CHECK(t.x <= v.x0 + v.width + 1e-6);
    if (t.major) {
      ++majors;
      CHECK(std::fmod(t.t_ns, 100'000) == Approx(0).margin(1e-3));
      CHECK_FALSE(t.label.empty());
    }
  }
  CHECK(majors == 10);
  CHECK(ticks.size() == 50);
}

TEST_CASE("zooming around the mouse keeps the time under it in place") {
  Viewport v;
  v.x0 = 50;
  v.width = 800;
  v.fit(0, 1'000'000, 0);
  CHECK(v.ns_per_px == Approx(1250));
  const double x = 300, t = v.t_of(x);
  v.zoom_around(x, 4);
  CHECK(v.ns_per_px == Approx(312.5));
  CHECK(v.t_of(x) == Approx(t));
  v.pan_px(100);  // drag right: earlier times come into view
  CHECK(v.t_of(x + 100) == Approx(t));
  v.zoom_around(x, 1e-30);  // clamped, not infinite
  CHECK(v.ns_per_px == Viewport::kMaxNsPerPx);
}

TEST_CASE("fit leaves the asked margin on both sides") {
  Viewport v;
  v.x0 = 0;
  v.width = 1000;
  v.fit(2000, 4000, 0.1);
  CHECK(v.x_of(2000) == Approx(100));
  CHECK(v.x_of(4000) == Approx(900));
}
