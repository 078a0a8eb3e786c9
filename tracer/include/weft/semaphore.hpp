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
#include "weft/detail/internal_sync.hpp"

namespace weft {

class semaphore_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

// Everything weft::semaphore and weft::bounded_semaphore do, in one place:
// the two differ only in their object kind, and a bounded one refuses a
// release above its initial value (semaphore.cpp checks the kind).
class semaphore_base {
 public:
  semaphore_base(const semaphore_base&) = delete;
  semaphore_base& operator=(const semaphore_base&) = delete;

  void acquire(source_site site = source_site::current()) { acquire_until(std::nullopt, false, site); }
  bool try_acquire(source_site site = source_site::current()) { return acquire_until(std::nullopt, true, site); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return acquire_until(detail::deadline_after(timeout), false, site);
  }
  // A bounded semaphore throws weft::semaphore_error if the value would
  // exceed its initial one.
  void release(source_site site = source_site::current()) { release_n(1, site); }
  void release(std::ptrdiff_t n, source_site site = source_site::current()) { release_n(n, site); }

  std::ptrdiff_t value() const;
  std::uint32_t id() const noexcept { return id_; }

 protected:
  semaphore_base(format::ObjectKind kind, std::ptrdiff_t initial, std::string_view name, const source_site& site);
  ~semaphore_base();

 private:
  // nullopt deadline with `try_only` false: wait as long as it takes.
  bool acquire_until(const deadline& until, bool try_only, const source_site& site);
  void release_n(std::ptrdiff_t n, const source_site& site);

  mutable detail::internal_mutex m_;
  detail::internal_condition cv_;
  std::ptrdiff_t value_;         // guarded by m_
  const std::ptrdiff_t initial_;
  const bool bounded_;
  const std::uint32_t id_;
  std::uint64_t seq_ = 0;        // guarded by m_
};

}  // namespace detail

// Python's threading.Semaphore.
class semaphore : public detail::semaphore_base {
 public:
  explicit semaphore(std::ptrdiff_t initial = 1, std::string_view name = {}, source_site site = source_site::current())
      : semaphore_base(format::ObjectKind::Semaphore, initial, name, site) {}
};

// Python's threading.BoundedSemaphore: release() above the initial value
// throws weft::semaphore_error (and is recorded, flagged Rejected).
class bounded_semaphore : public detail::semaphore_base {
 public:
  explicit bounded_semaphore(std::ptrdiff_t initial = 1, std::string_view name = {},
                             source_site site = source_site::current())
      : semaphore_base(format::ObjectKind::BoundedSemaphore, initial, name, site) {}
};

}  // namespace weft
