// weft::queue<T>, as Python's queue.Queue: FIFO, unbounded (maxsize 0) or
// bounded; put and get blocking, non-blocking (weft::queue_full /
// weft::queue_empty) or with a timeout (the same errors when it expires);
// task_done() and join() to wait until every item has been processed.
//
// Every item gets an id when it is put; queue.put and queue.get carry it,
// which is how a get is paired with its put (a happens-before edge, and an
// arrow in the viewer). Calling task_done() more often than items were put
// is recorded (flag Rejected) and throws std::logic_error, as Python raises
// ValueError.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "weft/detail/deadline.hpp"
#include "weft/site.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class queue_full : public std::runtime_error {
 public:
  queue_full() : std::runtime_error("weft::queue: full") {}
};
class queue_empty : public std::runtime_error {
 public:
  queue_empty() : std::runtime_error("weft::queue: empty") {}
};

namespace detail {

// Everything but the items themselves: locking, waiting, counting and
// recording. queue<T> keeps the items, in step with count_.
class queue_core {
 public:
  queue_core(std::size_t maxsize, std::string_view name, const source_site& site);
  ~queue_core();
  queue_core(const queue_core&) = delete;
  queue_core& operator=(const queue_core&) = delete;

  enum class mode { block, nowait, timed };
  // With the lock held: wait for room (put) or for an item (get). False
  // when the caller must fail (Full / Empty); the failure is recorded.
  bool wait_for_room(std::unique_lock<detail::internal_mutex>& lock, mode how, const deadline& until, const source_site& site,
                     std::uint8_t& flags);
  bool wait_for_item(std::unique_lock<detail::internal_mutex>& lock, mode how, const deadline& until, const source_site& site,
                     std::uint8_t& flags);
  // With the lock held, as the caller stores or removes an item.
  std::uint64_t record_put(const source_site& site, std::uint8_t flags);  // the new item's id
  void record_get(std::uint64_t item, const source_site& site, std::uint8_t flags);
  void task_done(const source_site& site);
  void join(const source_site& site);

  internal_mutex& mutex() const { return m_; }
  std::size_t size() const;
  std::size_t maxsize() const noexcept { return maxsize_; }
  std::uint32_t id() const noexcept { return id_; }

 private:
  mutable detail::internal_mutex m_;
  detail::internal_condition not_empty_, not_full_, all_done_;
  const std::size_t maxsize_;
  const std::uint32_t id_;
  std::size_t count_ = 0;         // items in the queue; guarded by m_
  std::uint64_t next_item_ = 0;   // guarded by m_
  std::uint64_t unfinished_ = 0;  // put and not yet task_done; guarded by m_
  std::uint64_t seq_ = 0;         // guarded by m_
};

}  // namespace detail

template <class T>
class queue {
  using mode = detail::queue_core::mode;

 public:
  explicit queue(std::size_t maxsize = 0, std::string_view name = {}, source_site site = source_site::current())
      : core_(maxsize, name, site) {}

  void put(T item, source_site site = source_site::current()) { put_impl(std::move(item), mode::block, {}, site); }
  // Throws weft::queue_full if there is no room now.
  void put_nowait(T item, source_site site = source_site::current()) {
    put_impl(std::move(item), mode::nowait, {}, site);
  }
  // Throws weft::queue_full if there is still no room after `timeout`.
  template <class Rep, class Period>
  void put(T item, const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    put_impl(std::move(item), mode::timed, detail::deadline_after(timeout), site);
  }

  T get(source_site site = source_site::current()) { return get_impl(mode::block, {}, site); }
  // Throws weft::queue_empty if there is no item now.
  T get_nowait(source_site site = source_site::current()) { return get_impl(mode::nowait, {}, site); }
  // Throws weft::queue_empty if there is still no item after `timeout`.
  template <class Rep, class Period>
  T get(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return get_impl(mode::timed, detail::deadline_after(timeout), site);
  }

  void task_done(source_site site = source_site::current()) { core_.task_done(site); }
  void join(source_site site = source_site::current()) { core_.join(site); }

  std::size_t size() const { return core_.size(); }
  bool empty() const { return size() == 0; }
  bool full() const { return core_.maxsize() != 0 && size() >= core_.maxsize(); }
  std::size_t maxsize() const noexcept { return core_.maxsize(); }
  std::uint32_t id() const noexcept { return core_.id(); }

 private:
  void put_impl(T&& item, mode how, const detail::deadline& until, const source_site& site) {
    std::unique_lock<detail::internal_mutex> lock(core_.mutex());
    std::uint8_t flags = 0;
    if (!core_.wait_for_room(lock, how, until, site, flags)) throw queue_full();
    const std::uint64_t id = core_.record_put(site, flags);
    items_.emplace_back(std::move(item), id);
  }

  T get_impl(mode how, const detail::deadline& until, const source_site& site) {
    std::unique_lock<detail::internal_mutex> lock(core_.mutex());
    std::uint8_t flags = 0;
    if (!core_.wait_for_item(lock, how, until, site, flags)) throw queue_empty();
    T item = std::move(items_.front().first);
    const std::uint64_t id = items_.front().second;
    items_.pop_front();
    core_.record_get(id, site, flags);
    return item;
  }

  detail::queue_core core_;
  std::deque<std::pair<T, std::uint64_t>> items_;  // with their ids; guarded by core_.mutex()
};

}  // namespace weft
