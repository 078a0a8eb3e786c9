// Locks between processes, as Python's multiprocessing.Lock and Semaphore:
// weft::process_mutex and weft::process_semaphore. Make one before fork()
// (weft::process, or detail::traced_fork) and every child shares it.
//
// They record exactly what weft::mutex and weft::semaphore record (the same
// event kinds, args and flags, on an object of kind Mutex / Semaphore), so
// every detector applies unchanged; the object carries a run-wide key
// (register_shared_object), so the parent's and the children's traces name
// the same object, and readers of the run merge them into one.
//
// Where the state lives. Construction maps an anonymous MAP_SHARED region
// (detail::shared_region) holding the pthread objects, initialised
// PTHREAD_PROCESS_SHARED, and the object's sequence counter. Every
// sequenced event takes its number from that counter inside the object's
// own process-shared critical section, so the numbers of one object are
// one order across all the processes' traces.
//
// Robustness. The mutexes are PTHREAD_MUTEX_ROBUST: a lock whose holder
// died (killed, crashed, exited holding it) is handed to the next locker
// with EOWNERDEAD; weft makes it consistent, logs "weft: <object>: its
// holder (pid N) died holding it" and carries on, so a dead holder costs
// the lock's protection of that one critical section, not a hang.
//
// fork() copies the C++ object into the child, pointing at the same
// mapping. Each process unmaps its own mapping when its copy is destroyed;
// only the process that created the object destroys the pthread objects
// (it must outlive its children's use of them: join them first, as with
// Python's Lock handed to a Process).
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weft/site.hpp"

namespace weft {

namespace detail {

// An anonymous MAP_SHARED mapping of `bytes` (zero-filled), made in this
// process and inherited by every child forked after. Not copyable; the
// destructor unmaps this process's mapping.
class shared_region {
 public:
  explicit shared_region(std::size_t bytes);
  ~shared_region();
  shared_region(const shared_region&) = delete;
  shared_region& operator=(const shared_region&) = delete;

  void* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  // Whether the calling process made the mapping (and so owns what was
  // constructed in it): false in a forked child.
  bool creator() const noexcept;

 private:
  void* data_;
  std::size_t size_;
  pid_t creator_;
};

// pthread objects for shared memory: process-shared; mutexes robust and
// error-checking (a relock by the holder or an unlock by another thread is
// refused, not undefined); condition variables on CLOCK_MONOTONIC.
void init_process_mutex(pthread_mutex_t* m);
void init_process_cond(pthread_cond_t* c);

// Takes `m`, blocking. If its holder died holding it, makes it consistent
// and returns true; with `object` not 0, also logs that a process died in
// that object's critical section (0: the caller says it better itself).
bool lock_robust(pthread_mutex_t* m, std::uint32_t object);
// The same without blocking: nullopt if another holds it.
std::optional<bool> try_lock_robust(pthread_mutex_t* m, std::uint32_t object);
// The same with a deadline on the steady clock: nullopt if it passed.
std::optional<bool> lock_robust_until(pthread_mutex_t* m, std::chrono::steady_clock::time_point until,
                                      std::uint32_t object);
// pthread_cond_(timed)wait on a robust mutex: a holder that died while the
// caller waited is recovered as lock_robust does. False on timeout.
bool wait_robust(pthread_cond_t* c, pthread_mutex_t* m, const std::optional<std::chrono::steady_clock::time_point>& until,
                 std::uint32_t object);

// Holds a robust mutex for a scope (weft's own short critical sections).
class robust_guard {
 public:
  robust_guard(pthread_mutex_t* m, std::uint32_t object) : m_(m) { lock_robust(m, object); }
  ~robust_guard() { pthread_mutex_unlock(m_); }
  robust_guard(const robust_guard&) = delete;
  robust_guard& operator=(const robust_guard&) = delete;

 private:
  pthread_mutex_t* m_;
};

// Who holds a process_mutex: (pid << 32) | (weft thread id + 1), 0 nobody.
std::uint64_t current_holder_tag() noexcept;

}  // namespace detail

// multiprocessing.Lock. Usable with std::lock_guard, std::unique_lock and
// std::scoped_lock. Unlike weft::mutex, a process_mutex cannot be released
// by a thread that does not hold it (a robust pthread mutex refuses that):
// the attempt is recorded (mutex.released, flag NotOwner, no sequence
// number) and throws std::system_error, as does unlocking it unheld.
// Locking it again while holding it is a self-deadlock, reported as
// weft::mutex reports it (the watchdog), then refused with std::system_error.
class process_mutex {
 public:
  explicit process_mutex(std::string_view name = {}, source_site site = source_site::current());
  ~process_mutex();
  process_mutex(const process_mutex&) = delete;
  process_mutex& operator=(const process_mutex&) = delete;

  void lock(source_site site = source_site::current());
  bool try_lock(source_site site = source_site::current());
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return lock_until(std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout), site);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& abs_time,
                      source_site site = source_site::current()) {
    return lock_until(std::chrono::steady_clock::now() +
                          std::chrono::ceil<std::chrono::nanoseconds>(abs_time - Clock::now()),
                      site);
  }
  void unlock(source_site site = source_site::current());

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const;
  // The holder's pid, or 0.
  pid_t holder_pid() const noexcept;

 private:
  struct state;
  bool lock_until(std::chrono::steady_clock::time_point until, const source_site& site);
  void acquired(bool owner_died, const source_site& site, std::uint8_t flags);

  detail::shared_region region_;
  state* s_;
  const std::uint32_t id_;
};

// multiprocessing.Semaphore: acquire (blocking, non-blocking, with a
// timeout) and release by any thread of any process. Events as
// weft::semaphore: sem.acquired (flag Contended after a sem.acquire.begin),
// sem.acquire.failed, sem.released; arg the value after.
class process_semaphore {
 public:
  explicit process_semaphore(std::ptrdiff_t initial = 1, std::string_view name = {},
                             source_site site = source_site::current());
  ~process_semaphore();
  process_semaphore(const process_semaphore&) = delete;
  process_semaphore& operator=(const process_semaphore&) = delete;

  void acquire(source_site site = source_site::current()) { acquire_until(std::nullopt, false, site); }
  bool try_acquire(source_site site = source_site::current()) { return acquire_until(std::nullopt, true, site); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return acquire_until(std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout),
                         false, site);
  }
  void release(source_site site = source_site::current()) { release_n(1, site); }
  void release(std::ptrdiff_t n, source_site site = source_site::current()) { release_n(n, site); }

  std::ptrdiff_t value() const;
  std::uint32_t id() const noexcept { return id_; }

 private:
  struct state;
  bool acquire_until(const std::optional<std::chrono::steady_clock::time_point>& until, bool try_only,
                     const source_site& site);
  void release_n(std::ptrdiff_t n, const source_site& site);

  detail::shared_region region_;
  state* s_;
  const std::uint32_t id_;
};

}  // namespace weft
