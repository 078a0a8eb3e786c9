// weft::lock_guard, weft::unique_lock and weft::shared_lock: the standard
// guards, recording the site where the guard was created instead of a line
// inside <mutex> or <shared_mutex>.
//
// std::lock_guard<weft::mutex> and friends work as they are, but the lock()
// call they make is in the standard library, so that is the site a trace
// shows. These capture the caller's site; the unlock at scope exit is
// recorded at the same site. weft::unique_lock<M> is a std::unique_lock<M>,
// so it goes wherever one is expected (weft::condition_variable::wait), and
// weft::shared_lock<M> a std::shared_lock<M>.
#pragma once

#include <mutex>
#include <shared_mutex>
#include <system_error>

#include "weft/site.hpp"

namespace weft {

template <class Mutex>
class lock_guard {
 public:
  explicit lock_guard(Mutex& m, source_site site = source_site::current()) : m_(m), site_(site) { m_.lock(site_); }
  lock_guard(Mutex& m, std::adopt_lock_t, source_site site = source_site::current()) : m_(m), site_(site) {}
  ~lock_guard() { m_.unlock(site_); }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  Mutex& m_;
  source_site site_;
};

namespace detail {

// How a guard holds its lock: exclusively (lock, try_lock, unlock) or
// shared (lock_shared, try_lock_shared, unlock_shared).
struct exclusive_hold {
  template <class Mutex>
  using std_lock = std::unique_lock<Mutex>;
  template <class Mutex>
  static void lock(Mutex& m, const source_site& site) { m.lock(site); }
  template <class Mutex>
  static bool try_lock(Mutex& m, const source_site& site) { return m.try_lock(site); }
  template <class Mutex>
  static void unlock(Mutex& m, const source_site& site) { m.unlock(site); }
};
struct shared_hold {
  template <class Mutex>
  using std_lock = std::shared_lock<Mutex>;
  template <class Mutex>
  static void lock(Mutex& m, const source_site& site) { m.lock_shared(site); }
  template <class Mutex>
  static bool try_lock(Mutex& m, const source_site& site) { return m.try_lock_shared(site); }
  template <class Mutex>
  static void unlock(Mutex& m, const source_site& site) { m.unlock_shared(site); }
};

// A std::unique_lock or std::shared_lock whose every lock and unlock passes
// the guard's site (or the caller's) to the weft lock.
template <class Mutex, class Hold>
class site_guard : public Hold::template std_lock<Mutex> {
  using base = typename Hold::template std_lock<Mutex>;

 public:
  explicit site_guard(Mutex& m, source_site site = source_site::current())
      : base((Hold::lock(m, site), m), std::adopt_lock), site_(site) {}
  site_guard(Mutex& m, std::defer_lock_t, source_site site = source_site::current())
      : base(m, std::defer_lock), site_(site) {}
  site_guard(Mutex& m, std::adopt_lock_t, source_site site = source_site::current())
      : base(m, std::adopt_lock), site_(site) {}
  site_guard(Mutex& m, std::try_to_lock_t, source_site site = source_site::current())
      : base(m, std::defer_lock), site_(site) {
    try_lock(site);
  }
  ~site_guard() {
    if (this->owns_lock()) unlock(site_);
  }
  site_guard(site_guard&&) noexcept = default;
  site_guard& operator=(site_guard&&) noexcept = default;

  void lock(source_site site = source_site::current()) {
    check(false);
    Hold::lock(*this->mutex(), site);
    adopt();
  }
  bool try_lock(source_site site = source_site::current()) {
    check(false);
    if (!Hold::try_lock(*this->mutex(), site)) return false;
    adopt();
    return true;
  }
  void unlock(source_site site = source_site::current()) {
    check(true);
    Mutex* m = this->mutex();
    reset(m, false);
    Hold::unlock(*m, site);
  }

 private:
  // The std guard's own checks, before we bypass it.
  void check(bool must_own) const {
    if (this->mutex() == nullptr) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    if (this->owns_lock() != must_own)
      throw std::system_error(std::make_error_code(must_own ? std::errc::operation_not_permitted
                                                            : std::errc::resource_deadlock_would_occur));
  }
  // Tell the base whether it owns the mutex we locked or unlocked ourselves.
  void reset(Mutex* m, bool owns) {
    base& self = *this;
    self.release();
    self = owns ? base(*m, std::adopt_lock) : base(*m, std::defer_lock);
  }
  void adopt() { reset(this->mutex(), true); }

  source_site site_;
};

}  // namespace detail

template <class Mutex>
class unique_lock : public detail::site_guard<Mutex, detail::exclusive_hold> {
 public:
  using detail::site_guard<Mutex, detail::exclusive_hold>::site_guard;
};

// For the shared side of a weft::shared_mutex.
template <class Mutex>
class shared_lock : public detail::site_guard<Mutex, detail::shared_hold> {
 public:
  using detail::site_guard<Mutex, detail::shared_hold>::site_guard;
};

}  // namespace weft
