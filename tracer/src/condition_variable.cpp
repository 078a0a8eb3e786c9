#include "weft/condition_variable.hpp"

#include <system_error>

#include "weft/detail/blocking.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {
namespace detail {

// --- condition_core: the events every weft condition variable records ---

condition_core::condition_core(std::string_view name, const source_site& site)
    : id_(detail::register_object(format::ObjectKind::Condition, name, site)) {}

condition_core::~condition_core() { detail::unregister_object(id_, waiters_.load(std::memory_order_relaxed) != 0, {}); }

void condition_core::record_notify(format::EventKind kind, const source_site& site) {
  notifies_.fetch_add(1, std::memory_order_relaxed);
  detail::sync_point(kind, id_, seq_.fetch_add(1, std::memory_order_relaxed), waiters_.load(std::memory_order_relaxed),
                     site);
}

void condition_core::refuse_wait(std::uint32_t lock, bool timed, const source_site& site, const char* what) {
  // Recorded for analysis, refused here (with a std condition variable it
  // would be undefined behaviour).
  detail::sync_point(format::EventKind::CondWaitBegin, id_, format::kNoSeq, lock, site,
                     (timed ? format::kFlagTimed : 0) | format::kFlagNotOwner);
  throw std::system_error(std::make_error_code(std::errc::operation_not_permitted), what);
}

condition_core::wait_record condition_core::record_wait_begin(std::uint32_t lock, bool timed,
                                                              const source_site& site) {
  waiters_.fetch_add(1, std::memory_order_relaxed);
  const wait_record wait{notifies_.load(std::memory_order_relaxed), std::uint8_t(timed ? format::kFlagTimed : 0)};
  detail::sync_point(format::EventKind::CondWaitBegin, id_, seq_.fetch_add(1, std::memory_order_relaxed), lock, site,
                     wait.flags);
  return wait;
}

format::WakeReason condition_core::woke(const wait_record& wait, std::cv_status status) {
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  if (status == std::cv_status::timeout) return format::WakeReason::Timeout;
  return notifies_.load(std::memory_order_relaxed) != wait.notifies_before ? format::WakeReason::Notified
                                                                          : format::WakeReason::Spurious;
}

void condition_core::record_wait_end(const wait_record& wait, format::WakeReason reason, const source_site& site) {
  detail::sync_point(format::EventKind::CondWaitEnd, id_, seq_.fetch_add(1, std::memory_order_relaxed),
                     static_cast<std::uint64_t>(reason), site, wait.flags);
}

}  // namespace detail

// --- weft::condition_variable: std::condition_variable over a weft::mutex ---

void condition_variable::notify(format::EventKind kind, const source_site& site) {
  record_notify(kind, site);
  if (detail::exploring())
    detail::explore::wake(this, kind == format::EventKind::CondNotifyAll);
  else if (kind == format::EventKind::CondNotifyOne)
    cv_.notify_one();
  else
    cv_.notify_all();
}

std::cv_status condition_variable::wait_with(std::unique_lock<mutex>& lock, const detail::deadline& until,
                                             const source_site& site) {
  mutex* m = lock.mutex();
  if (m == nullptr || !lock.owns_lock())
    refuse_wait(m ? m->id() : 0, until.has_value(), site, "weft::condition_variable::wait: the lock is not held");
  const wait_record wait = record_wait_begin(m->id(), until.has_value(), site);

  // The wait releases and re-takes the mutex inside std::condition_variable;
  // both are recorded on the mutex's own order, while holding it.
  m->begin_wait(site);
  std::cv_status status = std::cv_status::no_timeout;
  if (detail::exploring()) {
    // Under the scheduler the mutex is let go and taken back as any
    // waiter's would be, the wait in between given to the scheduler.
    {
      detail::blocked_scope blocked(format::EventKind::CondWaitBegin, id(), until.has_value());
      m->release_native(1);
      if (!detail::explore::block(this, until)) status = std::cv_status::timeout;
    }
    m->relock_native(1);
  } else {
    std::unique_lock<std::mutex> native(m->m_, std::adopt_lock);
    {
      detail::blocked_scope blocked(format::EventKind::CondWaitBegin, id(), until.has_value());
      if (until)
        status = cv_.wait_until(native, *until);
      else
        cv_.wait(native);
    }
    native.release();
  }
  m->end_wait(site, 1);

  record_wait_end(wait, woke(wait, status), site);
  return status;
}

}  // namespace weft
