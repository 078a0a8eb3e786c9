// What the exported slices, instants and counters are called. Names are
// what a learner reads on the timeline: "wait lock lock_X", "hold lock_X",
// "notify_one turn_changed"; the details go in args.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "slices.hpp"
#include "weft/format/trace.hpp"

namespace weft::exporter {

std::string object_name(const format::Trace& trace, std::uint32_t object);  // "?" if none
std::string slice_name(const format::Trace& trace, const Slice& slice);
// Instants (marks, logs, notifications, the runtime's news) are named and
// grouped as format::point_label and format::point_category say.
std::string counter_name(const format::Trace& trace, std::uint32_t object);  // "queue urls"

}  // namespace weft::exporter
