#include "counters.hpp"

#include <algorithm>
#include <tuple>

namespace weft::exporter {

std::vector<CounterSample> counter_samples(const analysis::Model& model) {
  std::vector<CounterSample> out;
  for (const analysis::Series& s : model.state.series)
    for (const analysis::Step& step : s.steps) out.push_back({step.event, step.time_ns, s.object, s.kind, step.value});
  // Stable: a series' start and its first change share an event, in order.
  std::stable_sort(out.begin(), out.end(), [](const CounterSample& a, const CounterSample& b) {
    return std::tie(a.event, a.object, a.kind) < std::tie(b.event, b.object, b.kind);
  });
  return out;
}

}  // namespace weft::exporter
