// The untraced side of the comparison: the standard library's primitives
// under the names weft_primitives.hpp gives weft's, so that workloads.hpp is
// written once and both programs run the same code. compare_std and
// compare_tsan (the same source under -fsanitize=thread) use this.
//
// weft's primitives take a name; these accept one and drop it, which costs
// nothing at run time.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "std_queue.hpp"

namespace weft::compare {

struct std_primitives {
  // Still a std::mutex (std::unique_lock<std::mutex> and
  // std::condition_variable take it as one), with a constructor for the name.
  class mutex : public std::mutex {
   public:
    explicit mutex(std::string_view /*name*/) {}
  };
  using unique_lock = std::unique_lock<std::mutex>;

  class condition_variable : public std::condition_variable {
   public:
    explicit condition_variable(std::string_view /*name*/) {}
  };

  template <class T>
  using queue = std_queue<T>;

  // A plain variable, as a program without weft::shared has: += is a load
  // and a store, the same as weft::shared<T> does underneath.
  template <class T>
  class shared {
   public:
    shared(T initial, std::string_view /*name*/) : value_(std::move(initial)) {}
    shared(const shared&) = delete;
    shared& operator=(const shared&) = delete;
    shared& operator+=(const T& delta) {
      value_ += delta;
      return *this;
    }
    T get() const { return value_; }

   private:
    T value_;
  };

  using thread = std::thread;
  template <class F>
  static thread spawn(std::string_view /*name*/, F&& f) {
    return std::thread(std::forward<F>(f));
  }
};

}  // namespace weft::compare
