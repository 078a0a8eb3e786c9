// Moved to weft/detail/tsan_invisible.hpp: the hot path in the public
// event_buffer.hpp needs it too. Kept so that the runtime's sources can go
// on including it by this name.
#pragma once

#include "weft/detail/tsan_invisible.hpp"
