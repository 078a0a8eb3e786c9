// Builds the value-over-time series of object_state.hpp from the changes
// the trackers see, keeping their promises: a series starts with its
// starting value, keeps a step only where the value changes, and its times
// never go back.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "weft/analysis/object_state.hpp"

namespace weft::analysis::detail {

class SeriesBuilder {
 public:
  // Starts the series of (object, kind) at `start` if it has not started.
  void start(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns, std::int64_t start);
  // Sets its value at `event` (starting it at `start` first if needed).
  void set(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns, std::int64_t value,
           std::int64_t start = 0);
  // Its value now: the last step's, or `start` if it has not started.
  std::int64_t value(std::uint32_t object, SeriesKind kind, std::int64_t start = 0) const;

  // Every series, by object then kind.
  std::vector<Series> finish();

 private:
  static std::uint64_t key(std::uint32_t object, SeriesKind kind) {
    return std::uint64_t{object} << 8 | static_cast<std::uint8_t>(kind);
  }
  Series& series(std::uint32_t object, SeriesKind kind, std::uint64_t event, std::uint64_t time_ns, std::int64_t start);

  std::vector<Series> series_;
  std::unordered_map<std::uint64_t, std::size_t> index_;  // key -> position in series_
};

}  // namespace weft::analysis::detail
