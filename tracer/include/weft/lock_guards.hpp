// weft::lock_guard and weft::unique_lock: the standard guards, recording the
// site where the guard was created instead of a line inside <mutex>.
//
// std::lock_guard<weft::mutex> and friends work as they are, but the lock()
// call they make is in the standard library, so that is the site a trace
// shows. These capture the caller's site; the unlock at scope exit is
// recorded at the same site. weft::unique_lock<M> is a std::unique_lock<M>,
// so it goes wherever one is expected (weft::condition_variable::wait).
#pragma once

#include <mutex>
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

template <class Mutex>
class unique_lock : public std::unique_lock<Mutex> {
  using base = std::unique_lock<Mutex>;

 public:
  explicit unique_lock(Mutex& m, source_site site = source_site::current())
      : base((m.lock(site), m), std::adopt_lock), site_(site) {}
  unique_lock(Mutex& m, std::defer_lock_t, source_site site = source_site::current())
      : base(m, std::defer_lock), site_(site) {}
  unique_lock(Mutex& m, std::adopt_lock_t, source_site site = source_site::current())
      : base(m, std::adopt_lock), site_(site) {}
  unique_lock(Mutex& m, std::try_to_lock_t, source_site site = source_site::current())
      : base(m, std::defer_lock), site_(site) {
    try_lock(site);
  }
  ~unique_lock() {
    if (this->owns_lock()) unlock(site_);
  }
  unique_lock(unique_lock&&) noexcept = default;
  unique_lock& operator=(unique_lock&&) noexcept = default;

  void lock(source_site site = source_site::current()) {
    check(false);
    this->mutex()->lock(site);
    adopt();
  }
  bool try_lock(source_site site = source_site::current()) {
    check(false);
    if (!this->mutex()->try_lock(site)) return false;
    adopt();
    return true;
  }
  void unlock(source_site site = source_site::current()) {
    check(true);
    Mutex* m = this->mutex();
    reset(m, false);
    m->unlock(site);
  }

 private:
  // std::unique_lock's own checks, before we bypass it.
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

}  // namespace weft
