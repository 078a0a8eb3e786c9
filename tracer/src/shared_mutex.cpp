// The shared side of weft::shared_mutex (the exclusive side is the lock
// core's, mutex.cpp). The ordering argument is in shared_mutex.hpp.
#include "weft/shared_mutex.hpp"

#include <algorithm>
#include <vector>

#include "weft/detail/blocking.hpp"
#include "weft/detail/deadline.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {
namespace detail {
namespace {

// The shared mutexes (object ids) the calling thread holds shared, so that
// unlock_shared can tell a holder from a thread that holds nothing, and a
// thread asking for exclusive ownership of what it holds shared is seen to
// wait for itself. Per thread, so nobody else ever touches it; a handful of
// entries at most.
thread_local std::vector<std::uint32_t> t_held_shared;

}  // namespace

bool holds_shared(std::uint32_t object) noexcept {
  return std::find(t_held_shared.begin(), t_held_shared.end(), object) != t_held_shared.end();
}

}  // namespace detail

void shared_mutex::lock_shared(source_site site) {
  if (__builtin_expect(m_.try_lock_shared(), 1)) {
    acquired_shared(site, 0);
    return;
  }
  detail::sync_point(format::EventKind::MutexLockSharedBegin, id_, format::kNoSeq, 0, site);
  // Shared after exclusive, by the same thread, waits for itself.
  if (held_by_caller()) detail::on_self_deadlock(id_);
  {
    // A writer holds it (owner_) or waits for it: the watchdog sees this
    // thread blocked, behind that holder.
    detail::blocked_scope blocked(format::EventKind::MutexLockSharedBegin, id_, false, &owner_);
    if (detail::exploring())
      detail::explore::acquire(&m_, std::nullopt, [this] { return m_.try_lock_shared(); });
    else
      m_.lock_shared();
  }
  acquired_shared(site, format::kFlagContended);
}

bool shared_mutex::try_lock_shared(source_site site) {
  if (m_.try_lock_shared()) {
    acquired_shared(site, format::kFlagTry);
    return true;
  }
  detail::sync_point(format::EventKind::MutexTrySharedFailed, id_, format::kNoSeq, 0, site, format::kFlagTry);
  return false;
}

bool shared_mutex::try_lock_shared_timed(std::chrono::nanoseconds timeout, const source_site& site) {
  if (m_.try_lock_shared()) {
    acquired_shared(site, format::kFlagTimed);
    return true;
  }
  if (timeout.count() > 0) {
    detail::sync_point(format::EventKind::MutexLockSharedBegin, id_, format::kNoSeq, 0, site, format::kFlagTimed);
    bool got;
    {
      detail::blocked_scope blocked(format::EventKind::MutexLockSharedBegin, id_, true, &owner_);
      got = detail::exploring() ? detail::explore::acquire(&m_, detail::deadline_after(timeout),
                                                           [this] { return m_.try_lock_shared(); })
                                : detail::timed_lock_shared(m_, timeout);
    }
    if (got) {
      acquired_shared(site, format::kFlagContended | format::kFlagTimed);
      return true;
    }
  }
  detail::sync_point(format::EventKind::MutexTrySharedFailed, id_, format::kNoSeq, 0, site, format::kFlagTimed);
  return false;
}

// Holding m_ shared: one more shared hold, and this operation's number.
void shared_mutex::acquired_shared(const source_site& site, std::uint8_t flags) {
  detail::t_held_shared.push_back(id_);
  const std::uint64_t before = seq_.fetch_add(kSeqOne + 1, std::memory_order_relaxed);
  detail::sync_point(format::EventKind::MutexAcquiredShared, id_, before >> kHolderBits, (before & kHolderMask) + 1, site,
                     flags);
}

void shared_mutex::unlock_shared(source_site site) {
  auto& held = detail::t_held_shared;
  const auto mine = std::find(held.rbegin(), held.rend(), id_);
  if (mine == held.rend()) {
    // Not a shared holder: unlocking would corrupt the lock (or release
    // someone else's hold). Recorded, then refused.
    detail::sync_point(format::EventKind::MutexReleasedShared, id_, format::kNoSeq, 0, site, format::kFlagNotOwner);
    detail::throw_not_held("weft::shared_mutex::unlock_shared: the calling thread does not hold it shared");
  }
  held.erase(std::next(mine).base());
  // Still holding m_ shared, so the count is at least 1: one hold fewer.
  const std::uint64_t before = seq_.fetch_add(kSeqOne - 1, std::memory_order_relaxed);
  detail::sync_point(format::EventKind::MutexReleasedShared, id_, before >> kHolderBits, (before & kHolderMask) - 1,
                     site);
  m_.unlock_shared();
  if (detail::exploring()) detail::explore::released(&m_);
}

}  // namespace weft
