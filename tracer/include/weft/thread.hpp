// weft::thread: a std::thread with a name, a timed join, daemon threads and
// a registry of live threads, modelled on Python's threading.Thread.
//
//   weft::thread worker("worker-1", work, 42);          // named
//   weft::thread ticker({"ticker", /*daemon=*/true}, tick);
//   weft::thread anon(work, 7);                          // "Thread-1", "Thread-2", ...
//   weft::thread also_anon({}, work, 7);                 // the same
//
// The name is optional. Unnamed threads are named as Python names them,
// "Thread-N", N counting from 1 in the process over the weft::threads
// created without a name. (Threads weft adopts, std::threads that use a weft
// primitive, are "thread-<id>".)
//
// Which argument is the name. The first argument is the name (or the
// options) exactly when it is a string literal, a `const char*`, a
// std::string, a std::string_view or a weft::thread_options (or `{}`), and
// the rest is a function with its arguments; otherwise the first argument
// is the function. So a function whose first parameter is a string reads
// as it should either way:
//   weft::thread t(greet, "bob");              // greet("bob"), unnamed
//   weft::thread t("greeter", greet, "bob");   // greet("bob"), named greeter
// A callable object that converts to a string is a function, not a name.
//
// The creating call site is captured as every weft operation does it, with
// a defaulted argument: through the name's conversion to thread_options in
// the named form, and as a trailing parameter in the unnamed form, which
// therefore takes at most kMaxUnnamedArgs arguments for the function (a
// defaulted parameter cannot follow a parameter pack); beyond that, pass
// `{}` first.
//
// Destroying a weft::thread that is still joinable joins it, like
// std::jthread, unless it is a daemon thread, which is detached: the process
// does not wait for daemon threads, exactly as in Python.
//
// Events: thread.create in the parent, thread.start and thread.end in the
// thread, thread.join.begin/end in the joiner, all ordered by the thread
// object's sequence, which is how analysis gets create -> start and
// end -> join happens-before edges.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
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
#include "weft/detail/internal_sync.hpp"

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
  detail::internal_mutex mutex;
  detail::internal_condition finished_cv;
  bool finished = false;                    // guarded by mutex
  std::atomic<std::uint64_t> native_id{0};  // OS tid once running
};

std::shared_ptr<thread_control> prepare_thread(const thread_options& options);
// The OS thread exists (the controlled scheduler may now give it the turn).
void thread_launched(const thread_control& control);
void thread_started(thread_control& control);
void thread_finished(thread_control& control);

// The types a weft::thread's first argument is the name as (see the top).
template <class A>
inline constexpr bool is_thread_name_v =
    std::is_same_v<std::decay_t<A>, const char*> || std::is_same_v<std::decay_t<A>, char*> ||
    std::is_same_v<std::decay_t<A>, std::string> || std::is_same_v<std::decay_t<A>, std::string_view> ||
    std::is_same_v<std::decay_t<A>, thread_options>;
// What std::thread requires: the decayed function callable with the decayed
// arguments.
template <class F, class... Args>
inline constexpr bool is_thread_body_v = std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...>;
template <class F, class... Args>
inline constexpr bool is_unnamed_start_v = !is_thread_name_v<F> && is_thread_body_v<F, Args...>;

}  // namespace detail

class thread {
 public:
  // How many arguments the unnamed form passes on to the function.
  static constexpr std::size_t kMaxUnnamedArgs = 6;

  thread() noexcept = default;

  // Named: thread("name", f, args...), thread({"name", daemon}, f, args...),
  // thread({}, f, args...).
  template <class F, class... Args>
    requires detail::is_thread_body_v<F, Args...>
  explicit thread(thread_options options, F&& f, Args&&... args) : control_(detail::prepare_thread(options)) {
    thread_ = std::thread(&run<std::decay_t<F>, std::decay_t<Args>...>, control_, std::forward<F>(f),
                          std::forward<Args>(args)...);
    detail::thread_launched(*control_);
  }

  // Unnamed: thread(f, args...), named "Thread-N". One constructor per
  // count of arguments, each with the creating site as its last, defaulted
  // parameter.
  template <class F>
    requires detail::is_unnamed_start_v<F>
  explicit thread(F&& f, source_site site = source_site::current()) : thread(thread_options(site), std::forward<F>(f)) {}
  template <class F, class A1>
    requires detail::is_unnamed_start_v<F, A1>
  thread(F&& f, A1&& a1, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1)) {}
  template <class F, class A1, class A2>
    requires detail::is_unnamed_start_v<F, A1, A2>
  thread(F&& f, A1&& a1, A2&& a2, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1), std::forward<A2>(a2)) {}
  template <class F, class A1, class A2, class A3>
    requires detail::is_unnamed_start_v<F, A1, A2, A3>
  thread(F&& f, A1&& a1, A2&& a2, A3&& a3, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1), std::forward<A2>(a2),
               std::forward<A3>(a3)) {}
  template <class F, class A1, class A2, class A3, class A4>
    requires detail::is_unnamed_start_v<F, A1, A2, A3, A4>
  thread(F&& f, A1&& a1, A2&& a2, A3&& a3, A4&& a4, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1), std::forward<A2>(a2),
               std::forward<A3>(a3), std::forward<A4>(a4)) {}
  template <class F, class A1, class A2, class A3, class A4, class A5>
    requires detail::is_unnamed_start_v<F, A1, A2, A3, A4, A5>
  thread(F&& f, A1&& a1, A2&& a2, A3&& a3, A4&& a4, A5&& a5, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1), std::forward<A2>(a2),
               std::forward<A3>(a3), std::forward<A4>(a4), std::forward<A5>(a5)) {}
  template <class F, class A1, class A2, class A3, class A4, class A5, class A6>
    requires detail::is_unnamed_start_v<F, A1, A2, A3, A4, A5, A6>
  thread(F&& f, A1&& a1, A2&& a2, A3&& a3, A4&& a4, A5&& a5, A6&& a6, source_site site = source_site::current())
      : thread(thread_options(site), std::forward<F>(f), std::forward<A1>(a1), std::forward<A2>(a2),
               std::forward<A3>(a3), std::forward<A4>(a4), std::forward<A5>(a5), std::forward<A6>(a6)) {}
  // More arguments, unnamed: said plainly rather than as a failed overload.
  template <class F, class... Args>
    requires(sizeof...(Args) > kMaxUnnamedArgs && detail::is_unnamed_start_v<F, Args...>)
  thread(F&&, Args&&...) {
    static_assert(sizeof...(Args) <= kMaxUnnamedArgs,
                  "weft::thread(f, args...) passes at most 6 arguments without a name (the creating site is "
                  "a defaulted parameter after them); give a name or {} first: weft::thread t({}, f, args...)");
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
  // From construction until the thread function has returned. Seeing it
  // false orders the thread's work before the caller, as a join does (and
  // ThreadSanitizer is shown that edge).
  bool is_alive() const;
  bool daemon() const noexcept { return control_ && control_->daemon; }
  std::string name() const;          // current name (renames included)
  std::uint32_t id() const noexcept { return control_ ? control_->id : 0; }
  // OS thread id; waits until the thread runs. Not a synchronization with
  // the thread (ThreadSanitizer is shown no edge).
  std::uint64_t native_id() const;

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
// weft::thread, or that have used a weft primitive. A snapshot, not a
// synchronization: a thread missing from it has ended, but only a join (or
// is_alive() returning false) orders its work before the caller.
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
