// weft::semaphore and weft::bounded_semaphore, as in Python's threading:
// acquire (blocking, non-blocking, with a timeout) and release, by any
// thread. A bounded semaphore refuses a release that would take it above its
// initial value: the attempt is recorded and the caller gets
// weft::semaphore_error (Python's ValueError).
//
// Events: sem.acquired (flag Contended if it had to wait, after a
// sem.acquire.begin), sem.acquire.failed, sem.released; arg is the value
// after the operation, so the viewer can draw it over time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "weft/detail/deadline.hpp"
#include "weft/format/schema.hpp"
#include "weft/site.hpp"

namespace weft {

class semaphore_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

class semaphore_core {
 public:
  semaphore_core(format::ObjectKind kind, std::ptrdiff_t initial, std::string_view name, const source_site& site);
  ~semaphore_core();
  semaphore_core(const semaphore_core&) = delete;
  semaphore_core& operator=(const semaphore_core&) = delete;

  // nullopt deadline with `try_only` false: wait as long as it takes.
  bool acquire(const deadline& until, bool try_only, const source_site& site);
  void release(std::ptrdiff_t n, const source_site& site);
  std::ptrdiff_t value() const;
  std::uint32_t id() const noexcept { return id_; }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::ptrdiff_t value_;         // guarded by m_
  const std::ptrdiff_t initial_;
  const bool bounded_;
  const std::uint32_t id_;
  std::uint64_t seq_ = 0;        // guarded by m_
};

}  // namespace detail

class semaphore {
 public:
  explicit semaphore(std::ptrdiff_t initial = 1, std::string_view name = {}, source_site site = source_site::current())
      : core_(format::ObjectKind::Semaphore, initial, name, site) {}

  void acquire(source_site site = source_site::current()) { core_.acquire(std::nullopt, false, site); }
  bool try_acquire(source_site site = source_site::current()) { return core_.acquire(std::nullopt, true, site); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return core_.acquire(detail::deadline_after(timeout), false, site);
  }
  void release(source_site site = source_site::current()) { core_.release(1, site); }
  void release(std::ptrdiff_t n, source_site site = source_site::current()) { core_.release(n, site); }

  std::ptrdiff_t value() const { return core_.value(); }
  std::uint32_t id() const noexcept { return core_.id(); }

 private:
  detail::semaphore_core core_;
};

class bounded_semaphore {
 public:
  explicit bounded_semaphore(std::ptrdiff_t initial = 1, std::string_view name = {},
                             source_site site = source_site::current())
      : core_(format::ObjectKind::BoundedSemaphore, initial, name, site) {}

  void acquire(source_site site = source_site::current()) { core_.acquire(std::nullopt, false, site); }
  bool try_acquire(source_site site = source_site::current()) { return core_.acquire(std::nullopt, true, site); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return core_.acquire(detail::deadline_after(timeout), false, site);
  }
  // Throws weft::semaphore_error if the value would exceed its initial one.
  void release(source_site site = source_site::current()) { core_.release(1, site); }
  void release(std::ptrdiff_t n, source_site site = source_site::current()) { core_.release(n, site); }

  std::ptrdiff_t value() const { return core_.value(); }
  std::uint32_t id() const noexcept { return core_.id(); }

 private:
  detail::semaphore_core core_;
};

}  // namespace weft
