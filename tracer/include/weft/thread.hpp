// weft::thread: a std::thread with a name, a timed join, daemon threads and
// a registry of live threads, modelled on Python's threading.Thread.
//
//   weft::thread worker("worker-1", work, 42);          // named
//   weft::thread ticker({"ticker", /*daemon=*/true}, tick);
//   weft::thread anon({}, work, 7);                      // "thread-<id>"
//
// The name (or options) comes first so that the creating call site can be
// captured. Destroying a weft::thread that is still joinable joins it, like
// std::jthread, unless it is a daemon thread, which is detached: the process
// does not wait for daemon threads, exactly as in Python.
//
// Events: thread.create in the parent, thread.start and thread.end in the
// thread, thread.join.begin/end in the joiner, all ordered by the thread
// object's sequence, which is how analysis gets create -> start and
// end -> join happens-before edges.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/site.hpp"

namespace weft {

struct thread_options {
  std::string name;
  bool daemon = false;
  source_site site;

  thread_options(source_site s = source_site::current()) : site(s) {}  // NOLINT: implicit on purpose
  thread_options(const char* n, bool d = false, source_site s = source_site::current()) : name(n), daemon(d), site(s) {}
  thread_options(std::string n, bool d = false, source_site s = source_site::current())
      : name(std::move(n)), daemon(d), site(s) {}
  thread_options(std::string_view n, bool d = false, source_site s = source_site::current())
      : name(n), daemon(d), site(s) {}
};

namespace detail {

// Shared by a weft::thread handle and the thread it runs.
struct thread_control {
  std::uint32_t id = 0;
  std::uint32_t object = 0;
  bool daemon = false;
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;                    // guarded by mutex
  std::atomic<std::uint64_t> native_id{0};  // OS tid once running
};

std::shared_ptr<thread_control> prepare_thread(const thread_options& options);
void thread_started(thread_control& control);
void thread_finished(thread_control& control);

}  // namespace detail

class thread {
 public:
  thread() noexcept = default;

  template <class F, class... Args>
  explicit thread(thread_options options, F&& f, Args&&... args) : control_(detail::prepare_thread(options)) {
    thread_ = std::thread(&run<std::decay_t<F>, std::decay_t<Args>...>, control_, std::forward<F>(f),
                          std::forward<Args>(args)...);
  }

  thread(thread&&) noexcept = default;
  thread& operator=(thread&& other) noexcept {
    if (this != &other) {
      release();
      control_ = std::move(other.control_);
      thread_ = std::move(other.thread_);
    }
    return *this;
  }
  ~thread() { release(); }

  // Throws std::system_error if not joinable, or when a thread joins itself
  // (recorded first: it is a deadlock in Python and an error here).
  void join(source_site site = source_site::current());
  // Waits at most `timeout`; true if the thread ended and was joined.
  template <class Rep, class Period>
  bool join_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return join_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout), site);
  }
  void detach(source_site site = source_site::current());

  bool joinable() const noexcept { return thread_.joinable(); }
  // From construction until the thread function has returned.
  bool is_alive() const;
  bool daemon() const noexcept { return control_ && control_->daemon; }
  std::string name() const;          // current name (renames included)
  std::uint32_t id() const noexcept { return control_ ? control_->id : 0; }
  std::uint64_t native_id() const;   // OS thread id; waits until the thread runs

 private:
  template <class F, class... Args>
  static void run(std::shared_ptr<detail::thread_control> control, F f, Args... args) {
    detail::thread_started(*control);
    std::invoke(std::move(f), std::move(args)...);
    detail::thread_finished(*control);
  }
  bool join_timed(std::chrono::nanoseconds timeout, const source_site& site);
  void release() noexcept;  // what the destructor does

  std::shared_ptr<detail::thread_control> control_;
  std::thread thread_;
};

struct thread_info {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t native_id = 0;
  bool daemon = false;
  bool main = false;
};

// Threads that have started and not yet ended, main included (Python's
// threading.enumerate()). Only threads weft has seen: created with
// weft::thread, or that have used a weft primitive.
std::vector<thread_info> live_threads();
std::size_t active_count();

namespace this_thread {
std::uint32_t id();
std::uint64_t native_id();
std::string name();
// Renames the calling thread (recorded; also the OS name, cut to 15 chars).
void set_name(std::string_view name, source_site site = source_site::current());
}  // namespace this_thread

}  // namespace weft
