// What every weft condition variable has in common: its events, and the
// wait overloads of std::condition_variable. weft::condition_variable and
// weft::condition_variable_any differ only in how a wait lets its lock go
// and takes it back, and in how a notification reaches the waiters.
//
// Events: a wait is cond.wait.begin (arg: the lock's object id; flag Timed
// for a timed wait), then the lock's release and re-acquisition on the
// lock's own order (flag Condition), then cond.wait.end (arg: why it woke,
// format::WakeReason). A notification is cond.notify_one / notify_all (arg:
// how many threads were waiting), which is how a notification nobody was
// waiting for, a lost wake-up, shows in the trace. A wait without holding
// the lock records cond.wait.begin with flag NotOwner and no sequence
// number, and throws std::system_error (for std's it would be undefined
// behaviour).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "weft/detail/deadline.hpp"
#include "weft/detail/registry.hpp"
#include "weft/format/schema.hpp"
#include "weft/site.hpp"

namespace weft::detail {

class condition_core {
 public:
  condition_core(const condition_core&) = delete;
  condition_core& operator=(const condition_core&) = delete;

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const { return detail::object_name(id_); }

 protected:
  condition_core(std::string_view name, const source_site& site);
  ~condition_core();

  // A wait in progress: what cond.wait.end needs to say why it woke.
  struct wait_record {
    std::uint64_t notifies_before;
    std::uint8_t flags;
  };

  // Records a notification of `kind`, with the threads waiting now.
  void record_notify(format::EventKind kind, const source_site& site);
  // Records a wait on `lock` (its object id, 0 if none) by a thread that
  // does not hold it, and throws.
  [[noreturn]] void refuse_wait(std::uint32_t lock, bool timed, const source_site& site, const char* what);
  // Records cond.wait.begin; the caller holds the lock. From here until
  // woke() the thread counts as a waiter.
  wait_record record_wait_begin(std::uint32_t lock, bool timed, const source_site& site);
  // The thread stopped waiting (`status`: how the std wait ended): why.
  format::WakeReason woke(const wait_record& wait, std::cv_status status);
  void record_wait_end(const wait_record& wait, format::WakeReason reason, const source_site& site);

 private:
  const std::uint32_t id_;
  std::atomic<std::uint64_t> seq_{0};       // waits and notifications of this condition
  std::atomic<std::uint64_t> notifies_{0};  // tells a notified wake from a spurious one
  std::atomic<std::uint32_t> waiters_{0};
};

// The public overloads, the same for every weft condition variable (CRTP):
// Derived provides
//   std::cv_status wait_impl(Lock&, const detail::deadline&, const source_site&)
//   void notify(format::EventKind, const source_site&)
// and makes condition_waits<Derived> a friend.
template <class Derived>
class condition_waits : public condition_core {
 public:
  void notify_one(source_site site = source_site::current()) { self().notify(format::EventKind::CondNotifyOne, site); }
  void notify_all(source_site site = source_site::current()) { self().notify(format::EventKind::CondNotifyAll, site); }

  template <class Lock>
  void wait(Lock& lock, source_site site = source_site::current()) {
    self().wait_impl(lock, std::nullopt, site);
  }
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate pred, source_site site = source_site::current()) {
    while (!pred()) self().wait_impl(lock, std::nullopt, site);
  }

  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout,
                          source_site site = source_site::current()) {
    return self().wait_impl(lock, deadline_after(timeout), site);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate pred,
                source_site site = source_site::current()) {
    return wait_until_pred(lock, deadline_after(timeout), pred, site);
  }

  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& abs_time,
                            source_site site = source_site::current()) {
    return self().wait_impl(lock, to_steady(abs_time), site);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& abs_time, Predicate pred,
                  source_site site = source_site::current()) {
    return wait_until_pred(lock, to_steady(abs_time), pred, site);
  }

 protected:
  using condition_core::condition_core;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }

  template <class Lock, class Predicate>
  bool wait_until_pred(Lock& lock, steady_time until, Predicate& pred, const source_site& site) {
    while (!pred())
      if (self().wait_impl(lock, until, site) == std::cv_status::timeout) return pred();
    return true;
  }
};

}  // namespace weft::detail
