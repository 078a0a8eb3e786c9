// The viewer on a large trace: the time to lay out a 10-million-event trace
// once it is read (the analysis the viewer shows and the timeline), and the
// CPU time of one frame's draw data at several zoom levels. The trace is
// the analysis benchmark's, generated in memory (synthetic_trace.hpp), or
// a recorded one given with --trace (weft-compare's 10 M-event trace:
// `WEFT_TRACE=big.weft compare_weft contended-4 5000000 big.weft`).
//
//   build/default/bench/bench_viewer [--trace FILE] [benchmark flags]
//
// The frame benchmarks (BM_frame/<zoom>) time (thread CPU time) the draw
// data of every lane (build_frame through the level-of-detail index, as the
// window does) at 64 positions spread over the trace, each the best of a
// few runs, and report the worst and the median position: a frame budget (16 ms) is
// about the worst frame, not the mean. `arrows` is the same for picking
// the causality arrows to draw.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "aggregate.hpp"
#include "document.hpp"
#include "lod.hpp"
#include "replay.hpp"
#include "synthetic_trace.hpp"

namespace {

constexpr std::size_t kEvents = 10'000'000;
std::string trace_path;  // --trace: a recorded trace instead of the generated one

const weft::format::Trace& source() {
  static const weft::format::Trace trace =
      trace_path.empty() ? weft::bench::SyntheticTrace::make(kEvents) : weft::viewer::read_trace({trace_path});
  return trace;
}

const weft::viewer::Document& document() {
  static const std::unique_ptr<weft::viewer::Document> doc =
      weft::viewer::make_document(source(), trace_path.empty() ? "generated" : trace_path);
  return *doc;
}

// Everything the viewer computes on opening a trace: model, findings,
// statistics, lock graph, causal edges, timeline and its index.
void BM_open_document(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    weft::format::Trace copy = source();
    state.ResumeTiming();
    auto doc = weft::viewer::make_document(std::move(copy), "generated");
    benchmark::DoNotOptimize(doc->timeline.lanes.data());
    state.PauseTiming();
    doc.reset();
    state.ResumeTiming();
  }
  state.counters["events"] = static_cast<double>(source().events.size());
}
BENCHMARK(BM_open_document)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly();

// The timeline layout alone (lanes, spans, series), given the model.
void BM_layout_timeline(benchmark::State& state) {
  const auto& doc = document();
  for (auto _ : state) {
    auto tl = weft::viewer::build_timeline(doc.trace, doc.model);
    benchmark::DoNotOptimize(tl.lanes.data());
  }
}
BENCHMARK(BM_layout_timeline)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly();

// Its level-of-detail index, given the timeline.
void BM_layout_lod(benchmark::State& state) {
  const auto& doc = document();
  for (auto _ : state) {
    auto lod = weft::viewer::build_lod(doc.timeline);
    benchmark::DoNotOptimize(lod.indexed());
  }
}
BENCHMARK(BM_layout_lod)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly();

// A frame's CPU time on this thread: what the frame costs, not what the
// other processes on a shared machine take from it.
double cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Worst and median over positions of the best of `runs` timings of `f(view)`.
template <typename F>
void over_positions(benchmark::State& state, double zoom, F f) {
  const auto& tl = document().timeline;
  weft::viewer::Viewport full;
  full.x0 = 160;
  full.width = 1280;
  full.fit(static_cast<double>(tl.begin_ns), static_cast<double>(tl.end_ns));
  weft::viewer::Viewport v = full;
  v.ns_per_px = std::max(full.ns_per_px / zoom, weft::viewer::Viewport::kMinNsPerPx);
  const double span = full.width * full.ns_per_px, shown = v.width * v.ns_per_px;
  constexpr int kPositions = 64, kRuns = 3;
  std::vector<double> times;
  std::size_t items = 0;
  for (auto _ : state) {
    times.clear();
    for (int p = 0; p < kPositions; ++p) {
      v.t0_ns = full.t0_ns + (span - shown) * p / (kPositions - 1);
      double best = 1e300;
      for (int r = 0; r < kRuns; ++r) {
        const double start = cpu_us();
        items = f(v);
        best = std::min(best, cpu_us() - start);
      }
      times.push_back(best);
    }
  }
  std::sort(times.begin(), times.end());
  state.counters["worst_us"] = times.back();
  state.counters["median_us"] = times[times.size() / 2];
  state.counters["items"] = static_cast<double>(items);
}

// The zoom levels: the whole trace, a tenth, a thousandth, and the closest
// zoom the viewer allows.
constexpr double kZooms[] = {1, 10, 1000, 1e30};
const char* const kZoomNames[] = {"full", "1/10", "1/1000", "max"};

void BM_frame(benchmark::State& state) {
  const auto& doc = document();
  std::vector<weft::viewer::LaneDraw> lanes;
  std::vector<std::size_t> all(doc.timeline.lanes.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  over_positions(state, kZooms[state.range(0)], [&](const weft::viewer::Viewport& v) {
    weft::viewer::build_frame(doc.timeline, doc.lod, v, all, lanes);
    std::size_t rects = 0;
    for (const auto& l : lanes) rects += l.spans.size() + l.ticks.size() + l.bars.size();
    benchmark::DoNotOptimize(rects);
    return rects;
  });
  state.SetLabel(kZoomNames[state.range(0)]);
}
BENCHMARK(BM_frame)->DenseRange(0, 3)->Iterations(1)->Unit(benchmark::kMillisecond);

// The same without the index (the plain search): what the index saves.
void BM_frame_unindexed(benchmark::State& state) {
  const auto& doc = document();
  std::vector<weft::viewer::LaneDraw> lanes;
  over_positions(state, kZooms[state.range(0)], [&](const weft::viewer::Viewport& v) {
    weft::viewer::build_frame(doc.timeline, v, lanes);
    std::size_t rects = 0;
    for (const auto& l : lanes) rects += l.spans.size() + l.ticks.size() + l.bars.size();
    benchmark::DoNotOptimize(rects);
    return rects;
  });
  state.SetLabel(kZoomNames[state.range(0)]);
}
BENCHMARK(BM_frame_unindexed)->DenseRange(0, 3)->Iterations(1)->Unit(benchmark::kMillisecond);

// The causality arrows a frame draws (pick_arrows, as the window does: two
// per pixel column at most).
void BM_arrows(benchmark::State& state) {
  const auto& doc = document();
  std::vector<const weft::analysis::CausalEdge*> picked;
  over_positions(state, kZooms[state.range(0)], [&](const weft::viewer::Viewport& v) {
    weft::viewer::pick_arrows(doc.edges, doc.edges_by_from, doc.timeline, v, 2, picked, &doc.arrow_lod);
    benchmark::DoNotOptimize(picked.data());
    return picked.size();
  });
  state.SetLabel(kZoomNames[state.range(0)]);
}
BENCHMARK(BM_arrows)->DenseRange(0, 3)->Iterations(1)->Unit(benchmark::kMillisecond);

// Scrubbing the replay cursor to random places.
void BM_replay_seek(benchmark::State& state) {
  const auto& doc = document();
  weft::viewer::Replayer r(doc.model);
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(r.seek(rng() % doc.trace.events.size()).applied);
}
BENCHMARK(BM_replay_seek)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  // --trace FILE is ours; the rest is Google Benchmark's.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--trace") == 0 && i + 1 < argc)
      trace_path = argv[++i];
    else
      args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
