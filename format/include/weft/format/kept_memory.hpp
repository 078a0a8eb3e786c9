// The large blocks freed and kept to be handed out again (ZeroedMemory and
// HugePageAllocator keep up to 128 MB of them: see zeroed_memory.hpp).
#pragma once

namespace weft::format {

// Gives every kept block back to the system: for a process that has built
// the arrays it will hold a long while (the viewer, once a trace is open),
// where what is kept would only sit in its memory.
void give_back_kept_memory() noexcept;

}  // namespace weft::format
