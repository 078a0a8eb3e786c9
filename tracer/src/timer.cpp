#include "weft/timer.hpp"

#include <stdexcept>

#include "weft/detail/deadline.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {

using format::EventKind;

timer::timer(std::chrono::nanoseconds interval, std::function<void()> fn, std::string_view name,
             const source_site& site)
    : interval_(interval),
      fn_(std::move(fn)),
      id_(detail::register_object(format::ObjectKind::Timer, name, site, static_cast<std::uint64_t>(interval.count()))) {}

timer::~timer() {
  if (thread_.joinable()) thread_.join(source_site{});
  detail::unregister_object(id_, false, {});
}

void timer::start(source_site site) {
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (started_) throw std::logic_error("weft::timer: already started");
    started_ = true;
    if (state_ == state::idle) state_ = state::waiting;
    detail::sync_point(EventKind::TimerStart, id_, seq_++, static_cast<std::uint64_t>(interval_.count()), site);
  }
  thread_ = weft::thread(thread_options(detail::object_name(id_), false, site), [this] { run(); });
}

void timer::run() {
  std::unique_lock<detail::internal_mutex> lock(m_);
  const auto deadline = detail::deadline_after(interval_);
  if (cv_.wait_until(lock, deadline, [&] { return state_ == state::cancelled; })) return;
  state_ = state::running;
  detail::sync_point(EventKind::TimerFire, id_, seq_++, 0, source_site{});
  lock.unlock();
  fn_();
  lock.lock();
  state_ = state::done;
  detail::sync_point(EventKind::TimerDone, id_, seq_++, 0, source_site{});
  cv_.notify_all();
}

void timer::cancel(source_site site) {
  std::lock_guard<detail::internal_mutex> lock(m_);
  const bool in_time = state_ == state::idle || state_ == state::waiting;
  if (in_time) state_ = state::cancelled;
  detail::sync_point(EventKind::TimerCancel, id_, seq_++, in_time ? 1 : 0, site);
  cv_.notify_all();
}

void timer::join(source_site site) {
  if (thread_.joinable()) thread_.join(site);
}

bool timer::is_alive() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return state_ == state::waiting || state_ == state::running;
}

}  // namespace weft
