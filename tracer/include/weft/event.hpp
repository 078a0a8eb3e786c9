// weft::event, as Python's threading.Event: a flag threads wait for. wait()
// returns at once if it is set; wait_for() returns whether it was set (false
// on timeout).
//
// Events: event.set (arg: how many waiters it woke), event.clear,
// event.wait.begin/end (a wait on a set event is the end alone),
// event.is_set. A set happens before every wait it ends.
//
// As Python's Event, set() releases every thread waiting at that moment,
// even if clear() follows before a woken waiter runs again: a waiter
// returns true if the flag is set or a set() came while it waited (sets_
// moved), so the trace's "woke N" and the program agree.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "weft/detail/deadline.hpp"
#include "weft/site.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class event {
 public:
  explicit event(std::string_view name = {}, source_site site = source_site::current());
  ~event();
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  void set(source_site site = source_site::current());
  void clear(source_site site = source_site::current());
  bool is_set(source_site site = source_site::current()) const;
  bool wait(source_site site = source_site::current()) { return wait_until(std::nullopt, site); }
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return wait_until(detail::deadline_after(timeout), site);
  }

  std::uint32_t id() const noexcept { return id_; }

 private:
  bool wait_until(const detail::deadline& until, const source_site& site);

  mutable detail::internal_mutex m_;
  detail::internal_condition cv_;
  const std::uint32_t id_;
  bool flag_ = false;           // guarded by m_
  std::uint32_t waiters_ = 0;   // guarded by m_
  mutable std::uint64_t seq_ = 0;  // guarded by m_
  std::uint64_t sets_ = 0;      // guarded by m_: how many set() calls so far
};

}  // namespace weft
