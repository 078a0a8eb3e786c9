// Whether the viewer and the Chrome export show the same object state for a
// trace: every lock hold (its acquisition, begin and end) and every counter
// step (queue depth, semaphore value, barrier arrivals, threads waiting for
// a lock) of the viewer's object lanes is in the exported JSON, and the
// other way round. Both read it from the analysis model; this catches any
// view that derives it again on its own.
#pragma once

#include <string>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::test {

// One line per difference; empty when they agree.
std::vector<std::string> view_disagreements(const format::Trace& trace);

}  // namespace weft::test
