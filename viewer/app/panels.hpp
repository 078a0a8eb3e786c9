// The side panel's views, one file each. Each draws from the document and
// the session's parts it shows, and reports what the user asked for (a
// finding, an event, a cursor position) through `dispatch`, which carries
// it out at once: the rest of the frame draws the new state.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "command.hpp"
#include "document.hpp"
#include "drawn_graph.hpp"
#include "replay_cursor.hpp"
#include "selection.hpp"
#include "session.hpp"

namespace weft::viewer {

using Dispatch = std::function<void(const Command&)>;

// The trace's warnings, the findings, and the selected one explained.
void findings_panel(const Session& session, const Dispatch& dispatch);
// Who holds, waits for and counts what at the replay cursor.
void state_panel(const Document& doc, const ReplayCursor& cursor);
// The selected event (and the wait it begins).
void details_panel(const Document& doc, const Selection& selection, const Dispatch& dispatch);
// The lock-order graph (`drawn`: drawn_graph(doc.lock_graph)) and its edges.
void lock_graph_panel(const Document& doc, const DrawnGraph& drawn, const Focus& focus, const Dispatch& dispatch);
// The statistics tables' rows in the order shown, kept from frame to frame:
// a table is sorted when its sort column changes or another document is
// shown, not every frame (a trace of two million locks has as many rows).
struct StatsOrder {
  std::uint64_t document = 0;  // Document::serial the orders are for
  std::vector<std::uint32_t> locks, threads;  // positions in Stats::locks, Stats::threads
};
// Per lock and per thread contention tables.
void stats_panel(const Document& doc, StatsOrder& order);

}  // namespace weft::viewer
