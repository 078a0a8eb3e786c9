#include "time_prefix_max.hpp"

#include <algorithm>

namespace weft::viewer {

TimePrefixMax::TimePrefixMax(const format::EventStore& events) {
  for (const format::Event& e : events) extend(e.time_ns);
  attach(events);
}

void TimePrefixMax::extend(std::uint64_t time_ns) {
  if (count_ > 0 && time_ns < max_) {
    // Below the maximum so far: a dip, or the next event of the last one
    // (whose value is still the maximum: only an event at or above it
    // changes it, and such an event ends the dip).
    if (!dips_.empty() && dips_.back().end == count_)
      ++dips_.back().end;
    else
      dips_.push_back({count_, count_ + 1, max_});
  } else {
    max_ = time_ns;
  }
  ++count_;
}

std::uint64_t TimePrefixMax::operator[](std::uint64_t i) const {
  // The last dip beginning at or before i, if i is inside it.
  const auto after = std::upper_bound(dips_.begin(), dips_.end(), i, [](std::uint64_t v, const Dip& d) { return v < d.first; });
  if (after != dips_.begin() && i < std::prev(after)->end) return std::prev(after)->value;
  return events_->time_ns(i);
}

std::uint64_t TimePrefixMax::first_at(std::uint64_t t) const {
  // The maximum never falls: a binary search over the events.
  std::uint64_t lo = 0, hi = count_;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if ((*this)[mid] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

}  // namespace weft::viewer
