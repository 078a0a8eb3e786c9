// weft-view as a person runs it: renders recorded traces off-screen (under
// Xvfb) and looks at the PNG: lanes where the documented layout puts them
// (geometry and colors written out in this file, not taken from the
// viewer's layout code or palette), in the colors of what the threads did;
// the selected finding highlighted; bad input refused with one line and
// exit status 2, before any window.
#include <catch2/catch.hpp>
#include <stb_image.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "../support/subprocess.hpp"
#include "document.hpp"
#include "signal_lanes.hpp"
#include "weft/format/loader.hpp"

using weft::test::run_child;
using weft::test::with_env;
using weft::viewer::Lane;
using weft::viewer::LaneKind;
using weft::viewer::open_document;
using weft::viewer::Span;
using weft::viewer::State;
using weft::viewer::Timeline;
namespace fs = std::filesystem;

namespace {

// Where the viewer draws, written out here from its documented layout
// (viewer/src/layout.hpp) rather than computed by its layout code, so that a
// layout bug, or a change of it, fails these tests. For a 1600x900 window:
//   - the side panel takes 30% of the width (between 300 and 520 px): 480;
//     the timeline window the 1120 px left of it, below the 66 px toolbar;
//   - in it, the labels are the first 160 px and the ruler the first 28 px:
//     the canvas (lanes) is x 160..1120, y 94..900;
//   - lanes from 4 px below the canvas's top, 4 px apart: a thread's lane
//     26 px high, an object's 22, and 14 px more between the last thread
//     lane and the first object lane;
//   - a trace opened whole is fitted with 2% of the canvas's width free on
//     each side; a --time range fills the canvas exactly.
constexpr int kWidth = 1600, kHeight = 900;
constexpr float kCanvasLeft = 160, kCanvasRight = 1120, kCanvasTop = 94;
constexpr float kCanvasWidth = kCanvasRight - kCanvasLeft;

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
};
constexpr Rect kCanvas{kCanvasLeft, kCanvasTop, kCanvasWidth, kHeight - kCanvasTop};

struct Row {
  std::size_t lane = 0;
  float y0 = 0, y1 = 0;
};

// The rows of the lanes (their kinds from the trace's timeline), top down.
std::vector<Row> expected_rows(const Timeline& tl) {
  std::vector<Row> rows;
  float y = kCanvasTop + 4;
  for (std::size_t n = 0; n < tl.lanes.size(); ++n) {
    const bool thread = tl.lanes[n].kind == LaneKind::Thread;
    if (n > 0 && !thread && tl.lanes[n - 1].kind == LaneKind::Thread) y += 14;
    const float h = thread ? 26 : tl.lanes[n].signal ? 8 + 14 * static_cast<float>(tl.lanes[n].signal->rows.size()) : 22;
    rows.push_back({n, y, y + h});
    y += h + 4;
  }
  return rows;
}

// Screen x of time t: fitted to [a, b] with `margin` of the width free on
// each side.
struct TimeAxis {
  double a, b, margin;
  float x_of(std::uint64_t t) const {
    const double usable = kCanvasWidth * (1 - 2 * margin);
    return static_cast<float>(kCanvasLeft + kCanvasWidth * margin +
                              (static_cast<double>(t) - a) * usable / std::max(b - a, 1.0));
  }
  float clamped(std::uint64_t t) const { return std::clamp(x_of(t), kCanvasLeft, kCanvasRight); }
};

// The colors the viewer paints with, written out (R, G, B): what a user is
// told a color means (viewer/src/palette.hpp), not read from the palette.
constexpr std::uint32_t rgb(std::uint32_t r, std::uint32_t g, std::uint32_t b) { return r | g << 8 | b << 16 | 0xff000000u; }
namespace colors {
constexpr std::uint32_t background = rgb(24, 26, 30);       // outside the lanes
constexpr std::uint32_t lane_background = rgb(34, 37, 43);  // a lane, where nothing is drawn
constexpr std::uint32_t running = rgb(76, 175, 80);         // green
constexpr std::uint32_t lock_wait = rgb(229, 57, 53);       // red
constexpr std::uint32_t cond_wait = rgb(255, 167, 38);      // orange: condition, event
constexpr std::uint32_t sync_wait = rgb(171, 71, 188);      // purple: semaphore, barrier, queue, atomic
constexpr std::uint32_t join_wait = rgb(66, 165, 245);      // blue: join, future
constexpr std::uint32_t sleeping = rgb(120, 144, 156);      // grey-blue
constexpr std::uint32_t held = rgb(255, 213, 79);           // yellow: a lock held
constexpr std::uint32_t highlight = rgb(255, 64, 129);      // pink: the selected finding's lanes
constexpr std::uint32_t cycle = rgb(255, 23, 68);           // the finding's cycle
}  // namespace colors

std::uint32_t color_of(State s) {
  switch (s) {
    case State::Running: return colors::running;
    case State::Lock: return colors::lock_wait;
    case State::Condition:
    case State::Event: return colors::cond_wait;
    case State::Semaphore:
    case State::Barrier:
    case State::Queue:
    case State::Atomic: return colors::sync_wait;
    case State::Join:
    case State::Future: return colors::join_wait;
    case State::Sleep: return colors::sleeping;
  }
  return 0;
}

// This process's scratch directory, removed with what is in it at exit.
const fs::path& scratch() {
  struct Scratch {
    fs::path dir;
    Scratch() {
      std::string templ = (fs::temp_directory_path() / "weft-view-test-XXXXXX").string();
      if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
      dir = templ;
    }
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}

// A scenario's trace, recorded once per test run.
std::string record(const std::string& scenario) {
  static std::map<std::string, std::string> done;
  if (const auto it = done.find(scenario); it != done.end()) return it->second;
  const std::string path = (scratch() / (scenario + ".weft")).string();
  const auto r = run_child({WEFT_SCENARIOS, "run", scenario}, with_env({{"WEFT_TRACE", path}}));
  INFO(r.err);
  REQUIRE(fs::exists(path));
  // Complete: the program finished, or weft's watchdog stopped it (the
  // deadlock scenarios), and the END record is written. (Not the exit
  // status: under ThreadSanitizer a scenario with a finding exits 66.) A
  // trace cut short would have fewer lanes than the tests expect.
  REQUIRE(weft::format::load_trace(path).end.has_value());
  return done[scenario] = path;
}

// xvfb-run from PATH (run_child takes a path, not a name to look up).
std::string xvfb_run() {
  static const std::string found = [] {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
      const std::size_t end = std::min(dirs.find(':', start), dirs.size());
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "xvfb-run";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      start = end + 1;
    }
    return std::string("xvfb-run (not found in PATH: run scripts/setup.sh)");
  }();
  return found;
}

// The environment of a weft-view under test. Mesa's software rasterizer
// (llvmpipe) is not built with sanitizers: LP_NUM_THREADS=0 makes it draw on
// the calling thread instead of worker threads TSan cannot see into, and the
// ASan build does not report leaks, which GLX and Mesa keep until exit by
// design. weft's own code stays fully checked (viewer_tests run with leak
// detection).
weft::test::ChildOptions gui_options() {
  weft::test::ChildOptions o;
  o.timeout = std::chrono::seconds(40);
  o.env["LP_NUM_THREADS"] = "0";
  o.env["MESA_SHADER_CACHE_DISABLE"] = "true";
#ifdef WEFT_ASAN_BUILD
  weft::test::add_sanitizer_option(o, "ASAN_OPTIONS", "detect_leaks=0");
#endif
  return o;
}

// xvfb-run before `program`. Its X authority file is one of ours (-f):
// left to itself, xvfb-run makes a temporary directory for it and removes
// it at the end, and that removal sometimes fails under load when the
// program exits at once (xvfb-run then exits 5, whatever the program said).
std::vector<std::string> under_xvfb(const std::string& program) {
  static int calls = 0;
  const std::string auth = (scratch() / ("xauth-" + std::to_string(++calls))).string();
  return {xvfb_run(), "-a", "-f", auth, "-s", "-screen 0 1600x1000x24", program};
}

weft::test::ChildResult view(std::vector<std::string> args) {
  std::vector<std::string> argv = under_xvfb(WEFT_VIEW);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_child(argv, gui_options());
}

struct Png {
  int w = 0, h = 0;
  std::vector<std::uint32_t> px;  // packed like the palette: R low byte
  std::uint32_t at(float x, float y) const {
    const int ix = static_cast<int>(x), iy = static_cast<int>(y);
    return px[static_cast<std::size_t>(iy) * static_cast<std::size_t>(w) + static_cast<std::size_t>(ix)] | 0xff000000u;
  }
};

Png load_png(const std::string& path) {
  Png p;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &p.w, &p.h, &channels, 4);
  REQUIRE(data != nullptr);
  p.px.resize(static_cast<std::size_t>(p.w) * static_cast<std::size_t>(p.h));
  std::memcpy(p.px.data(), data, p.px.size() * 4);
  stbi_image_free(data);
  return p;
}

std::size_t count_in_row(const Png& png, const Rect& area, float y, const std::set<std::uint32_t>& wanted) {
  std::size_t n = 0;
  for (float x = area.x; x < area.right(); ++x) n += wanted.count(png.at(x, y));
  return n;
}

// The lanes as the screenshot shows them: the runs of rows, down one pixel
// column of the canvas, painted in the lanes' own background color.
std::vector<std::pair<int, int>> painted_rows(const Png& png, float x) {
  std::vector<std::pair<int, int>> runs;
  for (int y = static_cast<int>(kCanvasTop); y < png.h; ++y) {
    if (png.at(x, static_cast<float>(y)) != colors::lane_background) continue;
    if (!runs.empty() && runs.back().second == y)
      ++runs.back().second;
    else
      runs.emplace_back(y, y + 1);
  }
  return runs;
}

const std::set<std::uint32_t> kThreadColors{colors::running,   colors::lock_wait, colors::cond_wait,
                                            colors::sync_wait, colors::join_wait, colors::sleeping};

// The longest wait of the thread lanes whose label starts with `prefix`,
// and its lane; none if none waited. Which thread waits longest, and
// whether one waits at all, is the scheduler's choice: tests look for it
// rather than assume a lane. (A copy: lanes hand out their packed spans by
// value.)
std::pair<std::optional<Span>, std::size_t> longest_wait(const Timeline& tl, const std::string& prefix) {
  std::optional<Span> best;
  std::size_t lane_index = 0;
  for (std::size_t k = 0; k < tl.lanes.size(); ++k) {
    const Lane& lane = tl.lanes[k];
    if (lane.kind != LaneKind::Thread || lane.label.rfind(prefix, 0) != 0) continue;
    for (const Span& span : lane.spans.spans)
      if (!best || span.end_ns - span.begin_ns > best->end_ns - best->begin_ns) {
        best = span;
        lane_index = k;
      }
  }
  return {best, lane_index};
}

std::string shot(const std::string& trace, const std::string& name, std::vector<std::string> extra = {}) {
  const std::string out = (scratch() / name).string();
  std::vector<std::string> args{trace, "--screenshot", out, "--size", "1600x900"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = view(args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(out));
  return out;
}

}  // namespace

TEST_CASE("abc-turns: one lane per thread in its states' colors, the lock's lane in the held color") {
  const std::string trace = record("abc-turns");
  const auto doc = open_document(trace);
  const Timeline& tl = doc->timeline;
  const std::vector<Row> rows = expected_rows(tl);

  // As the app opens the trace: fitted to all of it.
  {
    const Png png = load_png(shot(trace, "abc.png"));
    REQUIRE(png.w == kWidth);
    REQUIRE(png.h == kHeight);
    // The lanes are where the layout says, found by their color: the 2%
    // margin left of the canvas shows every lane's background and nothing
    // else.
    std::vector<std::pair<int, int>> wanted;
    for (const Row& row : rows) wanted.emplace_back(static_cast<int>(row.y0), static_cast<int>(row.y1));
    CHECK(painted_rows(png, kCanvasLeft + 5) == wanted);
    // Nothing of a lane above the first: the row above it is not a lane's.
    // (Not "is the background": causality arrows are drawn over lanes and
    // the gaps between them, and a faint one's antialiased edge may touch
    // it; under TSan's timing one did, once in a CI run.)
    CHECK(png.at(kCanvasLeft + 5, rows[0].y0 - 1) != colors::lane_background);
    const TimeAxis axis{static_cast<double>(tl.begin_ns), static_cast<double>(tl.end_ns), 0.02};

    std::set<std::uint32_t> distinct(png.px.begin(), png.px.end());
    CHECK(distinct.size() > 30);  // not blank
    std::size_t threads = 0;
    for (const Row& row : rows) {
      const Lane& lane = tl.lanes[row.lane];
      INFO("lane " << lane.label);
      if (lane.kind != LaneKind::Thread) continue;
      ++threads;
      // Along the thread's life, at the bottom of its lane (below labels
      // and most arrows), the colors of thread states, and none outside.
      // Sub-pixel waits blend their color with running, so "drawn" is "not
      // the background" here; exact colors are checked below.
      const float xa = axis.x_of(lane.begin_ns), xb = axis.x_of(lane.end_ns);
      const Rect life{xa + 1, row.y0, std::max(xb - xa - 2, 1.0f), 1};
      const std::size_t empty = count_in_row(png, life, row.y1 - 2, {colors::background, colors::lane_background});
      CHECK(static_cast<float>(empty) <= life.w * 0.05f);
      const Rect before{kCanvasLeft, row.y0, std::max(life.x - 2 - kCanvasLeft, 0.0f), 1};
      CHECK(count_in_row(png, before, row.y1 - 2, kThreadColors) == 0);
    }
    CHECK(threads == 4);  // main and the three printers
    // Below the last lane: nothing drawn.
    const float below = rows.back().y1 + 30;
    CHECK(count_in_row(png, kCanvas, below, {colors::background}) > static_cast<std::size_t>(kCanvasWidth * 0.95f));
  }

  // The printers' part of the run across the whole width (--time). How long
  // main runs before it starts them depends on the machine's load: on a busy
  // one they share a few pixels of the fitted view, where every state is a
  // blend and arrows cover the rest.
  std::uint64_t first = UINT64_MAX, last = 0;
  for (const Lane& lane : tl.lanes)
    if (lane.kind == LaneKind::Thread && lane.label.rfind("printer-", 0) == 0) {
      first = std::min(first, lane.begin_ns);
      last = std::max(last, lane.end_ns);
    }
  REQUIRE(first < last);
  const Png png = load_png(shot(trace, "abc-printers.png", {"--time", std::to_string(first) + ".." + std::to_string(last)}));
  const TimeAxis axis{static_cast<double>(first), static_cast<double>(last), 0};  // --time: edge to edge
  const auto x_of = [&](std::uint64_t t) { return axis.clamped(t); };
  std::size_t locks = 0;
  for (const Row& row : rows) {
    const Lane& lane = tl.lanes[row.lane];
    INFO("lane " << lane.label);
    if (lane.kind == LaneKind::Thread) {
      // A life of a few pixels may be all marks and blends; a longer one
      // shows a state in its exact color.
      const Rect life{x_of(lane.begin_ns) + 1, row.y0, std::max(x_of(lane.end_ns) - x_of(lane.begin_ns) - 2, 1.0f), 1};
      if (life.w >= 20) CHECK(count_in_row(png, life, row.y1 - 2, kThreadColors) > 0);
    } else if (lane.kind == LaneKind::Lock) {
      ++locks;
      REQUIRE_FALSE(lane.spans.spans.empty());
      // Every letter is printed holding the lock: the held color shows in
      // the lock's lane, and only there.
      CHECK(count_in_row(png, kCanvas, row.y0 + 2, {colors::held}) >= 1);
      for (const Row& other : rows)
        if (tl.lanes[other.lane].kind == LaneKind::Thread) CHECK(count_in_row(png, kCanvas, other.y0 + 2, {colors::held}) == 0);
      // Its longest hold, where the time axis puts it, edge to edge.
      const Span& hold = *std::max_element(lane.spans.spans.begin(), lane.spans.spans.end(), [](const Span& a, const Span& b) {
        return a.end_ns - a.begin_ns < b.end_ns - b.begin_ns;
      });
      const float a = x_of(hold.begin_ns), b = x_of(hold.end_ns);
      if (b - a >= 5) {
        CHECK(png.at((a + b) / 2, row.y0 + 2) == colors::held);
        CHECK(png.at(a + 1, row.y0 + 2) == colors::held);
        CHECK(png.at(b - 2, row.y0 + 2) == colors::held);
      }
    }
  }
  CHECK(locks == 1);  // turn_lock

  // The longest wait of any printer, where the layout puts it: a pixel
  // column through its lane is mostly its color (arrows and marks cross
  // some columns; the best one is taken).
  // (Not a structured binding: clang 14 cannot capture one in a lambda.)
  const std::pair<std::optional<Span>, std::size_t> found = longest_wait(tl, "printer-");
  const std::optional<Span>& widest = found.first;
  const std::size_t lane_index = found.second;
  REQUIRE(widest.has_value());  // three threads taking turns: someone waited
  const Row& row = rows.at(lane_index);
  INFO("lane " << tl.lanes[lane_index].label);
  const float a = x_of(widest->begin_ns), b = x_of(widest->end_ns);
  REQUIRE(b - a >= 5);  // the printers fill the width
  int best = 0, total = 0;
  for (float x = a + 1; x < b - 1; ++x) {
    int same = 0;
    total = 0;
    for (float y = row.y0 + 1; y < row.y1 - 1; ++y, ++total) same += png.at(x, y) == color_of(widest->state);
    best = std::max(best, same);
  }
  CHECK(best * 2 > total);
}

TEST_CASE("a time range (--time) shows just that range: inside one long wait, the lane is that wait's color edge to edge") {
  const std::string trace = record("abc-turns");
  const auto doc = open_document(trace);
  // Usually main, waiting to join the printers; under load perhaps a printer.
  const std::pair<std::optional<Span>, std::size_t> found = longest_wait(doc->timeline, "");
  REQUIRE(found.first.has_value());
  const Span& longest = *found.first;
  const std::size_t lane_index = found.second;
  const std::uint64_t len = longest.end_ns - longest.begin_ns;
  REQUIRE(len > 100);
  const std::string range =
      std::to_string(longest.begin_ns + len / 4) + ".." + std::to_string(longest.end_ns - len / 4);
  const Png png = load_png(shot(trace, "abc-zoomed.png", {"--time", range}));
  const Row row = expected_rows(doc->timeline).at(lane_index);
  INFO("lane " << doc->timeline.lanes[lane_index].label);
  const std::size_t n = count_in_row(png, kCanvas, row.y1 - 2, {color_of(longest.state)});
  CHECK(n > static_cast<std::size_t>(kCanvasWidth * 0.75f));  // arrows from other lanes cross it
  // Its color stops at the lane's edges: the gap below is not that wait.
  CHECK(count_in_row(png, kCanvas, row.y1 + 2, {color_of(longest.state)}) < static_cast<std::size_t>(kCanvasWidth * 0.25f));
}

TEST_CASE("lock-order-deadlock with its first finding selected: lanes highlighted, the cycle drawn") {
  const std::string trace = record("lock-order-deadlock");
  const auto doc = open_document(trace);
  REQUIRE_FALSE(doc->report.findings.empty());
  const Png png = load_png(shot(trace, "deadlock.png", {"--select-finding", "1"}));
  const std::vector<Row> rows = expected_rows(doc->timeline);
  for (std::uint32_t t : doc->report.findings[0].threads) {
    INFO("thread " << t);
    REQUIRE(doc->timeline.lanes.at(t).kind == LaneKind::Thread);  // thread t's lane is lane t
    // The highlight frame runs along the top edge of the lane (the
    // cycle's links cross it here and there).
    CHECK(count_in_row(png, kCanvas, rows[t].y0 - 1, {colors::highlight}) > static_cast<std::size_t>(kCanvasWidth * 0.75f));
  }
  std::size_t cycle = 0;
  for (std::uint32_t p : png.px) cycle += (p | 0xff000000u) == colors::cycle;
  CHECK(cycle > 50);  // the event markers and the links of the cycle
}

TEST_CASE("a screenshot that cannot be written is exit status 2 and names the reason") {
  if (!fs::exists("/dev/full")) {
    WARN("no /dev/full here: skipped");
    return;
  }
  const std::string trace = record("abc-turns");
  const auto r = view({trace, "--screenshot", "/dev/full"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot write /dev/full: No space left on device"));
  CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("a truncated trace loads what is there, with a warning, and renders") {
  const std::string trace = record("abc-turns");
  const std::string cut = (scratch() / "cut.weft").string();
  fs::copy_file(trace, cut, fs::copy_options::overwrite_existing);
  fs::resize_file(cut, fs::file_size(cut) - 30);
  const std::string out = (scratch() / "cut.png").string();
  const auto r = view({cut, "--screenshot", out, "--size", "1600x900"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning"));
  REQUIRE(fs::exists(out));
  const Png png = load_png(out);
  REQUIRE(png.w == kWidth);
  REQUIRE(png.h == kHeight);
  const auto doc = open_document(cut);
  CHECK(doc->trace.truncated);
  const std::vector<Row> rows = expected_rows(doc->timeline);
  REQUIRE(doc->trace.threads.size() >= 4);
  // The main thread lives through the whole trace: its lane spans the canvas.
  CHECK(count_in_row(png, kCanvas, rows[0].y1 - 2, kThreadColors) > static_cast<std::size_t>(kCanvasWidth * 0.5f));
  std::set<std::uint32_t> distinct(png.px.begin(), png.px.end());
  CHECK(distinct.size() > 30);
}

TEST_CASE("bad input: one line on stderr, exit status 2, no window needed") {
  const auto one_line = [](const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; };
  // No xvfb-run here: these must fail before opening a display.
  const weft::test::ChildOptions no_display = [] {
    weft::test::ChildOptions o;
    o.unset_env = {"DISPLAY", "WAYLAND_DISPLAY"};
    return o;
  }();
  const std::string missing = (scratch() / "missing.weft").string();
  auto r = run_child({WEFT_VIEW, missing}, no_display);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK_THAT(r.err, Catch::Contains("missing.weft"));

  const std::string junk = (scratch() / "junk.weft").string();
  std::ofstream(junk) << "this is not a trace, just some text long enough to have a header\n";
  r = run_child({WEFT_VIEW, junk}, no_display);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));

  r = run_child({WEFT_VIEW, "--frobnicate"}, no_display);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK_THAT(r.err, Catch::Contains("unknown option --frobnicate"));

  const std::string abc = record("abc-turns");
  const std::size_t findings = open_document(abc)->report.findings.size();
  r = run_child({WEFT_VIEW, abc, "--select-finding", std::to_string(findings + 1), "--screenshot", "x.png"}, no_display);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK_THAT(r.err, Catch::Contains("has " + std::to_string(findings) + " finding"));

  // The same through the weft command, which hands over to weft-view.
  r = run_child({WEFT_CLI, "view", missing}, no_display);
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  r = run_child({WEFT_CLI, "view", "--bogus"}, no_display);
  CHECK(r.exit_code == 2);
}

TEST_CASE("weft view TRACE --screenshot works through the weft command") {
  const std::string out = (scratch() / "via-cli.png").string();
  std::vector<std::string> argv = under_xvfb(WEFT_CLI);
  argv.insert(argv.end(), {"view", record("abc-turns"), "--screenshot", out, "--size", "1024x640"});
  const auto r = run_child(argv, gui_options());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const Png png = load_png(out);
  CHECK(png.w == 1024);
  CHECK(png.h == 640);
}
