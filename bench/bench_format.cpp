// The writer thread's side of tracing: how fast events are encoded into
// chunks and checksummed. A traced program only runs at full speed while the
// writer keeps up with its threads, so this is the other half of the cost.
//
//   build/default/bench/bench_format
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <weft/format/chunk_encoder.hpp>
#include <weft/format/crc32c.hpp>

namespace {

using weft::format::EventKind;

// A lock-heavy thread's events: acquire/release pairs on a few mutexes with
// small time gaps, now and then a contended wait or a condition wait.
std::vector<weft::format::EventRecord> realistic_events(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<weft::format::EventRecord> events;
  events.reserve(n);
  std::uint64_t ticks = 1'000'000, seq[8] = {};
  for (std::size_t i = 0; i < n; ++i) {
    ticks += 20 + rng() % 200;
    const std::uint32_t object = 1 + static_cast<std::uint32_t>(rng() % 8);
    weft::format::EventRecord e;
    e.ticks = ticks;
    e.object = object;
    e.site = 1 + static_cast<std::uint32_t>(rng() % 40);
    switch (rng() % 10) {
      case 0: e.kind = static_cast<std::uint8_t>(EventKind::MutexLockBegin); break;
      case 1: e.kind = static_cast<std::uint8_t>(EventKind::CondNotifyOne); e.seq = seq[object % 8]++; break;
      default:
        e.kind = static_cast<std::uint8_t>(i % 2 ? EventKind::MutexReleased : EventKind::MutexAcquired);
        e.seq = seq[object % 8]++;
        e.arg = i % 2 ? 0 : 1;
    }
    events.push_back(e);
  }
  return events;
}

void BM_encode_events(benchmark::State& state) {
  const auto events = realistic_events(1 << 16);
  std::vector<unsigned char> buffer(1 << 20);
  weft::format::ChunkEncoder chunk(buffer.data(), buffer.size());
  weft::format::EventChunkEncoder enc(chunk);
  std::size_t bytes = 0;
  for (auto _ : state) {
    enc.begin(1);
    for (const auto& e : events) enc.add(e);
    const auto out = enc.finish();
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(events.size()));
  state.counters["bytes/event"] = double(bytes) / double(state.iterations() * events.size());
}
BENCHMARK(BM_encode_events);

void BM_crc32c(benchmark::State& state) {
  std::vector<unsigned char> data(1 << 20, 0xab);
  for (auto _ : state) benchmark::DoNotOptimize(weft::format::crc32c(data.data(), data.size()));
  state.SetBytesProcessed(state.iterations() * std::int64_t(data.size()));
}
BENCHMARK(BM_crc32c);

}  // namespace

BENCHMARK_MAIN();
