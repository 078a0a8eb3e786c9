// What tracing costs a program: one recorded event, and an uncontended
// lock/unlock pair traced (weft::mutex) against untraced (std::mutex), in one
// run so the ratio compares like with like.
//
//   build/default/bench/bench_tracer            (median of 5 repetitions)
//
// The writer thread drains the rings to a real trace file while the
// benchmarks run, as it would in any traced program, so the figures include
// its backpressure when it falls behind.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include <benchmark/benchmark.h>

#include <weft/weft.hpp>

#include "ratio_reporter.hpp"

namespace {

// Same iteration count for every variant: they all record into one trace,
// and this keeps it around a few hundred megabytes.
constexpr benchmark::IterationCount kIterations = 4'000'000;

std::uint64_t g_events = 0;  // recorded by the traced benchmarks

void BM_std_mutex_lock_unlock(benchmark::State& state) {
  std::mutex m;
  for (auto _ : state) {
    m.lock();
    m.unlock();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_std_mutex_lock_unlock)->Iterations(kIterations);

void BM_weft_mutex_lock_unlock(benchmark::State& state) {
  weft::mutex m("bench");
  for (auto _ : state) {
    m.lock();
    m.unlock();
    benchmark::ClobberMemory();
  }
  g_events += 2 * static_cast<std::uint64_t>(state.iterations());
}
BENCHMARK(BM_weft_mutex_lock_unlock)->Iterations(kIterations);

// One event, the whole hot path: thread buffer, site lookup, clock, store.
void BM_weft_record_event(benchmark::State& state) {
  weft::mutex m("event_target");
  const std::uint32_t id = m.id();
  for (auto _ : state) {
    weft::detail::emit(static_cast<std::uint8_t>(weft::format::EventKind::MutexTryFailed), id, weft::format::kNoSeq, 0,
                       weft::source_site::current());
    benchmark::ClobberMemory();
  }
  g_events += static_cast<std::uint64_t>(state.iterations());
}
BENCHMARK(BM_weft_record_event)->Iterations(kIterations);

// A mark carries text: the event plus its bytes.
void BM_weft_mark(benchmark::State& state) {
  for (auto _ : state) weft::mark("tick");
  g_events += static_cast<std::uint64_t>(state.iterations());
}
BENCHMARK(BM_weft_mark)->Iterations(kIterations);

}  // namespace

int main(int argc, char** argv) {
  const std::string trace =
      (std::filesystem::temp_directory_path() / ("weft-bench-" + std::to_string(::getpid()) + ".weft")).string();
  weft::trace_to(trace);

  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5", aggregates = "--benchmark_report_aggregates_only=true";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i) has_reps = has_reps || std::string(argv[i]).rfind("--benchmark_repetitions", 0) == 0;
  if (!has_reps) {
    args.push_back(reps.data());
    args.push_back(aggregates.data());
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;

  weft::bench::RatioReporter reporter({
      {"traced / untraced lock+unlock pair", "BM_weft_mutex_lock_unlock", "BM_std_mutex_lock_unlock", 1.5},
      {"one recorded event", "BM_weft_record_event", "", 10.0},
      {"one mark (event + text)", "BM_weft_mark", "", 0},
      {"untraced std::mutex lock+unlock pair", "BM_std_mutex_lock_unlock", "", 0},
      {"traced weft::mutex lock+unlock pair", "BM_weft_mutex_lock_unlock", "", 0},
  });
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  weft::flush();
  const auto bytes = std::filesystem::file_size(trace);
  std::printf("%-52s %11.2f B  %10s\n", "trace size per event (all benchmarks)", double(bytes) / double(g_events),
              "<= 16 B");
  std::filesystem::remove(trace);
  return 0;
}
