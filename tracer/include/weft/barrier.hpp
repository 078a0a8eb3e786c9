// weft::barrier, as Python's threading.Barrier: `parties` threads meet;
// wait() returns each a distinct arrival index (0 for the first to arrive);
// abort() breaks it, reset() empties it, and a wait that times out breaks it
// too. Waiters of a broken barrier get weft::broken_barrier_error.
//
// Events: barrier.arrive and barrier.leave carry (generation, index), so
// analysis knows that every arrival of a generation happens before every
// departure from it. A waiter sent away by a broken barrier leaves with flag
// Broken and no sequence number: it passed nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "weft/detail/deadline.hpp"
#include "weft/site.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class broken_barrier_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class barrier {
 public:
  explicit barrier(std::size_t parties, std::string_view name = {}, source_site site = source_site::current());
  ~barrier();
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;

  std::size_t wait(source_site site = source_site::current()) { return wait_until(std::nullopt, site); }
  // A timeout breaks the barrier for everyone (as in Python) and throws.
  template <class Rep, class Period>
  std::size_t wait_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return wait_until(detail::deadline_after(timeout), site);
  }
  void abort(source_site site = source_site::current());
  void reset(source_site site = source_site::current());

  bool broken() const;
  std::size_t n_waiting() const;
  std::size_t parties() const noexcept { return parties_; }
  std::uint32_t id() const noexcept { return id_; }

 private:
  std::size_t wait_until(const detail::deadline& until, const source_site& site);
  [[noreturn]] void leave_broken(std::uint32_t generation, std::size_t index, const source_site& site);


  // Each group of waiters shares its generation's fate, decided once:
  // passed (all arrived) or broken (abort, reset, timeout).
  struct generation {
    std::uint32_t number = 0;
    bool passed = false;
    bool broken = false;
  };
  void start_generation();

  mutable detail::internal_mutex m_;
  detail::internal_condition cv_;
  const std::size_t parties_;
  const std::uint32_t id_;
  std::shared_ptr<generation> current_;  // the generation now filling
  std::size_t count_ = 0;                // arrived in it
  bool broken_ = false;                  // abort() or a timeout: until reset()
  std::uint64_t seq_ = 0;                // all guarded by m_
};

}  // namespace weft
