#include "weft/condition_variable.hpp"

#include <system_error>

#include "weft/detail/blocking.hpp"

namespace weft {

void condition_variable::notify(format::EventKind kind, const source_site& site) {
  notifies_.fetch_add(1, std::memory_order_relaxed);
  detail::sync_point(kind, id_, seq_.fetch_add(1, std::memory_order_relaxed), waiters_.load(std::memory_order_relaxed),
                     site);
  if (kind == format::EventKind::CondNotifyOne)
    cv_.notify_one();
  else
    cv_.notify_all();
}

std::cv_status condition_variable::wait_impl(std::unique_lock<mutex>& lock, const steady_time* deadline,
                                             const source_site& site) {
  const std::uint8_t timed = deadline ? format::kFlagTimed : 0;
  mutex* m = lock.mutex();
  if (m == nullptr || !lock.owns_lock()) {
    // Waiting without holding the lock: recorded for analysis, refused here
    // (std::condition_variable would be undefined behaviour).
    detail::sync_point(format::EventKind::CondWaitBegin, id_, format::kNoSeq, m ? m->id() : 0, site,
                       timed | format::kFlagNotOwner);
    throw std::system_error(std::make_error_code(std::errc::operation_not_permitted),
                            "weft::condition_variable::wait: the lock is not held");
  }
  waiters_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t notifies_before = notifies_.load(std::memory_order_relaxed);
  detail::sync_point(format::EventKind::CondWaitBegin, id_, seq_.fetch_add(1, std::memory_order_relaxed), m->id_, site,
                     timed);

  // The wait releases and re-takes the mutex inside std::condition_variable;
  // record both on the mutex's own order, while holding it.
  m->owner_.store(detail::kNoOwner, std::memory_order_relaxed);
  detail::sync_point(format::EventKind::MutexReleased, m->id_, m->next_seq(), 0, site, format::kFlagCondition);
#if defined(WEFT_TSAN_LOCK_ORDER)
  m->tsan_order_.unlock();  // taken back by acquired() below
#endif
  std::unique_lock<std::mutex> native(m->m_, std::adopt_lock);
  std::cv_status status = std::cv_status::no_timeout;
  {
    detail::blocked_scope blocked(format::EventKind::CondWaitBegin, id_, deadline != nullptr);
    if (deadline)
      status = cv_.wait_until(native, *deadline);
    else
      cv_.wait(native);
  }
  native.release();
  m->acquired(site, format::kFlagCondition);

  waiters_.fetch_sub(1, std::memory_order_relaxed);
  const format::WakeReason reason = status == std::cv_status::timeout ? format::WakeReason::Timeout
                                    : notifies_.load(std::memory_order_relaxed) != notifies_before
                                        ? format::WakeReason::Notified
                                        : format::WakeReason::Spurious;
  detail::sync_point(format::EventKind::CondWaitEnd, id_, seq_.fetch_add(1, std::memory_order_relaxed),
                     static_cast<std::uint64_t>(reason), site, timed);
  return status;
}

}  // namespace weft
