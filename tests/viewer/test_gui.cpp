// weft-view as a person runs it: renders recorded traces off-screen (under
// Xvfb) and looks at the PNG: lanes where the layout puts them, in the
// colors of what the threads did; the selected finding highlighted; bad
// input refused with one line and exit status 2, before any window.
#include <catch2/catch.hpp>
#include <stb_image.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "../support/subprocess.hpp"
#include "document.hpp"
#include "layout.hpp"
#include "palette.hpp"
#include "viewport.hpp"
#include "weft/format/loader.hpp"

using namespace weft::viewer;
using weft::test::run_child;
using weft::test::with_env;
namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 1600, kHeight = 900;

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
  const char* asan = std::getenv("ASAN_OPTIONS");
  o.env["ASAN_OPTIONS"] = std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "detect_leaks=0";
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

const std::set<std::uint32_t> kThreadColors{colors::running,   colors::lock_wait, colors::cond_wait,
                                            colors::sync_wait, colors::join_wait, colors::sleeping};

// The longest wait of the thread lanes whose label starts with `prefix`,
// and its lane; nullptr if none waited. Which thread waits longest, and
// whether one waits at all, is the scheduler's choice: tests look for it
// rather than assume a lane.
std::pair<const Span*, std::size_t> longest_wait(const Timeline& tl, const std::string& prefix) {
  const Span* best = nullptr;
  std::size_t lane_index = 0;
  for (std::size_t k = 0; k < tl.lanes.size(); ++k) {
    const Lane& lane = tl.lanes[k];
    if (lane.kind != LaneKind::Thread || lane.label.rfind(prefix, 0) != 0) continue;
    for (const Span& span : lane.spans.spans)
      if (!best || span.end_ns - span.begin_ns > best->end_ns - best->begin_ns) {
        best = &span;
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
  const ScreenLayout l = screen_layout(kWidth, kHeight);
  const auto rows = lane_rows(tl, l.lanes, 0);

  // As the app opens the trace: fitted to all of it.
  {
    const Png png = load_png(shot(trace, "abc.png"));
    REQUIRE(png.w == kWidth);
    REQUIRE(png.h == kHeight);
    Viewport v;
    v.x0 = l.lanes.x;
    v.width = l.lanes.w;
    v.fit(static_cast<double>(tl.begin_ns), static_cast<double>(tl.end_ns));
    const auto x_of = [&](std::uint64_t t) { return static_cast<float>(v.x_of(static_cast<double>(t))); };

    std::set<std::uint32_t> distinct(png.px.begin(), png.px.end());
    CHECK(distinct.size() > 30);  // not blank
    std::size_t threads = 0;
    for (const LaneRow& row : rows) {
      const Lane& lane = tl.lanes[row.lane];
      INFO("lane " << lane.label);
      if (lane.kind != LaneKind::Thread) continue;
      ++threads;
      // Along the thread's life, at the bottom of its lane (below labels
      // and most arrows), the colors of thread states, and none outside.
      // Sub-pixel waits blend their color with running, so "drawn" is "not
      // the background" here; exact colors are checked below.
      const Rect life{x_of(lane.begin_ns) + 1, row.y0, std::max(x_of(lane.end_ns) - x_of(lane.begin_ns) - 2, 1.0f), 1};
      const std::size_t empty = count_in_row(png, life, row.y1 - 2, {colors::background, colors::lane_background});
      CHECK(static_cast<float>(empty) <= life.w * 0.05f);
      const Rect before{l.lanes.x, row.y0, std::max(life.x - 2 - l.lanes.x, 0.0f), 1};
      CHECK(count_in_row(png, before, row.y1 - 2, kThreadColors) == 0);
    }
    CHECK(threads == 4);  // main and the three printers
    // Below the last lane: nothing drawn.
    const float below = rows.back().y1 + 30;
    CHECK(count_in_row(png, l.lanes, below, {colors::background}) > static_cast<std::size_t>(l.lanes.w * 0.95f));
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
  Viewport v;
  v.x0 = l.lanes.x;
  v.width = l.lanes.w;
  v.fit(static_cast<double>(first), static_cast<double>(last), 0);  // as --time does
  const auto x_of = [&](std::uint64_t t) {
    return std::clamp(static_cast<float>(v.x_of(static_cast<double>(t))), l.lanes.x, l.lanes.right());
  };
  for (const LaneRow& row : rows) {
    const Lane& lane = tl.lanes[row.lane];
    INFO("lane " << lane.label);
    if (lane.kind == LaneKind::Thread) {
      // A life of a few pixels may be all marks and blends; a longer one
      // shows a state in its exact color.
      const Rect life{x_of(lane.begin_ns) + 1, row.y0, std::max(x_of(lane.end_ns) - x_of(lane.begin_ns) - 2, 1.0f), 1};
      if (life.w >= 20) CHECK(count_in_row(png, life, row.y1 - 2, kThreadColors) > 0);
    } else if (lane.kind == LaneKind::Lock) {
      REQUIRE_FALSE(lane.spans.spans.empty());
      const Span& hold = *std::max_element(lane.spans.spans.begin(), lane.spans.spans.end(), [](const Span& a, const Span& b) {
        return a.end_ns - a.begin_ns < b.end_ns - b.begin_ns;
      });
      const float a = x_of(hold.begin_ns), b = x_of(hold.end_ns);
      if (b - a >= 3) CHECK(png.at((a + b) / 2, row.y0 + 2) == colors::held);
      CHECK(count_in_row(png, l.lanes, row.y0 + 2, {colors::held}) >= 1);
    }
  }

  // The longest wait of any printer, where the layout puts it: a pixel
  // column through its lane is mostly its color (arrows and marks cross
  // some columns; the best one is taken).
  // (Not a structured binding: clang 14 cannot capture one in a lambda.)
  const std::pair<const Span*, std::size_t> found = longest_wait(tl, "printer-");
  const Span* const widest = found.first;
  const std::size_t lane_index = found.second;
  REQUIRE(widest != nullptr);  // three threads taking turns: someone waited
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const LaneRow& r) { return r.lane == lane_index; });
  REQUIRE(row != rows.end());
  INFO("lane " << tl.lanes[lane_index].label);
  const float a = x_of(widest->begin_ns), b = x_of(widest->end_ns);
  REQUIRE(b - a >= 5);  // the printers fill the width
  int best = 0, total = 0;
  for (float x = a + 1; x < b - 1; ++x) {
    int same = 0;
    total = 0;
    for (float y = row->y0 + 1; y < row->y1 - 1; ++y, ++total) same += png.at(x, y) == state_color(widest->state);
    best = std::max(best, same);
  }
  CHECK(best * 2 > total);
}

TEST_CASE("a time range (--time) shows just that range: inside one long wait, the lane is that wait's color edge to edge") {
  const std::string trace = record("abc-turns");
  const auto doc = open_document(trace);
  // Usually main, waiting to join the printers; under load perhaps a printer.
  const std::pair<const Span*, std::size_t> found = longest_wait(doc->timeline, "");
  REQUIRE(found.first != nullptr);
  const Span& longest = *found.first;
  const std::size_t lane_index = found.second;
  const std::uint64_t len = longest.end_ns - longest.begin_ns;
  REQUIRE(len > 100);
  const std::string range =
      std::to_string(longest.begin_ns + len / 4) + ".." + std::to_string(longest.end_ns - len / 4);
  const Png png = load_png(shot(trace, "abc-zoomed.png", {"--time", range}));
  const ScreenLayout l = screen_layout(kWidth, kHeight);
  const auto rows = lane_rows(doc->timeline, l.lanes, 0);
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const LaneRow& r) { return r.lane == lane_index; });
  REQUIRE(row != rows.end());
  INFO("lane " << doc->timeline.lanes[lane_index].label);
  const std::size_t n = count_in_row(png, l.lanes, row->y1 - 2, {state_color(longest.state)});
  CHECK(n > static_cast<std::size_t>(l.lanes.w * 0.75f));  // arrows from other lanes cross it
}

TEST_CASE("lock-order-deadlock with its first finding selected: lanes highlighted, the cycle drawn") {
  const std::string trace = record("lock-order-deadlock");
  const auto doc = open_document(trace);
  REQUIRE_FALSE(doc->report.findings.empty());
  const Png png = load_png(shot(trace, "deadlock.png", {"--select-finding", "1"}));
  const ScreenLayout l = screen_layout(kWidth, kHeight);
  const auto rows = lane_rows(doc->timeline, l.lanes, 0);
  for (std::uint32_t t : doc->report.findings[0].threads) {
    INFO("thread " << t);
    // The highlight frame runs along the top edge of the lane (the
    // cycle's links cross it here and there).
    CHECK(count_in_row(png, l.lanes, rows[t].y0 - 1, {colors::highlight}) > static_cast<std::size_t>(l.lanes.w * 0.75f));
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
  const auto r = view({cut, "--screenshot", out});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning"));
  REQUIRE(fs::exists(out));
  const Png png = load_png(out);
  const ScreenLayout l = screen_layout(static_cast<float>(png.w), static_cast<float>(png.h));
  const auto doc = open_document(cut);
  CHECK(doc->trace.truncated);
  const auto rows = lane_rows(doc->timeline, l.lanes, 0);
  REQUIRE(doc->trace.threads.size() >= 4);
  // The main thread lives through the whole trace: its lane spans the canvas.
  CHECK(count_in_row(png, l.lanes, rows[0].y1 - 2, kThreadColors) > static_cast<std::size_t>(l.lanes.w * 0.5f));
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
