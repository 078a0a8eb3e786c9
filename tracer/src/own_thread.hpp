// A thread of weft's own (the writer, the watchdog), on a stack weft maps
// itself rather than one from the C library's cache.
//
// Why: in a child of fork() that traces on (weft::process, weft record -f),
// the runtime starts its writer and watchdog again. glibc hands a new thread
// the stack of one of the parent's threads (gone in the child, their stacks
// cached), and with it the same pthread_t; ThreadSanitizer still counts the
// parent's thread of that id as live and stops the child ("dup thread with
// used id"). A stack of its own gives each thread a pthread_t of its own.
//
// start() returns once the new thread has run `setup`: whatever the thread
// allocates to get going is allocated by then, so a fork() right after
// start() (a program that forks first thing) never copies a thread caught
// half way through an allocation. (AddressSanitizer's allocator takes no
// lock around fork(): a child inheriting its lock held waits forever.)
//
// Invariant: start() once per object (a child of fork() makes a new object
// in place, as the old one stands for a thread of the parent); then join()
// or detach() once, from another thread.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <functional>

namespace weft::detail {

class OwnThread {
 public:
  OwnThread() = default;
  OwnThread(const OwnThread&) = delete;
  OwnThread& operator=(const OwnThread&) = delete;
  ~OwnThread() = default;  // like a detached thread: never joins or unmaps by itself

  // Throws std::system_error if the thread cannot be made.
  void start(std::function<void()> setup, std::function<void()> body);
  bool joinable() const noexcept { return started_; }
  bool is_current() const noexcept { return started_ && pthread_equal(thread_, pthread_self()) != 0; }
  void join();    // then unmaps the stack
  void detach();  // the stack stays mapped: the thread may still run on it

 private:
  static void* run(void* self);

  pthread_t thread_{};
  bool started_ = false;
  void* stack_ = nullptr;   // the mapping, guard page included
  std::size_t mapped_ = 0;
  std::function<void()> setup_;
  std::function<void()> body_;
  std::atomic<bool> ready_{false};
};

}  // namespace weft::detail
