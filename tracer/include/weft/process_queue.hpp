// weft::process_queue<T>, as Python's multiprocessing.Queue(maxsize): a
// bounded FIFO between processes. Make it before fork(); every child shares
// it. put and get block, fail at once (put_nowait / get_nowait: weft::
// queue_full / weft::queue_empty) or wait at most a timeout (put(item,
// timeout) / get(timeout) throw the same; put_for / get_for say so in their
// result instead), with weft::queue's semantics and its events: queue.put
// and queue.get carry the item's id, queue.put.begin / queue.get.begin a
// wait, queue.put.failed / queue.get.failed a failure; on an object of kind
// Queue with a run-wide key.
//
// The items live in shared memory: a ring of `capacity` slots, each an item
// (T is trivially copyable and default constructible: it is copied as bytes
// between processes) with its id. Item ids come from a counter in the same
// shared memory, so an id is the queue's own in the whole run and a get
// pairs with its put whichever processes did them; sequence numbers too
// (detail::process_queue_core).
//
// No task_done/join (that is JoinableQueue). fork() copies the object into
// the child; see process_sync.hpp for who unmaps and who destroys what.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "weft/process_sync.hpp"
#include "weft/queue.hpp"
#include "weft/site.hpp"

namespace weft {

namespace detail {

// Everything but the items' type: the shared ring of fixed-size slots, its
// process-shared lock and conditions, the counters and the recording.
class process_queue_core {
 public:
  enum class mode { block, nowait, timed };
  using time_point = std::chrono::steady_clock::time_point;

  process_queue_core(std::size_t capacity, std::size_t item_size, std::string_view name, const source_site& site);
  ~process_queue_core();
  process_queue_core(const process_queue_core&) = delete;
  process_queue_core& operator=(const process_queue_core&) = delete;

  // Copies item_size bytes in / out; false (recorded as failed) if the mode
  // gave up: no room / no item now, or by `until`.
  bool put(const void* item, mode how, const std::optional<time_point>& until, const source_site& site);
  bool get(void* out, mode how, const std::optional<time_point>& until, const source_site& site);

  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }
  std::uint32_t id() const noexcept { return id_; }

 private:
  struct header;
  unsigned char* slot(std::size_t i) const noexcept;

  const std::size_t capacity_;
  const std::size_t item_size_;
  const std::size_t stride_;  // bytes per slot: the item's id, then the item
  shared_region region_;
  header* h_;
  const std::uint32_t id_;
};

}  // namespace detail

template <class T>
class process_queue {
  static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                "weft::process_queue<T>: T must be trivially copyable and default constructible");
  using mode = detail::process_queue_core::mode;

 public:
  // Bounded: capacity must be at least 1 (std::invalid_argument otherwise).
  explicit process_queue(std::size_t capacity, std::string_view name = {}, source_site site = source_site::current())
      : core_(capacity, sizeof(T), name, site) {}

  void put(const T& item, source_site site = source_site::current()) { core_.put(&item, mode::block, {}, site); }
  void put_nowait(const T& item, source_site site = source_site::current()) {
    if (!core_.put(&item, mode::nowait, {}, site)) throw queue_full();
  }
  template <class Rep, class Period>
  void put(const T& item, const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    if (!put_for(item, timeout, site)) throw queue_full();
  }
  // False if there was still no room after `timeout`.
  template <class Rep, class Period>
  bool put_for(const T& item, const std::chrono::duration<Rep, Period>& timeout,
               source_site site = source_site::current()) {
    return core_.put(&item, mode::timed, after(timeout), site);
  }

  T get(source_site site = source_site::current()) {
    T item;
    core_.get(&item, mode::block, {}, site);
    return item;
  }
  T get_nowait(source_site site = source_site::current()) {
    T item;
    if (!core_.get(&item, mode::nowait, {}, site)) throw queue_empty();
    return item;
  }
  template <class Rep, class Period>
  T get(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    std::optional<T> item = get_for(timeout, site);
    if (!item) throw queue_empty();
    return *item;
  }
  // nullopt if there was still no item after `timeout`.
  template <class Rep, class Period>
  std::optional<T> get_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    T item;
    if (!core_.get(&item, mode::timed, after(timeout), site)) return std::nullopt;
    return item;
  }

  std::size_t size() const { return core_.size(); }
  bool empty() const { return size() == 0; }
  bool full() const { return size() >= core_.capacity(); }
  std::size_t maxsize() const noexcept { return core_.capacity(); }
  std::uint32_t id() const noexcept { return core_.id(); }

 private:
  template <class Rep, class Period>
  static detail::process_queue_core::time_point after(const std::chrono::duration<Rep, Period>& timeout) {
    return std::chrono::steady_clock::now() + std::chrono::ceil<std::chrono::steady_clock::duration>(timeout);
  }

  detail::process_queue_core core_;
};

}  // namespace weft
