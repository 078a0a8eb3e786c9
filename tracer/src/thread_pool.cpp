#include "weft/thread_pool.hpp"

#include <stdexcept>

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/detail/tsan_invisible.hpp"

namespace weft {

using format::EventKind;

thread_pool::thread_pool(std::size_t max_workers, std::string_view name, source_site site)
    : max_workers_(max_workers), id_(detail::register_object(format::ObjectKind::ThreadPool, name, site, max_workers)) {
  if (max_workers == 0) throw std::invalid_argument("weft::thread_pool: max_workers must be at least 1");
}

thread_pool::~thread_pool() {
  shutdown(true, source_site{});
  detail::unregister_object(id_, false, {});
}

// The pool's lock, queue and idle count are weft's bookkeeping and run
// invisible to ThreadSanitizer (tsan_invisible.hpp): seen, the lock would
// order a task that ended before another was dequeued before that one, and
// TSan would miss the race between them. The edges the pool does promise
// are shown explicitly (submit -> run here; a task's end -> its future's
// waiters through the future's own lock; the workers' end -> shutdown
// through their join).
std::string thread_pool::task_name() {
  const detail::TsanInvisible invisible;
  std::lock_guard<detail::internal_mutex> lock(m_);
  return detail::object_name(id_) + ".task-" + std::to_string(tasks_++);
}

void thread_pool::enqueue(std::function<void()> work, std::uint32_t task, const source_site& site) {
  auto queued = std::make_unique<std::function<void()>>(std::move(work));
  detail::tsan_release(queued.get());  // the submit happens before the task runs
  const detail::TsanInvisible invisible;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (shutdown_) throw std::runtime_error("weft::thread_pool: cannot submit after shutdown");
    detail::sync_point(EventKind::PoolSubmit, id_, seq_++, task, site);
    work_.push_back(std::move(queued));
    // A new worker only when no idle one is left to claim, up to the limit
    // (Python's rule). Each task claims one idle worker, so two tasks
    // submitted back to back do not both count on the same one.
    if (idle_ > 0) {
      --idle_;
    } else if (workers_.size() < max_workers_) {
      const std::string name = detail::object_name(id_) + "-worker-" + std::to_string(workers_.size());
      workers_.emplace_back(thread_options(name, false, site), [this] { worker_loop(); });
    }
  }
  cv_.notify_one();
}

void thread_pool::worker_loop() {
  for (;;) {
    task_fn work;
    {
      const detail::TsanInvisible invisible;
      std::unique_lock<detail::internal_mutex> lock(m_);
      {
        // An idle worker waits for work like a consumer on a queue.
        detail::blocked_scope blocked(EventKind::QueueGetBegin, id_, false);
        cv_.wait(lock, [&] { return !work_.empty() || shutdown_; });
      }
      if (work_.empty()) return;  // shut down, and nothing left to do
      work = std::move(work_.front());
      work_.pop_front();
    }
    detail::tsan_acquire(work.get());
    (*work)();
    work.reset();  // the task's captures die here, after the task, on its worker
    // Free again: the next submit may claim this worker instead of
    // starting another (a worker is started for its first task, so it
    // counts as idle only once it has done one).
    const detail::TsanInvisible invisible;
    std::lock_guard<detail::internal_mutex> lock(m_);
    ++idle_;
  }
}

void thread_pool::shutdown(bool wait, source_site site) {
  std::vector<weft::thread> to_join;
  {
    const detail::TsanInvisible invisible;
    std::lock_guard<detail::internal_mutex> lock(m_);
    detail::sync_point(EventKind::PoolShutdownBegin, id_, format::kNoSeq, wait ? 1 : 0, site);
    shutdown_ = true;
    if (wait && !joined_) {
      joined_ = true;
      to_join.swap(workers_);
    }
  }
  cv_.notify_all();
  // Workers finish what was submitted before they stop (Python's rule).
  // Joining them is visible: every task they ran happens before this.
  for (weft::thread& w : to_join) w.join(site);
  const detail::TsanInvisible invisible;
  std::lock_guard<detail::internal_mutex> lock(m_);
  detail::sync_point(EventKind::PoolShutdownEnd, id_, seq_++, 0, site);
}

}  // namespace weft
