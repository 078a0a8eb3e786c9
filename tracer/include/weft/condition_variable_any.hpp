// weft::condition_variable_any: a condition variable over any weft lock,
// as std::condition_variable_any is over any lock (and as Python's
// Condition also works over an RLock): weft::mutex, weft::recursive_mutex,
// or weft::shared_mutex held exclusively, held through std::unique_lock,
// weft::unique_lock or bare.
//
// It records what weft::condition_variable records (detail/condition_core.hpp):
// cond.wait.begin (arg: the lock's object id), the lock's release and
// re-acquisition on the lock's own order (flag Condition), cond.wait.end
// with the wake reason, and every notification with its waiters. A wait
// lets the lock go completely, whatever a recursive mutex's depth, and
// takes it back at that depth: the release records depth 0, the
// re-acquisition the depth restored. A wait by a thread that does not hold
// the lock is recorded and throws std::system_error.
#pragma once

#include <concepts>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <type_traits>

#include "weft/detail/condition_core.hpp"
#include "weft/detail/lock_core.hpp"
#include "weft/site.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

namespace detail {

// The weft lock a wait is given: a lock itself, or a guard holding one.
template <class Native>
lock_core<Native>* core_of(lock_core<Native>* lock) {
  return lock;
}
template <class L>
concept weft_lock = requires(L& lock) { detail::core_of(&lock); };
template <class L>
concept weft_lock_guard = requires(L& guard) {
  { guard.owns_lock() } -> std::convertible_to<bool>;
  detail::core_of(guard.mutex());
};
template <class M>
std::true_type is_shared_lock(const std::shared_lock<M>*);
std::false_type is_shared_lock(const void*);

}  // namespace detail

class condition_variable_any : public detail::condition_waits<condition_variable_any> {
 public:
  explicit condition_variable_any(std::string_view name = {}, source_site site = source_site::current())
      : condition_waits(name, site) {}

 private:
  friend class detail::condition_waits<condition_variable_any>;

  template <class Lock>
  std::cv_status wait_impl(Lock& lock, const detail::deadline& until, const source_site& site) {
    static_assert(!decltype(detail::is_shared_lock(&lock))::value,
                  "weft::condition_variable_any waits with the lock held exclusively; a std::shared_lock holds it "
                  "shared");
    if constexpr (detail::weft_lock<Lock>) {
      return wait_on(detail::core_of(&lock), true, until, site);
    } else {
      static_assert(detail::weft_lock_guard<Lock>,
                    "weft::condition_variable_any waits with a weft lock (weft::mutex, weft::recursive_mutex, "
                    "weft::shared_mutex), bare or held through std::unique_lock or weft::unique_lock");
      return wait_on(detail::core_of(lock.mutex()), lock.owns_lock(), until, site);
    }
  }
  // `lock` is the lock (nullptr: a guard without one); `owns`: whether the
  // guard says it holds it.
  template <class Native>
  std::cv_status wait_on(detail::lock_core<Native>* lock, bool owns, const detail::deadline& until,
                         const source_site& site);
  void notify(format::EventKind kind, const source_site& site);

  // Orders every wait against every notification, as in
  // std::condition_variable_any: a waiter records cond.wait.begin and lets
  // its lock go holding it, and cv_ lets it go only once the thread is
  // waiting; a notification is recorded and sent holding it. So a
  // notification recorded after a wait began finds that thread waiting.
  detail::internal_mutex internal_;
  detail::internal_condition cv_;
};

}  // namespace weft
