// The untraced twin of weft::queue<T>'s blocking put and get: one mutex, two
// condition variables (not full, not empty), a deque, and the same steps in
// the same order (wait with a predicate, store or remove, notify one waiter
// of the other side, still holding the lock; see tracer/src/queue.cpp). Only
// the recording is missing, so the comparison prices exactly that.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string_view>
#include <utility>

namespace weft::compare {

template <class T>
class std_queue {
 public:
  // The name is what weft::queue would record; the std twin has nowhere to put it.
  explicit std_queue(std::size_t maxsize, std::string_view /*name*/ = {}) : maxsize_(maxsize) {}
  std_queue(const std_queue&) = delete;
  std_queue& operator=(const std_queue&) = delete;

  void put(T item) {
    std::unique_lock<std::mutex> lock(m_);
    not_full_.wait(lock, [&] { return maxsize_ == 0 || items_.size() < maxsize_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }

  T get() {
    std::unique_lock<std::mutex> lock(m_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  const std::size_t maxsize_;
  std::deque<T> items_;  // guarded by m_
};

}  // namespace weft::compare
