#include "weft/thread.hpp"

#include <pthread.h>

#include <atomic>
#include <string>
#include <system_error>

#include "flush_lock.hpp"
#include "runtime.hpp"
#include "thread_binding.hpp"
#include "tsan_invisible.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {
namespace detail {
namespace {

ThreadEntry& entry(std::uint32_t id) { return Runtime::get().registry().threads()[id]; }
std::uint64_t next_seq(std::uint32_t id) { return entry(id).seq.fetch_add(1, std::memory_order_relaxed); }

void set_os_name(std::string_view name) {
  char shortened[16] = {};  // the kernel keeps 15 characters
  name.copy(shortened, 15);
  pthread_setname_np(pthread_self(), shortened);
}

}  // namespace

namespace {

// Python's threading.Thread names a thread created without a name
// "Thread-N", N counting from 1 over such threads in the process.
std::string unnamed_thread_name() {
  static std::atomic<std::uint64_t> unnamed{0};
  return "Thread-" + std::to_string(unnamed.fetch_add(1, std::memory_order_relaxed) + 1);
}

}  // namespace

std::shared_ptr<thread_control> prepare_thread(const thread_options& options) {
  ThreadBuffer* parent = current_buffer();
  const std::uint8_t flags = options.daemon ? format::kThreadDaemon : 0;
  const std::string name = options.name.empty() ? unnamed_thread_name() : options.name;
  const Registry::NewThread ids = Runtime::get().registry().add_thread(name, 0, parent->thread_id + 1, flags);
  auto control = std::make_shared<thread_control>();
  control->id = ids.id;
  control->object = ids.object;
  control->daemon = options.daemon;
  sync_point(format::EventKind::ThreadCreate, ids.object, next_seq(ids.id), ids.id, options.site);
  return control;
}

// What a weft thread does before and after the program's function is
// weft's bookkeeping, invisible to ThreadSanitizer (tsan_invisible.hpp):
// the edges TSan sees are the ones a std::thread has, its creation and its
// join (thread_finished's `finished` under control.mutex, which join waits
// for), so TSan judges the races between weft threads as it would between
// std::threads.
void thread_launched(const thread_control& control) {
  if (exploring()) explore::thread_created(control.id);
}

void thread_started(thread_control& control) {
  // Under the controlled scheduler nothing of the thread's runs before its
  // first turn.
  if (exploring()) explore::thread_attach(control.id);
  bind_current_thread(control.id, control.object);
  const auto tid = static_cast<std::uint64_t>(os_thread_id());
  {
    const TsanInvisible invisible;  // native_id() waiting for this is not the program's synchronization
    entry(control.id).os_tid.store(tid, std::memory_order_relaxed);
    control.native_id.store(tid, std::memory_order_release);
    control.native_id.notify_all();
    if (exploring()) explore::wake(&control.native_id);
  }
  set_os_name(Runtime::get().registry().thread_name(control.id));
  sync_point(format::EventKind::ThreadStart, control.object, next_seq(control.id), tid, source_site{});
}

void thread_finished(thread_control& control) {
  // thread.end before waking joiners, so end -> join holds in the object order.
  end_current_thread();
  {
    const TsanInvisible invisible;  // live_threads() reads it: not a join
    entry(control.id).alive.store(false, std::memory_order_release);
  }
  {
    std::lock_guard<detail::internal_mutex> lock(control.mutex);
    control.finished = true;
  }
  control.finished_cv.notify_all();
  if (exploring()) explore::thread_exit();  // gives the turn away for good
}

}  // namespace detail

namespace {

void check_joinable(const std::thread& t, const detail::thread_control* control, const source_site& site,
                    const char* what) {
  if (!t.joinable() || control == nullptr)
    throw std::system_error(std::make_error_code(std::errc::invalid_argument), what);
  if (control->id == detail::current_thread_id()) {
    detail::sync_point(format::EventKind::ThreadJoinBegin, control->object, format::kNoSeq, control->id, site);
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur),
                            "weft::thread::join: a thread cannot join itself");
  }
}

}  // namespace

void thread::join(source_site site) {
  check_joinable(thread_, control_.get(), site, "weft::thread::join: thread is not joinable");
  detail::thread_control& c = *control_;
  detail::sync_point(format::EventKind::ThreadJoinBegin, c.object, format::kNoSeq, c.id, site);
  {
    detail::blocked_scope blocked(format::EventKind::ThreadJoinBegin, c.object, false);
    std::unique_lock<detail::internal_mutex> lock(c.mutex);
    c.finished_cv.wait(lock, [&] { return c.finished; });
  }
  thread_.join();
  detail::sync_point(format::EventKind::ThreadJoinEnd, c.object, detail::next_seq(c.id), 1, site);
}

bool thread::join_timed(std::chrono::nanoseconds timeout, const source_site& site) {
  check_joinable(thread_, control_.get(), site, "weft::thread::join_for: thread is not joinable");
  detail::thread_control& c = *control_;
  detail::sync_point(format::EventKind::ThreadJoinBegin, c.object, format::kNoSeq, c.id, site, format::kFlagTimed);
  bool finished;
  {
    detail::blocked_scope blocked(format::EventKind::ThreadJoinBegin, c.object, true);
    std::unique_lock<detail::internal_mutex> lock(c.mutex);
    finished = c.finished_cv.wait_for(lock, timeout, [&] { return c.finished; });
  }
  if (!finished) {
    detail::sync_point(format::EventKind::ThreadJoinEnd, c.object, format::kNoSeq, 0, site, format::kFlagTimed);
    return false;
  }
  thread_.join();
  detail::sync_point(format::EventKind::ThreadJoinEnd, c.object, detail::next_seq(c.id), 1, site, format::kFlagTimed);
  return true;
}

void thread::detach(source_site site) {
  if (!thread_.joinable() || !control_)
    throw std::system_error(std::make_error_code(std::errc::invalid_argument), "weft::thread::detach: thread is not joinable");
  detail::sync_point(format::EventKind::ThreadDetach, control_->object, format::kNoSeq, 0, site);
  thread_.detach();
}

void thread::release() noexcept {
  if (!thread_.joinable()) return;
  // Noexcept by contract: a failure here would be an internal error, and
  // std::terminate (with the trace completed) is the honest outcome.
  if (control_->daemon)
    detach(source_site{});
  else
    join(source_site{});
}

bool thread::is_alive() const {
  if (!control_) return false;
  std::lock_guard<detail::internal_mutex> lock(control_->mutex);
  return !control_->finished;
}

std::string thread::name() const {
  return control_ ? detail::Runtime::get().registry().thread_name(control_->id) : std::string();
}

std::uint64_t thread::native_id() const {
  if (!control_) return 0;
  const detail::TsanInvisible invisible;  // see thread_started
  // Under the scheduler the thread starts only when it is given the turn.
  while (detail::exploring() && control_->native_id.load(std::memory_order_acquire) == 0)
    detail::explore::block(&control_->native_id, std::nullopt);
  control_->native_id.wait(0, std::memory_order_acquire);
  return control_->native_id.load(std::memory_order_acquire);
}

std::vector<thread_info> live_threads() {
  detail::current_buffer();  // the caller is alive: make sure weft knows it
  const detail::TsanInvisible invisible;  // a snapshot of weft's registry, not a synchronization
  detail::Registry& registry = detail::Runtime::get().registry();
  auto& threads = registry.threads();
  std::vector<thread_info> out;
  const std::uint32_t n = threads.size();
  for (std::uint32_t id = 0; id < n; ++id) {
    const detail::ThreadEntry& t = threads[id];
    if (!t.alive.load(std::memory_order_acquire)) continue;
    out.push_back({id, registry.thread_name(id), t.os_tid.load(std::memory_order_relaxed),
                   (t.flags & format::kThreadDaemon) != 0, (t.flags & format::kThreadMain) != 0});
  }
  return out;
}

std::size_t active_count() { return live_threads().size(); }

namespace this_thread {

std::uint32_t id() { return detail::current_thread_id(); }
std::uint64_t native_id() { return static_cast<std::uint64_t>(detail::os_thread_id()); }
std::string name() { return detail::Runtime::get().registry().thread_name(detail::current_thread_id()); }

void set_name(std::string_view name, source_site site) {
  detail::ThreadBuffer* b = detail::current_buffer();
  detail::Runtime::get().registry().set_thread_name(b->thread_id, name);
  detail::emit_text(static_cast<std::uint8_t>(format::EventKind::ThreadRename), b->thread_object, name, site);
  detail::set_os_name(name);
}

}  // namespace this_thread
}  // namespace weft
