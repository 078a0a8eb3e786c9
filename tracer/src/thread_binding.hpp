#pragma once

#include <cstdint>

#include "weft/detail/event_buffer.hpp"

namespace weft::detail {

// Gives the calling thread a buffer for the thread already registered as
// `thread_id` (weft::thread registers its threads before they run).
ThreadBuffer* bind_current_thread(std::uint32_t thread_id, std::uint32_t thread_object);
// Set while a crash handler runs on this thread.
extern thread_local bool t_in_signal_handler;

// Records thread.end for the calling thread, once.
void end_current_thread();

}  // namespace weft::detail
