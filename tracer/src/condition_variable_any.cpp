#include "weft/condition_variable_any.hpp"

#include "weft/detail/blocking.hpp"

namespace weft {

void condition_variable_any::notify(format::EventKind kind, const source_site& site) {
  const std::lock_guard<detail::internal_mutex> inner(internal_);
  record_notify(kind, site);
  if (kind == format::EventKind::CondNotifyOne)
    cv_.notify_one();
  else
    cv_.notify_all();
}

template <class Native>
std::cv_status condition_variable_any::wait_on(detail::lock_core<Native>* lock, bool owns,
                                               const detail::deadline& until, const source_site& site) {
  if (lock == nullptr || !owns || !lock->held_by_caller())
    refuse_wait(lock ? lock->id() : 0, until.has_value(), site,
                "weft::condition_variable_any::wait: the calling thread does not hold the lock");

  std::unique_lock<detail::internal_mutex> inner(internal_);
  const wait_record wait = record_wait_begin(lock->id(), until.has_value(), site);
  // Let the lock go entirely (every level of a recursive mutex), recording
  // the release on its own order while still holding it.
  const std::uint32_t depth = lock->begin_wait(site);
  lock->release_native(depth);
  std::cv_status status = std::cv_status::no_timeout;
  {
    detail::blocked_scope blocked(format::EventKind::CondWaitBegin, id(), until.has_value());
    if (until)
      status = cv_.wait_until(inner, *until);
    else
      cv_.wait(inner);
  }
  const format::WakeReason reason = woke(wait, status);
  // Never wait for the program's lock holding internal_: its holder may be
  // about to notify, which takes internal_.
  inner.unlock();
  lock->relock_native(depth);
  lock->end_wait(site, depth);
  record_wait_end(wait, reason, site);
  return status;
}

template std::cv_status condition_variable_any::wait_on(detail::lock_core<std::mutex>*, bool, const detail::deadline&,
                                                         const source_site&);
template std::cv_status condition_variable_any::wait_on(detail::lock_core<std::recursive_mutex>*, bool,
                                                         const detail::deadline&, const source_site&);
template std::cv_status condition_variable_any::wait_on(detail::lock_core<std::shared_mutex>*, bool,
                                                         const detail::deadline&, const source_site&);

}  // namespace weft
