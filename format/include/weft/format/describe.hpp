// Human-readable words for events: what `weft dump` prints per line and what
// the viewer shows on hover. One place, so both say the same thing.
#pragma once

#include <string>

#include "weft/format/trace.hpp"

namespace weft::format {

// The kind-specific part: "waiters=2", "timed out", "\"A\"", "[contended]".
std::string describe_detail(const Trace& trace, const Event& e);
// The flags as words: "contended,try".
std::string describe_flags(std::uint8_t flags);

}  // namespace weft::format
