#include "weft/process_pool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <limits.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "thread_signals.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {
namespace detail {

using format::EventKind;

namespace {

// The messages on the pool's two pipes. Each is written with one write()
// of at most PIPE_BUF bytes, which the kernel keeps whole, and all have one
// size, so the workers reading the one task pipe each take whole messages.
enum class task_kind : std::uint64_t { run = 0, stop = 1 };
struct task_message {
  task_kind kind = task_kind::run;
  std::uint64_t index = 0;      // the pool's task number
  std::uint64_t key = 0;        // the task's Future object's run-wide key
  pool_invoker invoke = nullptr;
  source_site site;             // submit's (its strings are in the program's image, the same in a worker)
  std::array<unsigned char, kPoolPayloadBytes> payload{};
};
enum class result_kind : std::uint64_t { value = 0, error = 1, stop = 2 };
struct result_message {
  result_kind kind = result_kind::value;
  std::uint64_t index = 0;
  std::uint64_t size = 0;  // bytes of payload used
  std::array<unsigned char, kPoolPayloadBytes> payload{};
};
static_assert(sizeof(task_message) <= PIPE_BUF && sizeof(result_message) <= PIPE_BUF,
              "a pool message must be written atomically");
static_assert(std::is_trivially_copyable_v<task_message> && std::is_trivially_copyable_v<result_message>);

void write_message(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "weft::process_pool: write to a pipe");
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

// False at end of file (or a read error: the other side is gone).
bool read_message(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// A worker process's life: take tasks until told to stop (or the pool's
// end of the pipe is gone), run each, send back its result.
int worker_main(int task_read, int result_write, const std::string& pool_name, std::uint32_t pool) {
  for (;;) {
    task_message t;
    bool got = false;
    {
      // An idle worker waits for work like a consumer on a queue; the
      // parent, another process, ends the wait.
      blocked_scope blocked(EventKind::QueueGetBegin, pool, false, nullptr, /*external=*/true);
      got = read_message(task_read, &t, sizeof t);
    }
    if (!got || t.kind == task_kind::stop) return 0;
    // This worker's record of the task the parent registered (same key).
    const std::uint32_t task = register_shared_object(format::ObjectKind::Future,
                                                      pool_name + ".task-" + std::to_string(t.index), t.site, 0, t.key);
    sync_point(EventKind::TaskStart, task, 0, 0, t.site);
    result_message r;
    r.index = t.index;
    auto outcome = format::TaskOutcome::Returned;
    const auto fail = [&](std::string_view what) {
      r.kind = result_kind::error;
      r.size = std::min(what.size(), r.payload.size());
      std::memcpy(r.payload.data(), what.data(), r.size);
      outcome = format::TaskOutcome::Threw;
    };
    try {
      r.size = t.invoke(t.payload.data(), r.payload.data());
    } catch (const std::exception& e) {
      fail(e.what());
    } catch (...) {
      fail("weft::process_pool: the task threw an exception not derived from std::exception");
    }
    sync_point(EventKind::TaskEnd, task, 1, static_cast<std::uint64_t>(outcome), t.site);
    write_message(result_write, &r, sizeof r);
  }
}

}  // namespace

pool_task_state::~pool_task_state() {
  if (id != 0) unregister_object(id, false, {});
}

bool pool_task_state::wait(const deadline& until, const source_site& site) {
  const std::uint8_t timed = until ? format::kFlagTimed : 0;
  std::unique_lock<internal_mutex> lock(m);
  if (!done) {
    sync_point(EventKind::FutureWaitBegin, id, format::kNoSeq, 0, site, timed);
    // Ended by a worker's result: another process.
    blocked_scope blocked(EventKind::FutureWaitBegin, id, until.has_value(), nullptr, /*external=*/true);
    if (until)
      cv.wait_until(lock, *until, [&] { return done; });
    else
      cv.wait(lock, [&] { return done; });
  }
  const bool done_now = done;
  sync_point(EventKind::FutureWaitEnd, id, done_now ? wait_seq++ : format::kNoSeq, done_now ? 1 : 0, site, timed);
  return done_now;
}

bool pool_task_state::is_done() {
  std::lock_guard<internal_mutex> lock(m);
  return done;
}

}  // namespace detail

using format::EventKind;

process_pool::process_pool(std::size_t workers, std::string_view name, source_site site) {
  if (workers == 0) throw std::invalid_argument("weft::process_pool: workers must be at least 1");
  int task_pipe[2];
  int result_pipe[2];
  if (::pipe2(task_pipe, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "weft::process_pool: pipe");
  if (::pipe2(result_pipe, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(task_pipe[0]);
    ::close(task_pipe[1]);
    throw std::system_error(err, std::generic_category(), "weft::process_pool: pipe");
  }
  task_read_ = task_pipe[0];
  task_write_ = task_pipe[1];
  result_read_ = result_pipe[0];
  result_write_ = result_pipe[1];
  id_ = detail::register_shared_object(format::ObjectKind::ThreadPool, name, site, workers, detail::kNewSharedKey);
  name_ = detail::object_name(id_);
  // The workers first, the result reader after: a fork copies only the
  // forking thread, and none of the pool's own.
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    const int in = task_read_, out = result_write_, parent_in = task_write_, parent_out = result_read_;
    const std::uint32_t pool = id_;
    std::string pool_name = name_;
    workers_.emplace_back(
        [in, out, parent_in, parent_out, pool, pool_name] {
          // The parent's ends are the parent's: once it is gone (killed,
          // say), the task pipe has no writer left and the worker sees its
          // end instead of waiting forever.
          ::close(parent_in);
          ::close(parent_out);
          return detail::worker_main(in, out, pool_name, pool);
        },
        name_ + "-worker-" + std::to_string(i), /*daemon=*/true, site);
    workers_.back().start(site);
  }
  reader_ = std::thread([this] { read_results(); });
}

process_pool::~process_pool() {
  shutdown(true, source_site{});
  detail::unregister_object(id_, false, {});
}

std::shared_ptr<detail::pool_task_state> process_pool::send(detail::pool_invoker invoke,
                                                            const std::array<unsigned char, kPayloadBytes>& payload,
                                                            const source_site& site) {
  auto state = std::make_shared<detail::pool_task_state>();
  detail::task_message t;
  t.invoke = invoke;
  t.site = site;
  t.payload = payload;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    if (shut_down_) throw std::runtime_error("weft::process_pool: cannot submit after shutdown");
    t.index = tasks_++;
    state->id = detail::register_shared_object(format::ObjectKind::Future, name_ + ".task-" + std::to_string(t.index),
                                               site, 0, detail::kNewSharedKey);
    t.key = detail::shared_key_of(state->id);
    detail::sync_point(EventKind::PoolSubmit, id_, seq_++, state->id, site);
    pending_.emplace_back(t.index, state);
  }
  // Not under m_: a full pipe blocks here until a worker takes a task, and
  // the result reader needs m_ for the workers to get on.
  detail::write_message(task_write_, &t, sizeof t);
  return state;
}

void process_pool::read_results() {
  // Not a thread of the program's: the scheduler does not run it, its
  // reads block natively (explore.hpp), and the program's signals are not
  // its to take.
  const detail::explore::outside_scope outside;
  const sigset_t blocked = detail::asynchronous_signals();
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  for (;;) {
    detail::result_message r;
    if (!detail::read_message(result_read_, &r, sizeof r) || r.kind == detail::result_kind::stop) return;
    std::shared_ptr<detail::pool_task_state> state;
    {
      std::lock_guard<detail::internal_mutex> lock(m_);
      const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.first == r.index; });
      if (it == pending_.end()) continue;  // not ours: cannot happen, the pool numbers its tasks
      state = std::move(it->second);
      pending_.erase(it);
    }
    {
      std::lock_guard<detail::internal_mutex> lock(state->m);
      if (r.kind == detail::result_kind::error) {
        state->failed = true;
        state->error.assign(reinterpret_cast<const char*>(r.payload.data()), r.size);
      } else {
        std::memcpy(state->result.data(), r.payload.data(), r.size);
      }
      state->done = true;
    }
    state->cv.notify_all();
  }
}

void process_pool::fail_pending(const std::string& why) {
  std::vector<std::pair<std::uint64_t, std::shared_ptr<detail::pool_task_state>>> left;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    left.swap(pending_);
  }
  for (auto& [index, state] : left) {
    {
      std::lock_guard<detail::internal_mutex> lock(state->m);
      state->failed = true;
      state->error = why;
      state->done = true;
    }
    state->cv.notify_all();
  }
}

void process_pool::shutdown(bool wait, source_site site) {
  bool first = false, join = false;
  {
    std::lock_guard<detail::internal_mutex> lock(m_);
    detail::sync_point(EventKind::PoolShutdownBegin, id_, format::kNoSeq, wait ? 1 : 0, site);
    first = !shut_down_;
    shut_down_ = true;
    if (wait && !joined_) joined_ = join = true;
  }
  // One stop per worker, behind every task: each worker takes one and ends.
  if (first)
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      detail::task_message stop;
      stop.kind = detail::task_kind::stop;
      detail::write_message(task_write_, &stop, sizeof stop);
    }
  if (join) {
    for (process& w : workers_) w.join(site);
    // Every worker has ended, so every result it sent is in the pipe
    // before this stop: the reader settles them all, then ends.
    detail::result_message stop;
    stop.kind = detail::result_kind::stop;
    detail::write_message(result_write_, &stop, sizeof stop);
    reader_.join();
    fail_pending("weft::process_pool: the worker ended before the task finished");
    for (int* fd : {&task_read_, &task_write_, &result_read_, &result_write_}) {
      ::close(*fd);
      *fd = -1;
    }
  }
  std::lock_guard<detail::internal_mutex> lock(m_);
  detail::sync_point(EventKind::PoolShutdownEnd, id_, seq_++, 0, site);
}

}  // namespace weft
