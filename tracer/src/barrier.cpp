#include "weft/barrier.hpp"

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/format/meaning.hpp"

namespace weft {

using format::EventKind;

namespace {
// The arg of barrier.arrive and barrier.leave, packed as the meaning table
// unpacks it.
std::uint64_t position(std::uint32_t generation, std::size_t index) {
  return format::barrier_position(generation, static_cast<std::uint32_t>(index));
}
}  // namespace

barrier::barrier(std::size_t parties, std::string_view name, source_site site)
    : parties_(parties),
      id_(detail::register_object(format::ObjectKind::Barrier, name, site, parties)),
      current_(std::make_shared<generation>()) {
  if (parties == 0) throw std::invalid_argument("weft::barrier: parties must be at least 1");
}

barrier::~barrier() { detail::unregister_object(id_, n_waiting() != 0, {}); }

void barrier::start_generation() {
  current_ = std::make_shared<generation>(generation{current_->number + 1});
  count_ = 0;
}

void barrier::leave_broken(std::uint32_t generation_number, std::size_t index, const source_site& site) {
  detail::sync_point(EventKind::BarrierLeave, id_, format::kNoSeq, position(generation_number, index), site,
                     format::kFlagBroken);
  throw broken_barrier_error("weft::barrier: the barrier is broken");
}

std::size_t barrier::wait_until(const detail::deadline& until, const source_site& site) {
  const std::uint8_t timed = until ? format::kFlagTimed : 0;
  std::unique_lock<detail::internal_mutex> lock(m_);
  const std::shared_ptr<generation> mine = current_;
  if (broken_) leave_broken(mine->number, 0, site);
  const std::size_t index = count_++;
  detail::sync_point(EventKind::BarrierArrive, id_, seq_++, position(mine->number, index), site, timed);
  if (count_ == parties_) {  // the last to arrive lets the generation through
    mine->passed = true;
    start_generation();
    detail::sync_point(EventKind::BarrierLeave, id_, seq_++, position(mine->number, index), site, timed);
    cv_.notify_all();
    return index;
  }
  const auto decided = [&] { return mine->passed || mine->broken; };
  detail::blocked_scope blocked(EventKind::BarrierArrive, id_, until.has_value());
  if (until) {
    if (!cv_.wait_until(lock, *until, decided)) {
      // Python's rule: a wait that times out breaks the barrier for all.
      mine->broken = true;
      broken_ = true;
      start_generation();
      cv_.notify_all();
    }
  } else {
    cv_.wait(lock, decided);
  }
  if (mine->broken) leave_broken(mine->number, index, site);
  detail::sync_point(EventKind::BarrierLeave, id_, seq_++, position(mine->number, index), site, timed);
  return index;
}

void barrier::abort(source_site site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  detail::sync_point(EventKind::BarrierAbort, id_, seq_++, count_, site);
  broken_ = true;
  current_->broken = true;
  start_generation();
  cv_.notify_all();
}

void barrier::reset(source_site site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  detail::sync_point(EventKind::BarrierReset, id_, seq_++, count_, site);
  if (count_ > 0) {  // those waiting now are sent away broken
    current_->broken = true;
    start_generation();
    cv_.notify_all();
  }
  broken_ = false;
}

bool barrier::broken() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return broken_;
}

std::size_t barrier::n_waiting() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return count_;
}

}  // namespace weft
