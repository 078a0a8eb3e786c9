// weft::lock_guard, weft::unique_lock, weft::shared_lock and
// weft::scoped_lock: the standard guards, recording the site where the guard
// was created instead of a line inside <mutex> or <shared_mutex>.
//
// std::lock_guard<weft::mutex> and friends work as they are, but the lock()
// call they make is in the standard library, so that is the site a trace
// shows. These capture the caller's site; the unlock at scope exit is
// recorded at the same site. weft::unique_lock<M> is a std::unique_lock<M>,
// so it goes wherever one is expected (weft::condition_variable::wait), and
// weft::shared_lock<M> a std::shared_lock<M>.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <shared_mutex>
#include <system_error>
#include <tuple>

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

namespace detail {

// std::lock's algorithm, passing the caller's site to every lock, try and
// unlock: take one lock blocking, try the others; if one is busy, give back
// what was taken and start again from the busy one. No order between the
// locks is ever waited on while holding another, which is why this cannot
// deadlock (and why weft's lock-order check draws no edge from the tries).
template <class... Mutexes>
void lock_all(const source_site& site, Mutexes&... ms) {
  struct lockable {
    void* m;
    void (*lock)(void*, const source_site&);
    bool (*try_lock)(void*, const source_site&);
    void (*unlock)(void*, const source_site&);
  };
  constexpr std::size_t n = sizeof...(Mutexes);
  const std::array<lockable, n> all{lockable{
      &ms, [](void* m, const source_site& s) { static_cast<Mutexes*>(m)->lock(s); },
      [](void* m, const source_site& s) { return static_cast<Mutexes*>(m)->try_lock(s); },
      [](void* m, const source_site& s) { static_cast<Mutexes*>(m)->unlock(s); }}...};
  for (std::size_t first = 0;;) {
    all[first].lock(all[first].m, site);
    std::size_t taken = 1;
    while (taken < n && all[(first + taken) % n].try_lock(all[(first + taken) % n].m, site)) ++taken;
    if (taken == n) return;
    const std::size_t busy = (first + taken) % n;
    while (taken-- > 0) all[(first + taken) % n].unlock(all[(first + taken) % n].m, site);
    first = busy;
  }
}

}  // namespace detail

// std::scoped_lock for weft locks, recording your line: locks every mutex
// given without deadlock (std::lock's way, see detail::lock_all) and unlocks
// them at scope exit, in reverse.
//   weft::scoped_lock both(account_a, account_b);
template <class... Mutexes>
class scoped_lock {
 public:
  explicit scoped_lock(Mutexes&... ms, source_site site = source_site::current()) : ms_(ms...), site_(site) {
    if constexpr (sizeof...(Mutexes) == 1)
      (ms.lock(site), ...);
    else if constexpr (sizeof...(Mutexes) > 1)
      detail::lock_all(site, ms...);
  }
  explicit scoped_lock(std::adopt_lock_t, Mutexes&... ms, source_site site = source_site::current())
      : ms_(ms...), site_(site) {}
  ~scoped_lock() {
    std::apply([this](Mutexes&... ms) { unlock_reversed(ms...); }, ms_);
  }
  scoped_lock(const scoped_lock&) = delete;
  scoped_lock& operator=(const scoped_lock&) = delete;

 private:
  void unlock_reversed() {}
  template <class First, class... Rest>
  void unlock_reversed(First& first, Rest&... rest) {
    unlock_reversed(rest...);
    first.unlock(site_);
  }

  std::tuple<Mutexes&...> ms_;
  source_site site_;
};
template <class... Mutexes>
scoped_lock(Mutexes&...) -> scoped_lock<Mutexes...>;
template <class... Mutexes>
scoped_lock(std::adopt_lock_t, Mutexes&...) -> scoped_lock<Mutexes...>;

}  // namespace weft
