#include "series_builder.hpp"

#include <algorithm>
#include <tuple>

namespace weft::analysis::detail {

Series& SeriesBuilder::series(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns,
                              std::int64_t start) {
  const auto [it, fresh] = index_.try_emplace(key(object, kind), series_.size());
  if (!fresh) return series_[it->second];
  Series& s = series_.emplace_back();
  s.object = object;
  s.kind = kind;
  s.steps.push_back({time_ns, start, event});
  s.peak = start;
  return s;
}

void SeriesBuilder::start(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns,
                          std::int64_t start) {
  series(object, kind, event, time_ns, start);
}

void SeriesBuilder::set(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns,
                        std::int64_t value, std::int64_t start) {
  Series& s = series(object, kind, event, time_ns, start);
  const Step last = s.steps.back();
  if (last.value == value) return;
  s.steps.push_back({std::max(time_ns, last.time_ns), value, event});
  s.peak = std::max(s.peak, value);
}

std::int64_t SeriesBuilder::value(std::uint32_t object, SeriesKind kind, std::int64_t start) const {
  const auto it = index_.find(key(object, kind));
  return it == index_.end() ? start : series_[it->second].steps.back().value;
}

std::vector<Series> SeriesBuilder::finish() {
  // The last steps of each series, still unpacked, are packed now: no step
  // comes after.
  for (Series& s : series_) s.steps.seal();
  std::sort(series_.begin(), series_.end(),
            [](const Series& a, const Series& b) { return std::tie(a.object, a.kind) < std::tie(b.object, b.kind); });
  index_.clear();
  return std::move(series_);
}

}  // namespace weft::analysis::detail
