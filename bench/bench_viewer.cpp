// The viewer on a large trace: the time to lay out a 10-million-event trace
// once it is read (the analysis the viewer shows and the timeline), and the
// CPU time of one frame's draw data at full zoom-out and zoomed in. The
// trace is the analysis benchmark's, generated in memory
// (synthetic_trace.hpp).
//
//   build/default/bench/bench_viewer
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "aggregate.hpp"
#include "document.hpp"
#include "replay.hpp"
#include "synthetic_trace.hpp"

namespace {

constexpr std::size_t kEvents = 10'000'000;

const weft::format::Trace& source() {
  static const weft::format::Trace trace = weft::bench::SyntheticTrace::make(kEvents);
  return trace;
}

const weft::viewer::Document& document() {
  static const std::unique_ptr<weft::viewer::Document> doc = weft::viewer::make_document(source(), "generated");
  return *doc;
}

// Everything the viewer computes on opening a trace: model, findings,
// statistics, lock graph, causal edges, timeline.
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
  state.counters["events"] = static_cast<double>(kEvents);
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

void frame(benchmark::State& state, double t0, double ns_per_px) {
  const auto& doc = document();
  weft::viewer::Viewport view;
  view.x0 = 160;
  view.width = 1280;
  view.t0_ns = t0;
  view.ns_per_px = ns_per_px;
  std::vector<weft::viewer::LaneDraw> lanes;
  std::size_t rects = 0;
  for (auto _ : state) {
    weft::viewer::build_frame(doc.timeline, view, lanes);
    rects = 0;
    for (const auto& l : lanes) rects += l.spans.size() + l.ticks.size() + l.bars.size();
    benchmark::DoNotOptimize(rects);
  }
  state.counters["rects"] = static_cast<double>(rects);
}

void BM_frame_full_zoom_out(benchmark::State& state) {
  const auto& tl = document().timeline;
  weft::viewer::Viewport v;
  v.width = 1280;
  v.fit(static_cast<double>(tl.begin_ns), static_cast<double>(tl.end_ns));
  frame(state, v.t0_ns, v.ns_per_px);
}
BENCHMARK(BM_frame_full_zoom_out)->Unit(benchmark::kMicrosecond);

void BM_frame_zoomed_in(benchmark::State& state) {
  const auto& tl = document().timeline;
  // 50 µs in the middle of the trace: every span drawn as itself.
  frame(state, static_cast<double>(tl.begin_ns + tl.end_ns) / 2, 50'000.0 / 1280);
}
BENCHMARK(BM_frame_zoomed_in)->Unit(benchmark::kMicrosecond);

// Scrubbing the replay cursor to random places.
void BM_replay_seek(benchmark::State& state) {
  const auto& doc = document();
  weft::viewer::Replayer r(doc.model);
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(r.seek(rng() % doc.trace.events.size()).applied);
}
BENCHMARK(BM_replay_seek)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
