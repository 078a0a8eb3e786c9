// The counter tracks: every value-over-time series of the analysis model
// (queue depth, semaphore value, barrier arrivals, threads waiting for a
// lock, ...), as samples in the order of the events that set them, so the
// writer emits each beside its event.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/analysis/model.hpp"

namespace weft::exporter {

struct CounterSample {
  std::uint64_t event = 0;
  std::uint64_t time_ns = 0;
  std::uint32_t object = 0;
  analysis::SeriesKind kind{};
  std::int64_t value = 0;
};

// Every step of every series, by event (then object, then kind).
std::vector<CounterSample> counter_samples(const analysis::Model& model);

}  // namespace weft::exporter
