// Marks the span in which a thread is really blocked, for the watchdog: from
// just before the blocking call to just after it. The watchdog stops a
// program whose threads wait for each other's locks in a circle, or which
// is entirely blocked with no timed wait that could end by itself.
#pragma once

#include <atomic>
#include <cstdint>

#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"

namespace weft::detail {

class blocked_scope {
 public:
  // `kind` is the event kind that began the wait (mutex.lock.begin, ...).
  // `external`: another process of the run may end the wait (see
  // ThreadBuffer::wait_external); the watchdog judges it across the run.
  blocked_scope(format::EventKind kind, std::uint32_t object, bool timed,
                const std::atomic<std::uint32_t>* owner = nullptr, bool external = false)
      : b_(current_buffer()) {
    b_->wait_object.store(object, std::memory_order_relaxed);
    b_->wait_timed.store(timed, std::memory_order_relaxed);
    b_->wait_external.store(external, std::memory_order_relaxed);
    b_->wait_owner.store(owner, std::memory_order_relaxed);
    b_->wait_kind.store(static_cast<std::uint8_t>(kind), std::memory_order_release);
  }
  ~blocked_scope() { b_->wait_kind.store(0, std::memory_order_release); }
  blocked_scope(const blocked_scope&) = delete;
  blocked_scope& operator=(const blocked_scope&) = delete;

 private:
  ThreadBuffer* b_;
};

// A thread is about to lock a non-recursive mutex it holds: stops the
// program (or not, per WEFT_ON_DEADLOCK) before it blocks forever.
void on_self_deadlock(std::uint32_t mutex);

// The calling thread is a helper outside the program's logic (a deadline
// keeper, say): the watchdog's hang check does not wait for it.
void watchdog_ignore_current_thread();

}  // namespace weft::detail
