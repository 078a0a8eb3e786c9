// weft::future<T>: the result of a task submitted to a weft::thread_pool, as
// Python's concurrent.futures.Future: cancel() (only before the task starts),
// cancelled(), running(), done(), result() (waits; rethrows the task's
// exception; weft::cancelled_error if cancelled; with a timeout,
// weft::timeout_error when it expires), exception(), add_done_callback().
//
// Each task is an object of its own in the trace: task.start and task.end on
// the worker, future.wait.begin/end where someone waits for it,
// future.callback where a callback runs, future.cancel where it was
// cancelled. task.end happens before every wait that returns its result.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "weft/detail/deadline.hpp"
#include "weft/site.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class cancelled_error : public std::runtime_error {
 public:
  cancelled_error() : std::runtime_error("weft::future: the task was cancelled") {}
};
class timeout_error : public std::runtime_error {
 public:
  timeout_error() : std::runtime_error("weft::future: timed out waiting for the task") {}
};

class thread_pool;

namespace detail {

// A future's state apart from its value: status, error, callbacks, events.
class future_core {
 public:
  future_core(std::string_view name, const source_site& site);
  ~future_core();
  future_core(const future_core&) = delete;
  future_core& operator=(const future_core&) = delete;

  // The worker's side.
  bool start();                              // pending -> running; false if it was cancelled
  void finish(std::exception_ptr error);     // running -> finished, then the callbacks
  void skip_cancelled();                     // a worker dequeued a cancelled task

  // Everyone else's.
  bool cancel(const source_site& site);
  bool wait(const deadline& until, const source_site& site);  // true once done
  void add_callback(std::function<void()> fn, const source_site& site);
  bool cancelled() const;
  bool running() const;
  bool done() const;
  std::exception_ptr error() const;          // once done

  std::uint32_t id() const noexcept { return id_; }

 private:
  enum class status { pending, running, finished, cancelled };
  void run_callbacks(std::vector<std::function<void()>> callbacks);

  mutable detail::internal_mutex m_;
  detail::internal_condition cv_;
  status status_ = status::pending;                  // guarded by m_
  std::exception_ptr error_;                         // guarded by m_
  std::vector<std::function<void()>> callbacks_;     // guarded by m_
  std::uint64_t seq_ = 0;                            // guarded by m_
  const std::uint32_t id_;
};

template <class T>
struct future_state : future_core {
  using future_core::future_core;
  using stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  std::optional<stored> value;  // written by the worker before finish(), read after done
};

}  // namespace detail

template <class T>
class future {
 public:
  future() = default;

  bool cancel(source_site site = source_site::current()) { return state().cancel(site); }
  bool cancelled() const { return state().cancelled(); }
  bool running() const { return state().running(); }
  bool done() const { return state().done(); }

  T result(source_site site = source_site::current()) { return result_until(std::nullopt, site); }
  template <class Rep, class Period>
  T result(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return result_until(detail::deadline_after(timeout), site);
  }
  // The task's exception (null if it returned); cancelled_error if cancelled.
  std::exception_ptr exception(source_site site = source_site::current()) {
    return exception_until(std::nullopt, site);
  }
  template <class Rep, class Period>
  std::exception_ptr exception(const std::chrono::duration<Rep, Period>& timeout,
                               source_site site = source_site::current()) {
    return exception_until(detail::deadline_after(timeout), site);
  }
  void wait(source_site site = source_site::current()) { state().wait(std::nullopt, site); }
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return state().wait(detail::deadline_after(timeout), site);
  }

  // `fn` gets this future once it is done: at once if it already is, else
  // on the thread that completes it.
  void add_done_callback(std::function<void(future)> fn, source_site site = source_site::current()) {
    future self = *this;
    state().add_callback([self, fn = std::move(fn)] { fn(self); }, site);
  }

  bool valid() const noexcept { return state_ != nullptr; }
  std::uint32_t id() const { return state().id(); }

 private:
  friend class thread_pool;
  explicit future(std::shared_ptr<detail::future_state<T>> s) : state_(std::move(s)) {}

  detail::future_state<T>& state() const {
    if (!state_) throw std::logic_error("weft::future: no state (default-constructed)");
    return *state_;
  }
  std::exception_ptr exception_until(const detail::deadline& until, const source_site& site) {
    if (!state().wait(until, site)) throw timeout_error();
    if (state().cancelled()) throw cancelled_error();
    return state().error();
  }
  T result_until(const detail::deadline& until, const source_site& site) {
    if (std::exception_ptr error = exception_until(until, site)) std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>) return *state_->value;
  }

  std::shared_ptr<detail::future_state<T>> state_;
};

}  // namespace weft
