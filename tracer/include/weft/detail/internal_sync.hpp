// The locks and condition variables inside weft's primitives (a semaphore's
// counter lock, a queue's not-empty condition, ...): std::mutex and
// std::condition_variable, which ThreadSanitizer understands, except under
// the controlled scheduler (explore.hpp), where they block by giving up the
// turn instead of blocking the OS thread. A primitive may reach a
// scheduling point holding one of these: another thread that then wants it
// blocks on it in the scheduler, and is woken when it is let go.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "weft/detail/deadline.hpp"
#include "weft/detail/explore.hpp"

namespace weft::detail {

// Under the scheduler: a wake of the threads blocked on `resource`, or,
// from a thread outside it (explore::outside_scope), one that is kept.
inline void wake(const void* resource, bool all) {
  if (explore::outside())
    explore::wake_from_outside(resource);
  else
    explore::wake(resource, all);
}

class internal_mutex {
 public:
  void lock() {
    if (__builtin_expect(m_.try_lock(), 1)) return;
    if (exploring() && !explore::outside())
      explore::acquire(this, std::nullopt, [this] { return m_.try_lock(); });
    else
      m_.lock();
  }
  bool try_lock() { return m_.try_lock(); }
  void unlock() {
    m_.unlock();
    if (exploring()) wake(this, true);
  }
  std::mutex& native() { return m_; }

 private:
  std::mutex m_;
};

class internal_condition {
 public:
  using lock_type = std::unique_lock<internal_mutex>;
  using time_point = std::chrono::steady_clock::time_point;

  void notify_one() {
    if (exploring())
      wake(this, false);
    else
      cv_.notify_one();
  }
  void notify_all() {
    if (exploring())
      wake(this, true);
    else
      cv_.notify_all();
  }

  void wait(lock_type& lock) {
    if (exploring() && !explore::outside()) {
      (void)explore::wait(lock, this, std::nullopt);
      return;
    }
    (void)on_native(lock, [this](std::unique_lock<std::mutex>& n) {
      cv_.wait(n);
      return std::cv_status::no_timeout;
    });
  }
  std::cv_status wait_until(lock_type& lock, time_point until) {
    if (exploring() && !explore::outside())
      return explore::wait(lock, this, until) ? std::cv_status::no_timeout : std::cv_status::timeout;
    return on_native(lock, [this, until](std::unique_lock<std::mutex>& n) { return cv_.wait_until(n, until); });
  }

  template <class Predicate>
  void wait(lock_type& lock, Predicate pred) {
    while (!pred()) wait(lock);
  }
  template <class Predicate>
  bool wait_until(lock_type& lock, time_point until, Predicate pred) {
    while (!pred())
      if (wait_until(lock, until) == std::cv_status::timeout) return pred();
    return true;
  }
  // A relative timeout: measured on the virtual clock under the scheduler.
  template <class Rep, class Period, class Predicate>
  bool wait_for(lock_type& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate pred) {
    return wait_until(lock, deadline_after(timeout), pred);
  }

 private:
  // The std condition waits on the native lock; ownership goes back to
  // `lock` afterwards, whatever happens.
  template <class Wait>
  static std::cv_status on_native(lock_type& lock, Wait wait) {
    std::unique_lock<std::mutex> native(lock.mutex()->native(), std::adopt_lock);
    struct give_back {
      std::unique_lock<std::mutex>& n;
      ~give_back() { n.release(); }
    } back{native};
    return wait(native);
  }

  std::condition_variable cv_;
};

}  // namespace weft::detail
