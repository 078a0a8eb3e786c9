// What selecting a finding shows: the time range of its proof, the threads
// and objects it involves (highlighted), and the pairs of events to link
// with a red arrow (the racing accesses, each step of a lock cycle).
// Derived from the finding only: the viewer never re-derives a finding.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "weft/analysis/finding.hpp"
#include "weft/format/trace.hpp"

namespace weft::viewer {

struct Focus {
  std::uint64_t begin_ns = 0, end_ns = 0;  // the events' time range
  std::set<std::uint32_t> threads, objects;
  std::vector<std::uint64_t> events;                         // to mark
  std::vector<std::pair<std::uint64_t, std::uint64_t>> links;  // event -> event, drawn in red
};

Focus focus_of(const analysis::Finding& finding, const format::Trace& trace);

}  // namespace weft::viewer
