// Puts the events of all threads into one global order.
//
// Timestamps are for display only (DESIGN.md, "Order"): two threads' clocks
// can disagree by more than the gap between their events. The order is a
// linear extension of two partial orders the trace records exactly:
//  - program order: a thread's events in the order it recorded them;
//  - object order: events on one object by their sequence number, taken
//    inside the primitive's own critical section.
// Among the events both orders allow next, the earliest timestamp goes
// first, so the result also reads naturally by time.
#pragma once

#include <vector>

#include "weft/format/trace.hpp"

namespace weft::format {

// `per_thread[t]` holds thread t's events in program order. Objects ids are
// below `object_count`.
std::vector<Event> merge_in_order(std::vector<std::vector<Event>>& per_thread, std::size_t object_count,
                                  OrderStats& stats);

}  // namespace weft::format
