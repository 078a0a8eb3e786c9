#include "weft/semaphore.hpp"

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

using format::EventKind;

semaphore_base::semaphore_base(format::ObjectKind kind, std::ptrdiff_t initial, std::string_view name,
                               const source_site& site)
    : value_(initial),
      initial_(initial),
      bounded_(kind == format::ObjectKind::BoundedSemaphore),
      id_(register_object(kind, name, site, static_cast<std::uint64_t>(initial))) {
  if (initial < 0) throw std::invalid_argument("weft semaphore: initial value must not be negative");
}

semaphore_base::~semaphore_base() { unregister_object(id_, false, {}); }

bool semaphore_base::acquire_until(const deadline& until, bool try_only, const source_site& site) {
  const std::uint8_t how = try_only ? format::kFlagTry : until ? format::kFlagTimed : 0;
  std::unique_lock<detail::internal_mutex> lock(m_);
  std::uint8_t flags = how;
  if (value_ == 0) {
    if (try_only) {
      sync_point(EventKind::SemAcquireFailed, id_, format::kNoSeq, 0, site, how);
      return false;
    }
    sync_point(EventKind::SemAcquireBegin, id_, format::kNoSeq, 0, site, how);
    const auto available = [&] { return value_ > 0; };
    blocked_scope blocked(EventKind::SemAcquireBegin, id_, until.has_value());
    if (until) {
      if (!cv_.wait_until(lock, *until, available)) {
        sync_point(EventKind::SemAcquireFailed, id_, format::kNoSeq, 0, site, how);
        return false;
      }
    } else {
      cv_.wait(lock, available);
    }
    flags |= format::kFlagContended;
  }
  --value_;
  sync_point(EventKind::SemAcquired, id_, seq_++, static_cast<std::uint64_t>(value_), site, flags);
  return true;
}

void semaphore_base::release_n(std::ptrdiff_t n, const source_site& site) {
  if (n < 1) throw std::invalid_argument("weft semaphore: release count must be at least 1");
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (bounded_ && value_ + n > initial_) {
      sync_point(EventKind::SemReleased, id_, format::kNoSeq, static_cast<std::uint64_t>(value_), site,
                 format::kFlagRejected);
      throw semaphore_error("weft::bounded_semaphore: released too many times (value " + std::to_string(value_) +
                            " + " + std::to_string(n) + " would exceed " + std::to_string(initial_) + ")");
    }
    value_ += n;
    sync_point(EventKind::SemReleased, id_, seq_++, static_cast<std::uint64_t>(value_), site);
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) cv_.notify_one();
}

std::ptrdiff_t semaphore_base::value() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return value_;
}

}  // namespace weft::detail
