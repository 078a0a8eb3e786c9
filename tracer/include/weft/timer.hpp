// weft::timer, as Python's threading.Timer: after start(), waits `interval`
// on its own thread, then calls `fn`, unless cancel() came first. A cancel
// once the call has begun has no effect (and is recorded as too late).
// Destroying a started timer waits for it, as Python waits for a pending
// (non-daemon) timer at exit.
//
// Events: timer.start (arg: the interval in ns), timer.cancel (arg: 1 in
// time, 0 too late), timer.fire and timer.done on the timer's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "weft/site.hpp"
#include "weft/thread.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class timer {
 public:
  template <class Rep, class Period, class F>
  timer(const std::chrono::duration<Rep, Period>& interval, F&& fn, std::string_view name = {},
        source_site site = source_site::current())
      : timer(std::chrono::duration_cast<std::chrono::nanoseconds>(interval), std::function<void()>(std::forward<F>(fn)),
              name, site) {}
  timer(std::chrono::nanoseconds interval, std::function<void()> fn, std::string_view name, const source_site& site);
  ~timer();
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  // Throws std::logic_error if started before.
  void start(source_site site = source_site::current());
  void cancel(source_site site = source_site::current());
  // Waits until the timer has fired and its function returned, or was
  // cancelled; returns at once if it was never started.
  void join(source_site site = source_site::current());
  bool is_alive() const;  // started, not yet done or cancelled
  std::uint32_t id() const noexcept { return id_; }

 private:
  enum class state { idle, waiting, running, done, cancelled };
  void run();

  const std::chrono::nanoseconds interval_;
  const std::function<void()> fn_;
  const std::uint32_t id_;
  mutable detail::internal_mutex m_;
  detail::internal_condition cv_;
  state state_ = state::idle;  // guarded by m_
  bool started_ = false;       // guarded by m_
  std::uint64_t seq_ = 0;      // guarded by m_
  weft::thread thread_;
};

}  // namespace weft
