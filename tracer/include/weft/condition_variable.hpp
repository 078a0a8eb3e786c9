// weft::condition_variable: std::condition_variable over a weft::mutex,
// recording every wait (with its outcome: notified, timed out or spurious)
// and every notification (with how many threads were waiting, which is how a
// notification nobody was waiting for, a lost wake-up, shows in the trace).
//
// A wait records cond.wait.begin, the mutex's release (flag Condition), the
// re-acquisition (flag Condition) and cond.wait.end, so the mutex's order
// stays complete across the wait (detail/condition_core.hpp has the whole
// story, shared with weft::condition_variable_any).
//
// It waits with a std::unique_lock<weft::mutex> (or a weft::unique_lock);
// weft::condition_variable_any takes any weft lock.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string_view>
#include <type_traits>

#include "weft/detail/condition_core.hpp"
#include "weft/mutex.hpp"
#include "weft/site.hpp"

namespace weft {

class condition_variable : public detail::condition_waits<condition_variable> {
 public:
  explicit condition_variable(std::string_view name = {}, source_site site = source_site::current())
      : condition_waits(name, site) {}

 private:
  friend class detail::condition_waits<condition_variable>;

  template <class Lock>
  std::cv_status wait_impl(Lock& lock, const detail::deadline& until, const source_site& site) {
    static_assert(std::is_base_of_v<std::unique_lock<mutex>, Lock>,
                  "weft::condition_variable waits with a std::unique_lock<weft::mutex> or a "
                  "weft::unique_lock<weft::mutex>; weft::condition_variable_any takes any weft lock");
    return wait_with(lock, until, site);
  }
  std::cv_status wait_with(std::unique_lock<mutex>& lock, const detail::deadline& until, const source_site& site);
  void notify(format::EventKind kind, const source_site& site);

  std::condition_variable cv_;
};

}  // namespace weft
