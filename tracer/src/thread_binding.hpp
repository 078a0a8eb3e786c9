#pragma once

#include <cstdint>

#include "weft/detail/event_buffer.hpp"

namespace weft::detail {

// Gives the calling thread a buffer for the thread already registered as
// `thread_id` (weft::thread registers its threads before they run).
ThreadBuffer* bind_current_thread(std::uint32_t thread_id, std::uint32_t thread_object);
// Set while a crash handler runs on this thread.
extern thread_local bool t_in_signal_handler;

// Has `hook(arg)` run at the calling thread's very end: after its
// thread_local destructors (and its pthread key destructors, once
// end_after_key_destructors was called), just before weft records its end
// (unless the hook did) and gives its ring back. A thread started by weft's
// preload library ends there; the main thread only when it leaves by
// pthread_exit (main_thread_leaves). One hook a thread.
void at_thread_end(void (*hook)(void*), void* arg);
// The calling thread is its process's main thread, as the thread that
// forked a child is in the child: it ends with the process (exit() runs its
// thread_local destructors first), or when it leaves by pthread_exit.
void current_thread_ends_with_process();
// The calling thread has set a pthread key of the program's: its end waits
// for its key destructors, whose events are its own (weft's preload
// library calls it from pthread_setspecific and tss_set).
void end_after_key_destructors();
// The program asked for a key and every one is taken, one of them weft's:
// weft deletes its own (threads end in their thread_local destructors from
// then on) and says whether it did, for the program to ask again. A
// program may count on all PTHREAD_KEYS_MAX keys (glibc's tst-key1).
bool give_back_thread_end_key();
// Records thread.end for the calling thread, once.
void end_current_thread();
// The main thread leaves by pthread_exit while the process goes on (its
// other threads end it later): it ends as any other thread does, at its
// very end (after its key destructors), with the hook at_thread_end gave;
// then it is no longer alive. (A main thread that calls exit() ends with
// the process instead: static destructors still run on it.) Does nothing
// on another thread.
void main_thread_leaves();

}  // namespace weft::detail
