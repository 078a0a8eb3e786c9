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
// The kinds shown as instants (marks, logs, notifications, what the
// runtime says about itself) have a category; the others an empty one.
std::string_view instant_category(format::EventKind kind);
std::string instant_name(const format::Trace& trace, const format::Event& e);
std::string counter_name(const format::Trace& trace, std::uint32_t object);  // "queue urls"

}  // namespace weft::exporter
