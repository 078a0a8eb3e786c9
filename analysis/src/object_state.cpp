#include "weft/analysis/object_state.hpp"

#include <algorithm>

#include "weft/format/packed_store_impl.hpp"

namespace weft::format {
template class PackedStore<analysis::HoldCodec>;
template class PackedStore<analysis::StepCodec>;
}  // namespace weft::format

namespace weft::analysis {

std::string_view series_name(SeriesKind k) {
  switch (k) {
    case SeriesKind::QueueDepth: return "depth";
    case SeriesKind::SemaphoreValue: return "value";
    case SeriesKind::BarrierArrivals: return "arrivals";
    case SeriesKind::LockWaiters: return "waiters";
    case SeriesKind::LockReaders: return "readers";
    case SeriesKind::LockDepth: return "lock depth";
  }
  return "?";
}

std::string_view anomaly_text(AnomalyKind k) {
  switch (k) {
    case AnomalyKind::HoldLost: return "taken while another hold of it was never released (events lost?)";
    case AnomalyKind::ReleaseUnheld: return "released while nobody held it (events lost?)";
    case AnomalyKind::GetWithoutPut: return "an item taken from an empty queue: its put is missing (events lost?)";
    case AnomalyKind::WaitUnended:
      return "the thread went on while its wait had not ended: the end is missing (events lost?)";
  }
  return "?";
}

std::optional<Step> Series::at_event(std::uint64_t applied) const {
  // The number of steps set by an event before `applied`: the events only
  // are read, left packed with the other fields.
  std::size_t lo = 0, hi = steps.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (steps.field(mid, kStepEvent) < applied) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return steps[lo - 1];
}

}  // namespace weft::analysis
