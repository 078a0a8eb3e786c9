// Human-readable words for events: what `weft dump` prints per line and what
// the viewer shows on hover. One place, so both say the same thing.
#pragma once

#include <string>
#include <string_view>

#include "weft/format/trace.hpp"

namespace weft::format {

// The kind-specific part: "waiters=2", "timed out", "\"A\"", "[contended]".
std::string describe_detail(const Trace& trace, const Event& e);
// What a timeline writes beside an instant (an event whose meaning has a
// point kind): a mark's or log's text, "notify_one turn_changed",
// "signal 11 (SIGSEGV)", "uncaught exception: boom", "3 events dropped";
// empty for other events.
std::string point_label(const Trace& trace, const Event& e);
// The point kind's category name: "mark", "log", "notify", "runtime" ("" for none).
std::string_view point_category(const Event& e);
// The flags as words: "contended,try".
std::string describe_flags(std::uint8_t flags);

}  // namespace weft::format
