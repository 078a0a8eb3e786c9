#pragma once

#include "weft/detail/clock.hpp"

namespace weft::detail {

void choose_clock();      // once, at start-up, before any event
const char* clock_name();  // "tsc" or "steady", for the trace's metadata

}  // namespace weft::detail
