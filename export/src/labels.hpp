// What the exported slices, instants and counters are called. Names are
// what a learner reads on the timeline: "wait lock lock_X", "hold lock_X",
// "notify_one turn_changed"; the details go in args.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slices.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/finding.hpp"
#include "weft/format/trace.hpp"

namespace weft::exporter {

std::string object_name(const format::Trace& trace, std::uint32_t object);  // "?" if none
std::string slice_name(const format::Trace& trace, const Slice& slice);
// Instants (marks, logs, notifications, the runtime's news) are named and
// grouped as format::point_label and format::point_category say.
std::string counter_name(const format::Trace& trace, std::uint32_t object);  // "queue urls"

// The details both exports give (Chrome in args, Perfetto in annotations).
std::string thread_name(const format::Trace& trace, std::uint32_t thread);  // "thread N" if unknown
// Who ended a wait: "printer-A (unlock, event 12)".
std::string unblocker_text(const format::Trace& trace, const analysis::CausalEdge& edge);

// Where each finding shows: at the event that completes its proof (its
// last), or past the last event when it names none. (anchor, finding index)
// pairs, by anchor, findings of one anchor in their order.
std::vector<std::pair<std::uint64_t, std::size_t>> finding_anchors(const std::vector<analysis::Finding>& findings,
                                                                   std::uint64_t event_count);

}  // namespace weft::exporter
