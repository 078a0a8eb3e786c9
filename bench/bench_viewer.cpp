// The viewer on a large trace: the time to lay out a 10-million-event trace
// once it is read (the analysis the viewer shows and the timeline), and the
// CPU time of one frame's draw data at full zoom-out and zoomed in. The
// trace is generated in memory: 8 threads taking 16 locks (a quarter of the
// acquisitions contended), passing items through a queue, sleeping now and
// then, with marks.
//
//   build/default/bench/bench_viewer
#include <benchmark/benchmark.h>

#include <memory>
#include <random>

#include "aggregate.hpp"
#include "document.hpp"
#include "replay.hpp"

namespace {

using weft::format::EventKind;
using weft::format::ObjectKind;

constexpr std::size_t kEvents = 10'000'000;
constexpr std::uint32_t kThreads = 8, kLocks = 16;

weft::format::Trace generate(std::size_t n) {
  weft::format::Trace t;
  t.info.program = "bench";
  for (unsigned code = 0; code <= weft::format::kMaxKindCode; ++code)
    t.kinds.push_back(weft::format::builtin_kind(static_cast<std::uint8_t>(code)));
  t.objects.emplace_back();
  t.sites.emplace_back();
  t.texts = {"tick"};
  const auto object = [&](ObjectKind k, std::string name) {
    weft::format::ObjectInfo o;
    o.id = static_cast<std::uint32_t>(t.objects.size());
    o.kind = k;
    o.name = std::move(name);
    t.objects.push_back(o);
    return o.id;
  };
  for (std::uint32_t k = 0; k < kThreads; ++k) {
    weft::format::ThreadInfo info;
    info.id = k;
    info.name = "worker-" + std::to_string(k);
    info.object = object(ObjectKind::Thread, info.name);
    t.threads.push_back(info);
  }
  std::vector<std::uint32_t> locks;
  for (std::uint32_t k = 0; k < kLocks; ++k) locks.push_back(object(ObjectKind::Mutex, "lock_" + std::to_string(k)));
  const std::uint32_t queue = object(ObjectKind::Queue, "jobs");
  std::vector<std::uint64_t> seq(t.objects.size(), 0);

  std::mt19937_64 rng(1);
  std::uint64_t now = 1000, item = 0;
  t.events.reserve(n + 16);
  const auto add = [&](std::uint32_t thread, EventKind kind, std::uint32_t obj, std::uint64_t arg, std::uint8_t flags,
                       bool sequenced) {
    now += 20 + rng() % 80;
    weft::format::Event e;
    e.time_ns = now;
    e.thread = thread;
    e.kind = kind;
    e.object = obj;
    e.arg = arg;
    e.flags = flags;
    if (sequenced) e.seq = seq[obj]++;
    t.events.push_back(e);
  };
  for (std::uint32_t k = 0; k < kThreads; ++k) add(k, EventKind::ThreadStart, t.threads[k].object, 0, 0, true);
  for (std::uint64_t i = 0; t.events.size() < n; ++i) {
    const auto th = static_cast<std::uint32_t>(i % kThreads);
    const std::uint32_t lock = locks[rng() % kLocks];
    const bool contended = rng() % 4 == 0;
    if (contended) add(th, EventKind::MutexLockBegin, lock, 0, 0, false);
    add(th, EventKind::MutexAcquired, lock, 1, contended ? weft::format::kFlagContended : 0, true);
    if (i % 16 == 0) add(th, EventKind::Mark, 0, 0, 0, false);
    add(th, EventKind::MutexReleased, lock, 0, 0, true);
    switch (rng() % 8) {
      case 0:
        add(th, EventKind::QueuePut, queue, ++item, 0, true);
        add((th + 1) % kThreads, EventKind::QueueGetBegin, queue, 0, 0, false);
        add((th + 1) % kThreads, EventKind::QueueGet, queue, item, 0, true);
        break;
      case 1:
        add(th, EventKind::SleepBegin, 0, 1000, 0, false);
        add(th, EventKind::SleepEnd, 0, 0, 0, false);
        break;
      default: break;
    }
  }
  return t;
}

const weft::format::Trace& source() {
  static const weft::format::Trace trace = generate(kEvents);
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
  weft::viewer::Replayer r(doc.trace);
  r.seek(doc.trace.events.size());  // checkpoints laid once, as after opening
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(r.seek(rng() % doc.trace.events.size()).applied);
}
BENCHMARK(BM_replay_seek)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
