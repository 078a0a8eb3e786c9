// Annotations: things a program says about itself, shown on its timeline.
// A mark is a short label (what the ABC scenario checks the order of); a log
// line is free text. Both are copied into the trace (up to 4096 bytes).
#pragma once

#include <string_view>

#include "weft/site.hpp"

namespace weft {

void mark(std::string_view label, source_site site = source_site::current());
void log(std::string_view text, source_site site = source_site::current());

}  // namespace weft
