// weft::process_mutex and weft::process_semaphore (process_sync.hpp), the
// core of weft::process_queue (process_queue.hpp), and the robust
// process-shared pthread helpers the three are built on.
#include "weft/process_sync.hpp"
#include "weft/process_queue.hpp"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>

#include "weft/annotate.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft {
namespace detail {

using format::EventKind;
using steady = std::chrono::steady_clock;

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::system_error(rc, std::generic_category(), what);
}

timespec to_timespec(std::chrono::nanoseconds since_epoch) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(since_epoch.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(since_epoch.count() % 1'000'000'000);
  return ts;
}

// pthread_cond_timedwait on a CLOCK_MONOTONIC condition: steady_clock is
// that clock on Linux.
timespec monotonic(steady::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  return to_timespec(ns.count() < 0 ? std::chrono::nanoseconds{0} : ns);
}

// pthread_mutex_timedlock wants CLOCK_REALTIME (the variant ThreadSanitizer
// understands, as in mutex.cpp): the same distance from now.
timespec realtime(steady::time_point t) {
  const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(t - steady::now());
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const auto at = std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec) +
                  (left.count() > 0 ? left : std::chrono::nanoseconds{0});
  return to_timespec(at);
}

// EOWNERDEAD: the lock is ours, its protected state possibly half-changed.
bool recover(int rc, pthread_mutex_t* m, std::uint32_t object) {
  if (rc != EOWNERDEAD) return false;
  pthread_mutex_consistent(m);
  if (object != 0)
    weft::log("weft: " + object_name(object) + ": a process died inside weft's critical section of it; recovered");
  return true;
}

}  // namespace

void init_process_mutex(pthread_mutex_t* m) {
  pthread_mutexattr_t a;
  check(pthread_mutexattr_init(&a), "pthread_mutexattr_init");
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  const int rc = pthread_mutex_init(m, &a);
  pthread_mutexattr_destroy(&a);
  check(rc, "pthread_mutex_init (process-shared)");
}

void init_process_cond(pthread_cond_t* c) {
  pthread_condattr_t a;
  check(pthread_condattr_init(&a), "pthread_condattr_init");
  pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  const int rc = pthread_cond_init(c, &a);
  pthread_condattr_destroy(&a);
  check(rc, "pthread_cond_init (process-shared)");
}

bool lock_robust(pthread_mutex_t* m, std::uint32_t object) {
  const int rc = pthread_mutex_lock(m);
  if (rc != 0 && rc != EOWNERDEAD) check(rc, "pthread_mutex_lock (process-shared)");
  return recover(rc, m, object);
}

std::optional<bool> try_lock_robust(pthread_mutex_t* m, std::uint32_t object) {
  const int rc = pthread_mutex_trylock(m);
  if (rc == EBUSY || rc == EDEADLK) return std::nullopt;
  if (rc != 0 && rc != EOWNERDEAD) check(rc, "pthread_mutex_trylock (process-shared)");
  return recover(rc, m, object);
}

std::optional<bool> lock_robust_until(pthread_mutex_t* m, steady::time_point until, std::uint32_t object) {
  for (;;) {
    const timespec ts = realtime(until);
    const int rc = pthread_mutex_timedlock(m, &ts);
    if (rc == ETIMEDOUT || rc == EDEADLK) return std::nullopt;
    if (rc == EINTR) continue;
    if (rc != 0 && rc != EOWNERDEAD) check(rc, "pthread_mutex_timedlock (process-shared)");
    return recover(rc, m, object);
  }
}

bool wait_robust(pthread_cond_t* c, pthread_mutex_t* m, const std::optional<steady::time_point>& until,
                 std::uint32_t object) {
  int rc;
  if (until) {
    const timespec ts = monotonic(*until);
    rc = pthread_cond_timedwait(c, m, &ts);
  } else {
    rc = pthread_cond_wait(c, m);
  }
  if (rc == ETIMEDOUT) return false;
  if (rc != 0 && rc != EOWNERDEAD) check(rc, "pthread_cond_wait (process-shared)");
  recover(rc, m, object);
  return true;
}

std::uint64_t current_holder_tag() noexcept {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(::getpid())) << 32) | (current_thread_id() + 1u);
}

}  // namespace detail

using detail::robust_guard;
using format::EventKind;

// ---------------------------------------------------------------- mutex

// In the shared region. `holder` and `seq` are written only by the holder
// of `m`; `holder` is read without it too (holder_pid, misuse checks:
// a stale read there only ever concerns another holder), hence atomic.
struct process_mutex::state {
  pthread_mutex_t m;
  std::atomic<std::uint64_t> holder{0};  // detail::current_holder_tag() of the holder, 0 none
  std::uint64_t seq = 0;                 // the object's sequence counter, guarded by m
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "a process-shared atomic must be lock-free");

process_mutex::process_mutex(std::string_view name, source_site site)
    : region_(sizeof(state)),
      s_(new (region_.data()) state),
      id_(detail::register_shared_object(format::ObjectKind::Mutex, name, site, 0, detail::kNewSharedKey)) {
  detail::init_process_mutex(&s_->m);
}

process_mutex::~process_mutex() {
  // In use: held by this process (another's hold is its own business).
  const bool held = holder_pid() == ::getpid();
  detail::unregister_object(id_, held, {});
  if (region_.creator()) {
    pthread_mutex_destroy(&s_->m);
    s_->~state();
  }
}

std::string process_mutex::name() const { return detail::object_name(id_); }

pid_t process_mutex::holder_pid() const noexcept {
  return static_cast<pid_t>(s_->holder.load(std::memory_order_relaxed) >> 32);
}

void process_mutex::acquired(bool owner_died, const source_site& site, std::uint8_t flags) {
  if (owner_died) {
    // The dead holder's tag is still there: it never got to unlock.
    const auto dead = static_cast<pid_t>(s_->holder.load(std::memory_order_relaxed) >> 32);
    weft::log("weft: " + name() + ": its holder (pid " + std::to_string(dead) +
                  ") died holding it; the lock was recovered",
              site);
  }
  s_->holder.store(detail::current_holder_tag(), std::memory_order_relaxed);
  detail::sync_point(EventKind::MutexAcquired, id_, s_->seq++, 1, site, flags);
}

void process_mutex::lock(source_site site) {
  if (const auto got = detail::try_lock_robust(&s_->m, 0)) {
    acquired(*got, site, 0);
    return;
  }
  detail::sync_point(EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site);
  if (s_->holder.load(std::memory_order_relaxed) == detail::current_holder_tag()) {
    detail::on_self_deadlock(id_);  // the watchdog's policy decides; if it lets us go on:
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur),
                            "weft::process_mutex::lock: the calling thread already holds it");
  }
  bool died;
  {
    detail::blocked_scope blocked(EventKind::MutexLockBegin, id_, false, nullptr, /*external=*/true);
    died = detail::lock_robust(&s_->m, 0);
  }
  acquired(died, site, format::kFlagContended);
}

bool process_mutex::try_lock(source_site site) {
  if (const auto got = detail::try_lock_robust(&s_->m, 0)) {
    acquired(*got, site, format::kFlagTry);
    return true;
  }
  detail::sync_point(EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTry);
  return false;
}

bool process_mutex::lock_until(std::chrono::steady_clock::time_point until, const source_site& site) {
  if (const auto got = detail::try_lock_robust(&s_->m, 0)) {
    acquired(*got, site, format::kFlagTimed);
    return true;
  }
  if (until > std::chrono::steady_clock::now() &&
      s_->holder.load(std::memory_order_relaxed) != detail::current_holder_tag()) {
    detail::sync_point(EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site, format::kFlagTimed);
    std::optional<bool> got;
    {
      detail::blocked_scope blocked(EventKind::MutexLockBegin, id_, true, nullptr, /*external=*/true);
      got = detail::lock_robust_until(&s_->m, until, 0);
    }
    if (got) {
      acquired(*got, site, format::kFlagContended | format::kFlagTimed);
      return true;
    }
  }
  detail::sync_point(EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTimed);
  return false;
}

void process_mutex::unlock(source_site site) {
  if (s_->holder.load(std::memory_order_relaxed) != detail::current_holder_tag()) {
    detail::sync_point(EventKind::MutexReleased, id_, format::kNoSeq, 0, site, format::kFlagNotOwner);
    throw std::system_error(std::make_error_code(std::errc::operation_not_permitted),
                            "weft::process_mutex::unlock: the calling thread does not hold it");
  }
  s_->holder.store(0, std::memory_order_relaxed);
  detail::sync_point(EventKind::MutexReleased, id_, s_->seq++, 0, site);
  pthread_mutex_unlock(&s_->m);
}

// ------------------------------------------------------------ semaphore

struct process_semaphore::state {
  pthread_mutex_t m;
  pthread_cond_t available;
  std::int64_t value = 0;  // guarded by m
  std::uint64_t seq = 0;   // the object's sequence counter, guarded by m
};

process_semaphore::process_semaphore(std::ptrdiff_t initial, std::string_view name, source_site site)
    : region_(sizeof(state)),
      s_(new (region_.data()) state),
      id_(detail::register_shared_object(format::ObjectKind::Semaphore, name, site,
                                         static_cast<std::uint64_t>(initial), detail::kNewSharedKey)) {
  if (initial < 0) throw std::invalid_argument("weft::process_semaphore: initial value must not be negative");
  s_->value = initial;
  detail::init_process_mutex(&s_->m);
  detail::init_process_cond(&s_->available);
}

process_semaphore::~process_semaphore() {
  detail::unregister_object(id_, false, {});
  if (region_.creator()) {
    pthread_cond_destroy(&s_->available);
    pthread_mutex_destroy(&s_->m);
    s_->~state();
  }
}

bool process_semaphore::acquire_until(const std::optional<std::chrono::steady_clock::time_point>& until,
                                      bool try_only, const source_site& site) {
  const std::uint8_t how = try_only ? format::kFlagTry : until ? format::kFlagTimed : 0;
  std::uint8_t flags = how;
  robust_guard guard(&s_->m, id_);
  if (s_->value == 0) {
    if (try_only) {
      detail::sync_point(EventKind::SemAcquireFailed, id_, format::kNoSeq, 0, site, how);
      return false;
    }
    detail::sync_point(EventKind::SemAcquireBegin, id_, format::kNoSeq, 0, site, how);
    detail::blocked_scope blocked(EventKind::SemAcquireBegin, id_, until.has_value(), nullptr, /*external=*/true);
    while (s_->value == 0) {
      if (!detail::wait_robust(&s_->available, &s_->m, until, id_) && s_->value == 0) {
        detail::sync_point(EventKind::SemAcquireFailed, id_, format::kNoSeq, 0, site, how);
        return false;
      }
    }
    flags |= format::kFlagContended;
  }
  --s_->value;
  detail::sync_point(EventKind::SemAcquired, id_, s_->seq++, static_cast<std::uint64_t>(s_->value), site, flags);
  return true;
}

void process_semaphore::release_n(std::ptrdiff_t n, const source_site& site) {
  if (n < 1) throw std::invalid_argument("weft::process_semaphore: release count must be at least 1");
  robust_guard guard(&s_->m, id_);
  s_->value += n;
  detail::sync_point(EventKind::SemReleased, id_, s_->seq++, static_cast<std::uint64_t>(s_->value), site);
  // Woken holding m: a waiter of another process cannot miss it.
  if (n == 1)
    pthread_cond_signal(&s_->available);
  else
    pthread_cond_broadcast(&s_->available);
}

std::ptrdiff_t process_semaphore::value() const {
  robust_guard guard(&s_->m, id_);
  return static_cast<std::ptrdiff_t>(s_->value);
}

// --------------------------------------------------------------- queue

namespace detail {

// In the shared region, followed by the slots. All guarded by m.
struct process_queue_core::header {
  pthread_mutex_t m;
  pthread_cond_t not_empty, not_full;
  std::uint64_t seq = 0;        // the object's sequence counter
  std::uint64_t next_item = 0;  // the next put's item id
  std::size_t head = 0;         // the oldest item's slot
  std::size_t count = 0;        // items in the ring
};

namespace {
std::size_t round8(std::size_t n) { return (n + 7) / 8 * 8; }
std::size_t checked_capacity(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("weft::process_queue: capacity must be at least 1");
  return capacity;
}
std::uint8_t mode_flag(process_queue_core::mode how) {
  return how == process_queue_core::mode::nowait  ? format::kFlagTry
         : how == process_queue_core::mode::timed ? format::kFlagTimed
                                                  : 0;
}
}  // namespace

process_queue_core::process_queue_core(std::size_t capacity, std::size_t item_size, std::string_view name,
                                       const source_site& site)
    : capacity_(checked_capacity(capacity)),
      item_size_(item_size),
      stride_(round8(sizeof(std::uint64_t) + item_size)),
      region_(round8(sizeof(header)) + capacity_ * stride_),
      h_(new (region_.data()) header),
      id_(register_shared_object(format::ObjectKind::Queue, name, site, capacity, kNewSharedKey)) {
  init_process_mutex(&h_->m);
  init_process_cond(&h_->not_empty);
  init_process_cond(&h_->not_full);
}

process_queue_core::~process_queue_core() {
  unregister_object(id_, false, {});
  if (region_.creator()) {
    pthread_cond_destroy(&h_->not_full);
    pthread_cond_destroy(&h_->not_empty);
    pthread_mutex_destroy(&h_->m);
    h_->~header();
  }
}

unsigned char* process_queue_core::slot(std::size_t i) const noexcept {
  return static_cast<unsigned char*>(region_.data()) + round8(sizeof(header)) + i * stride_;
}

bool process_queue_core::put(const void* item, mode how, const std::optional<time_point>& until,
                             const source_site& site) {
  std::uint8_t flags = mode_flag(how);
  robust_guard guard(&h_->m, id_);
  if (h_->count == capacity_) {
    if (how == mode::nowait) {
      sync_point(EventKind::QueuePutFailed, id_, format::kNoSeq, 0, site, flags);
      return false;
    }
    sync_point(EventKind::QueuePutBegin, id_, format::kNoSeq, 0, site, flags);
    blocked_scope blocked(EventKind::QueuePutBegin, id_, until.has_value(), nullptr, /*external=*/true);
    while (h_->count == capacity_) {
      if (!wait_robust(&h_->not_full, &h_->m, until, id_) && h_->count == capacity_) {
        sync_point(EventKind::QueuePutFailed, id_, format::kNoSeq, 0, site, flags);
        return false;
      }
    }
    flags |= format::kFlagContended;
  }
  const std::uint64_t id = h_->next_item++;
  unsigned char* s = slot((h_->head + h_->count) % capacity_);
  std::memcpy(s, &id, sizeof id);
  std::memcpy(s + sizeof id, item, item_size_);
  ++h_->count;
  sync_point(EventKind::QueuePut, id_, h_->seq++, id, site, flags);
  pthread_cond_signal(&h_->not_empty);
  return true;
}

bool process_queue_core::get(void* out, mode how, const std::optional<time_point>& until, const source_site& site) {
  std::uint8_t flags = mode_flag(how);
  robust_guard guard(&h_->m, id_);
  if (h_->count == 0) {
    if (how == mode::nowait) {
      sync_point(EventKind::QueueGetFailed, id_, format::kNoSeq, 0, site, flags);
      return false;
    }
    sync_point(EventKind::QueueGetBegin, id_, format::kNoSeq, 0, site, flags);
    blocked_scope blocked(EventKind::QueueGetBegin, id_, until.has_value(), nullptr, /*external=*/true);
    while (h_->count == 0) {
      if (!wait_robust(&h_->not_empty, &h_->m, until, id_) && h_->count == 0) {
        sync_point(EventKind::QueueGetFailed, id_, format::kNoSeq, 0, site, flags);
        return false;
      }
    }
    flags |= format::kFlagContended;
  }
  const unsigned char* s = slot(h_->head);
  std::uint64_t id;
  std::memcpy(&id, s, sizeof id);
  std::memcpy(out, s + sizeof id, item_size_);
  h_->head = (h_->head + 1) % capacity_;
  --h_->count;
  sync_point(EventKind::QueueGet, id_, h_->seq++, id, site, flags);
  pthread_cond_signal(&h_->not_full);
  return true;
}

std::size_t process_queue_core::size() const {
  robust_guard guard(&h_->m, id_);
  return h_->count;
}

}  // namespace detail
}  // namespace weft
