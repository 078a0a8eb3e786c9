#include "weft/future.hpp"

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

using format::EventKind;

future_core::future_core(std::string_view name, const source_site& site)
    : id_(register_object(format::ObjectKind::Future, name, site)) {}

future_core::~future_core() { unregister_object(id_, false, {}); }

bool future_core::start() {
  std::lock_guard<detail::internal_mutex> lock(m_);
  if (status_ != status::pending) return false;
  status_ = status::running;
  sync_point(EventKind::TaskStart, id_, seq_++, 0, source_site{});
  return true;
}

void future_core::skip_cancelled() {
  std::lock_guard<detail::internal_mutex> lock(m_);
  sync_point(EventKind::TaskEnd, id_, seq_++, static_cast<std::uint64_t>(format::TaskOutcome::Cancelled), source_site{});
}

void future_core::finish(std::exception_ptr error) {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    status_ = status::finished;
    error_ = std::move(error);
    const auto outcome = error_ ? format::TaskOutcome::Threw : format::TaskOutcome::Returned;
    sync_point(EventKind::TaskEnd, id_, seq_++, static_cast<std::uint64_t>(outcome), source_site{});
    callbacks.swap(callbacks_);
  }
  cv_.notify_all();
  run_callbacks(std::move(callbacks));
}

bool future_core::cancel(const source_site& site) {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (status_ == status::cancelled) {
      sync_point(EventKind::FutureCancel, id_, seq_++, 1, site);
      return true;
    }
    const bool in_time = status_ == status::pending;
    sync_point(EventKind::FutureCancel, id_, seq_++, in_time ? 1 : 0, site);
    if (!in_time) return false;
    status_ = status::cancelled;
    callbacks.swap(callbacks_);
  }
  cv_.notify_all();
  run_callbacks(std::move(callbacks));
  return true;
}

bool future_core::wait(const deadline& until, const source_site& site) {
  const std::uint8_t timed = until ? format::kFlagTimed : 0;
  std::unique_lock<detail::internal_mutex> lock(m_);
  const auto is_done = [&] { return status_ == status::finished || status_ == status::cancelled; };
  if (!is_done()) {
    sync_point(EventKind::FutureWaitBegin, id_, format::kNoSeq, 0, site, timed);
    blocked_scope blocked(EventKind::FutureWaitBegin, id_, until.has_value());
    if (until)
      cv_.wait_until(lock, *until, is_done);
    else
      cv_.wait(lock, is_done);
  }
  const bool done_now = is_done();
  sync_point(EventKind::FutureWaitEnd, id_, done_now ? seq_++ : format::kNoSeq, done_now ? 1 : 0, site, timed);
  return done_now;
}

void future_core::add_callback(std::function<void()> fn, const source_site& site) {
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (status_ != status::finished && status_ != status::cancelled) {
      callbacks_.push_back(std::move(fn));
      return;
    }
  }
  (void)site;
  run_callbacks({std::move(fn)});  // already done: on the caller's thread, now
}

void future_core::run_callbacks(std::vector<std::function<void()>> callbacks) {
  for (auto& fn : callbacks) {
    {
      std::lock_guard<detail::internal_mutex> lock(m_);
      sync_point(EventKind::FutureCallback, id_, seq_++, 0, source_site{});
    }
    // Python logs and ignores a callback's exception; so do we, in the trace.
    try {
      fn();
    } catch (const std::exception& e) {
      emit_text(static_cast<std::uint8_t>(EventKind::Log), 0,
                std::string("exception in a future's done callback: ") + e.what(), source_site{});
    } catch (...) {
      emit_text(static_cast<std::uint8_t>(EventKind::Log), 0, "exception in a future's done callback", source_site{});
    }
  }
}

bool future_core::cancelled() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return status_ == status::cancelled;
}

bool future_core::running() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return status_ == status::running;
}

bool future_core::done() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return status_ == status::finished || status_ == status::cancelled;
}

std::exception_ptr future_core::error() const {
  std::lock_guard<detail::internal_mutex> lock(m_);
  return error_;
}

}  // namespace weft::detail
