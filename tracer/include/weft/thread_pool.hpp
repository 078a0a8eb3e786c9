// weft::thread_pool, as Python's concurrent.futures.ThreadPoolExecutor:
// submit() a callable and get a weft::future; map() a callable over items
// (results in order); shutdown(wait). Workers are weft threads, started as
// work arrives, up to max_workers. Tasks may submit more tasks.
//
//   weft::thread_pool pool(4, "pool");
//   auto f = pool.submit([] { return 6 * 7; });
//   f.result();                          // 42
//   for (auto& done : weft::as_completed(futures)) ...
//
// Events: pool.submit (arg: the task's future), pool.shutdown.begin/end;
// the tasks' own events are on their futures (see future.hpp).
//
// Ordering, as ThreadSanitizer is shown it: a submit happens before its
// task runs; a task's end happens before a wait on its future returns, and
// before shutdown(wait=true) returns. Nothing else: two tasks are not
// ordered by the pool's own bookkeeping (its lock, its queue, a worker
// going idle), since the pool does not promise any such order, so TSan
// reports a race between two tasks whichever ran first.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/blocking.hpp"
#include "weft/future.hpp"
#include "weft/site.hpp"
#include "weft/thread.hpp"
#include "weft/detail/internal_sync.hpp"

namespace weft {

class thread_pool {
 public:
  explicit thread_pool(std::size_t max_workers, std::string_view name = {}, source_site site = source_site::current());
  ~thread_pool();  // shutdown(true)
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  // Throws std::runtime_error after shutdown().
  template <class F>
  auto submit(F&& fn, source_site site = source_site::current()) -> future<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    auto state = std::make_shared<detail::future_state<R>>(task_name(), site);
    enqueue(
        [state, f = std::forward<F>(fn)]() mutable {
          if (!state->start()) {
            state->skip_cancelled();
            return;
          }
          try {
            if constexpr (std::is_void_v<R>) {
              f();
              state->value.emplace();
            } else {
              state->value.emplace(f());
            }
            state->finish(nullptr);
          } catch (...) {
            state->finish(std::current_exception());
          }
        },
        state->id(), site);
    return future<R>(std::move(state));
  }

  // fn applied to every item, on the pool; the results in the items' order.
  // A call that threw rethrows when its result is reached.
  template <class F, class Range>
  auto map(F fn, const Range& items, source_site site = source_site::current()) {
    using Item = decltype(*std::begin(items));
    using R = std::invoke_result_t<F&, Item>;
    std::vector<future<R>> futures;
    for (auto&& item : items) futures.push_back(submit([fn, item]() mutable { return fn(item); }, site));
    std::vector<R> results;
    results.reserve(futures.size());
    for (auto& f : futures) results.push_back(f.result(site));
    return results;
  }

  void shutdown(bool wait = true, source_site site = source_site::current());
  std::size_t max_workers() const noexcept { return max_workers_; }
  std::uint32_t id() const noexcept { return id_; }

 private:
  std::string task_name();
  // A queued task. Its address is the key of the submit -> run edge shown
  // to TSan (detail::tsan_release/acquire); other builds pay one allocation.
  using task_fn = std::unique_ptr<std::function<void()>>;
  void enqueue(std::function<void()> work, std::uint32_t task, const source_site& site);
  void worker_loop();

  const std::size_t max_workers_;
  const std::uint32_t id_;
  detail::internal_mutex m_;
  detail::internal_condition cv_;
  std::deque<task_fn> work_;                // guarded by m_
  std::vector<weft::thread> workers_;       // guarded by m_
  std::size_t idle_ = 0;                    // workers free and not claimed by a submit; guarded by m_
  std::uint64_t tasks_ = 0;                 // guarded by m_
  std::uint64_t seq_ = 0;                   // guarded by m_
  bool shutdown_ = false;                   // guarded by m_
  bool joined_ = false;                     // guarded by m_
};

// Iterates over futures in the order they complete (Python's
// concurrent.futures.as_completed); each step waits for the next one.
template <class T>
class as_completed {
 public:
  explicit as_completed(std::vector<future<T>> futures, source_site site = source_site::current())
      : order_(std::make_shared<order>()), futures_(std::move(futures)) {
    for (std::size_t i = 0; i < futures_.size(); ++i)
      futures_[i].add_done_callback(
          [o = order_, i](future<T>) {
            {
              std::lock_guard<detail::internal_mutex> lock(o->m);
              o->done.push_back(i);
            }
            o->cv.notify_one();
          },
          site);
  }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = future<T>;
    using difference_type = std::ptrdiff_t;
    using pointer = future<T>*;
    using reference = future<T>&;

    reference operator*() const { return owner_->futures_[current_]; }
    pointer operator->() const { return &owner_->futures_[current_]; }
    iterator& operator++() {
      advance();
      return *this;
    }
    bool operator==(const iterator& o) const { return taken_ == o.taken_; }
    bool operator!=(const iterator& o) const { return !(*this == o); }

   private:
    friend class as_completed;
    iterator(as_completed* owner, std::size_t taken) : owner_(owner), taken_(taken) {
      if (taken_ < owner_->futures_.size()) fetch();
    }
    void advance() {
      if (++taken_ < owner_->futures_.size()) fetch();
    }
    void fetch() {  // wait for the next future to complete
      detail::blocked_scope blocked(format::EventKind::FutureWaitBegin, 0, false);
      std::unique_lock<detail::internal_mutex> lock(owner_->order_->m);
      owner_->order_->cv.wait(lock, [&] { return owner_->order_->done.size() > taken_; });
      current_ = owner_->order_->done[taken_];
    }
    as_completed* owner_;
    std::size_t taken_;
    std::size_t current_ = 0;
  };

  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, futures_.size()); }

 private:
  struct order {
    detail::internal_mutex m;
    detail::internal_condition cv;
    std::vector<std::size_t> done;  // indices, in completion order
  };
  std::shared_ptr<order> order_;
  std::vector<future<T>> futures_;
};

}  // namespace weft
