#include "weft/queue.hpp"

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

using format::EventKind;

queue_core::queue_core(std::size_t maxsize, std::string_view name, const source_site& site)
    : maxsize_(maxsize), id_(register_object(format::ObjectKind::Queue, name, site, maxsize)) {}

queue_core::~queue_core() { unregister_object(id_, false, {}); }

namespace {
std::uint8_t mode_flag(queue_core::mode how) {
  return how == queue_core::mode::nowait ? format::kFlagTry : how == queue_core::mode::timed ? format::kFlagTimed : 0;
}
}  // namespace

bool queue_core::wait_for_room(std::unique_lock<detail::internal_mutex>& lock, mode how, const deadline& until,
                               const source_site& site, std::uint8_t& flags) {
  flags = mode_flag(how);
  const auto room = [&] { return maxsize_ == 0 || count_ < maxsize_; };
  if (room()) return true;
  if (how != mode::nowait) {
    sync_point(EventKind::QueuePutBegin, id_, format::kNoSeq, 0, site, flags);
    blocked_scope blocked(EventKind::QueuePutBegin, id_, until.has_value());
    if (until ? not_full_.wait_until(lock, *until, room) : (not_full_.wait(lock, room), true)) {
      flags |= format::kFlagContended;
      return true;
    }
  }
  sync_point(EventKind::QueuePutFailed, id_, format::kNoSeq, 0, site, flags);
  return false;
}

bool queue_core::wait_for_item(std::unique_lock<detail::internal_mutex>& lock, mode how, const deadline& until,
                               const source_site& site, std::uint8_t& flags) {
  flags = mode_flag(how);
  const auto item = [&] { return count_ > 0; };
  if (item()) return true;
  if (how != mode::nowait) {
    sync_point(EventKind::QueueGetBegin, id_, format::kNoSeq, 0, site, flags);
    blocked_scope blocked(EventKind::QueueGetBegin, id_, until.has_value());
    if (until ? not_empty_.wait_until(lock, *until, item) : (not_empty_.wait(lock, item), true)) {
      flags |= format::kFlagContended;
      return true;
    }
  }
  sync_point(EventKind::QueueGetFailed, id_, format::kNoSeq, 0, site, flags);
  return false;
}

std::uint64_t queue_core::record_put(const source_site& site, std::uint8_t flags) {
  const std::uint64_t item = next_item_++;
  ++count_;
  ++unfinished_;
  sync_point(EventKind::QueuePut, id_, seq_++, item, site, flags);
  not_empty_.notify_one();
  return item;
}

void queue_core::record_get(std::uint64_t item, const source_site& site, std::uint8_t flags) {
  --count_;
  sync_point(EventKind::QueueGet, id_, seq_++, item, site, flags);
  not_full_.notify_one();
}

void queue_core::task_done(const source_site& site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  if (unfinished_ == 0) {
    sync_point(EventKind::QueueTaskDone, id_, format::kNoSeq, 0, site, format::kFlagRejected);
    throw std::logic_error("weft::queue::task_done: called more times than there were items");
  }
  --unfinished_;
  sync_point(EventKind::QueueTaskDone, id_, seq_++, unfinished_, site);
  if (unfinished_ == 0) all_done_.notify_all();
}

void queue_core::join(const source_site& site) {
  std::unique_lock<detail::internal_mutex> lock(m_);
  if (unfinished_ != 0) {
    sync_point(EventKind::QueueJoinBegin, id_, format::kNoSeq, 0, site);
    blocked_scope blocked(EventKind::QueueJoinBegin, id_, false);
    all_done_.wait(lock, [&] { return unfinished_ == 0; });
  }
  sync_point(EventKind::QueueJoinEnd, id_, seq_++, 0, site);
}

std::size_t queue_core::size() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return count_;
}

}  // namespace weft::detail
