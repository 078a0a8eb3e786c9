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
// The main thread leaves by pthread_exit while the process goes on (its
// other threads end it later): its end is recorded now, and it is no
// longer alive, as any other thread that ends. (A main thread that calls
// exit() ends with the process instead: static destructors still run on
// it.) Does nothing on another thread.
void end_main_thread_early();

}  // namespace weft::detail
