// How fast `weft check` gets through a trace: the full check (every
// detector) and each stage alone, in events per second, on a large
// synthetic trace built in memory (loading the file is the format's
// benchmark, not this one). Goal: tens of millions of events per second for
// the full check.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "synthetic_trace.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/detectors.hpp"
#include "weft/analysis/model.hpp"
#include "weft/analysis/stats.hpp"

namespace {

constexpr std::uint64_t kEvents = 10'000'000;

const weft::format::Trace& big_trace() {
  static const weft::format::Trace trace = weft::bench::SyntheticTrace::make(kEvents);
  return trace;
}

void count_events(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * big_trace().events.size()));
}

void BM_FullCheck(benchmark::State& state) {
  for (auto _ : state) {
    const auto report = weft::analysis::check(big_trace());
    benchmark::DoNotOptimize(report.findings.data());
  }
  count_events(state);
}

void BM_BuildModel(benchmark::State& state) {
  for (auto _ : state) {
    const auto model = weft::analysis::build_model(big_trace());
    benchmark::DoNotOptimize(model.waits.size());
  }
  count_events(state);
}

// The detectors alone, on a model built once.
template <std::vector<weft::analysis::Finding> (*Detector)(const weft::analysis::Model&)>
void BM_Detector(benchmark::State& state) {
  const auto model = weft::analysis::build_model(big_trace());
  for (auto _ : state) {
    const auto findings = Detector(model);
    benchmark::DoNotOptimize(findings.data());
  }
  count_events(state);
}

void BM_Stats(benchmark::State& state) {
  const auto model = weft::analysis::build_model(big_trace());
  for (auto _ : state) {
    const auto stats = weft::analysis::compute_stats(model);
    benchmark::DoNotOptimize(stats.locks.data());
  }
  count_events(state);
}

void BM_CausalEdges(benchmark::State& state) {
  for (auto _ : state) {
    const auto edges = weft::analysis::causal_edges(big_trace());
    benchmark::DoNotOptimize(edges.data());
  }
  count_events(state);
}

BENCHMARK(BM_FullCheck)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_BuildModel)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Detector, weft::analysis::find_races)->Name("BM_Races")->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Detector, weft::analysis::find_lock_order_inversions)
    ->Name("BM_LockOrder")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Detector, weft::analysis::find_deadlocks)->Name("BM_Deadlocks")->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_TEMPLATE(BM_Detector, weft::analysis::find_misuse)->Name("BM_Misuse")->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_Stats)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_CausalEdges)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
