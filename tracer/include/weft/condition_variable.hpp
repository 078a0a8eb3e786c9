// weft::condition_variable: std::condition_variable over a weft::mutex,
// recording every wait (with its outcome: notified, timed out or spurious)
// and every notification (with how many threads were waiting, which is how a
// notification nobody was waiting for, a lost wake-up, shows in the trace).
//
// A wait records cond.wait.begin, the mutex's release (flag Condition), the
// re-acquisition (flag Condition) and cond.wait.end, so the mutex's order
// stays complete across the wait.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "weft/mutex.hpp"
#include "weft/site.hpp"

namespace weft {

class condition_variable {
 public:
  explicit condition_variable(std::string_view name = {}, source_site site = source_site::current())
      : id_(detail::register_object(format::ObjectKind::Condition, name, site)) {}
  ~condition_variable() { detail::unregister_object(id_, waiters_.load(std::memory_order_relaxed) != 0, {}); }
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void notify_one(source_site site = source_site::current()) { notify(format::EventKind::CondNotifyOne, site); }
  void notify_all(source_site site = source_site::current()) { notify(format::EventKind::CondNotifyAll, site); }

  void wait(std::unique_lock<mutex>& lock, source_site site = source_site::current()) {
    wait_impl(lock, nullptr, site);
  }
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred, source_site site = source_site::current()) {
    while (!pred()) wait_impl(lock, nullptr, site);
  }

  template <class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                          source_site site = source_site::current()) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout);
    return wait_impl(lock, &deadline, site);
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate pred,
                source_site site = source_site::current()) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout);
    return wait_until_pred(lock, deadline, pred, site);
  }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                            source_site site = source_site::current()) {
    const auto steady = to_steady(deadline);
    return wait_impl(lock, &steady, site);
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate pred, source_site site = source_site::current()) {
    return wait_until_pred(lock, to_steady(deadline), pred, site);
  }

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const { return detail::object_name(id_); }

 private:
  using steady_time = std::chrono::steady_clock::time_point;

  template <class Clock, class Duration>
  static steady_time to_steady(const std::chrono::time_point<Clock, Duration>& t) {
    if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>)
      return std::chrono::time_point_cast<std::chrono::steady_clock::duration>(t);
    else
      return std::chrono::steady_clock::now() +
             std::chrono::ceil<std::chrono::steady_clock::duration>(t - Clock::now());
  }

  template <class Predicate>
  bool wait_until_pred(std::unique_lock<mutex>& lock, steady_time deadline, Predicate& pred, const source_site& site) {
    while (!pred())
      if (wait_impl(lock, &deadline, site) == std::cv_status::timeout) return pred();
    return true;
  }

  void notify(format::EventKind kind, const source_site& site);
  std::cv_status wait_impl(std::unique_lock<mutex>& lock, const steady_time* deadline, const source_site& site);

  std::condition_variable cv_;
  const std::uint32_t id_;
  std::atomic<std::uint64_t> seq_{0};        // waits and notifications of this condition
  std::atomic<std::uint64_t> notifies_{0};   // tells a notified wake from a spurious one
  std::atomic<std::uint32_t> waiters_{0};
};

}  // namespace weft
