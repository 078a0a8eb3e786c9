#include "weft/event.hpp"

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {

using format::EventKind;

event::event(std::string_view name, source_site site)
    : id_(detail::register_object(format::ObjectKind::Event, name, site)) {}

event::~event() {
  std::uint32_t waiting;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    waiting = waiters_;
  }
  detail::unregister_object(id_, waiting != 0, {});
}

void event::set(source_site site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  flag_ = true;
  ++sets_;
  detail::sync_point(EventKind::EventSet, id_, seq_++, waiters_, site);
  cv_.notify_all();
}

void event::clear(source_site site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  flag_ = false;
  detail::sync_point(EventKind::EventClear, id_, seq_++, 0, site);
}

bool event::is_set(source_site site) const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  detail::sync_point(EventKind::EventIsSet, id_, seq_++, flag_ ? 1 : 0, site);
  return flag_;
}

bool event::wait_until(const detail::deadline& until, const source_site& site) {
  const std::uint8_t timed = until ? format::kFlagTimed : 0;
  std::unique_lock<detail::internal_mutex> lock(m_);
  bool released = flag_;
  if (!released) {
    detail::sync_point(EventKind::EventWaitBegin, id_, format::kNoSeq, 0, site, timed);
    ++waiters_;
    // Set now, or set (and maybe cleared again) since this wait began.
    const std::uint64_t sets_before = sets_;
    const auto is_set = [&] { return flag_ || sets_ != sets_before; };
    {
      detail::blocked_scope blocked(EventKind::EventWaitBegin, id_, until.has_value());
      if (until)
        cv_.wait_until(lock, *until, is_set);
      else
        cv_.wait(lock, is_set);
    }
    --waiters_;
    released = is_set();
  }
  detail::sync_point(EventKind::EventWaitEnd, id_, released ? seq_++ : format::kNoSeq, released ? 1 : 0, site, timed);
  return released;
}

}  // namespace weft
