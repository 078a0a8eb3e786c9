// The traced side of the comparison: weft's primitives under the names the
// workloads use (std_primitives.hpp is the other side). compare_weft uses
// this; every lock, wait, notification, queue item, shared access and thread
// start/join of a workload is recorded into the trace file.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <weft/weft.hpp>

namespace weft::compare {

struct weft_primitives {
  using mutex = weft::mutex;
  // The std guard over a weft::mutex: what weft's README tells users they
  // may keep (weft::condition_variable waits on exactly this type).
  using unique_lock = std::unique_lock<weft::mutex>;
  using condition_variable = weft::condition_variable;
  template <class T>
  using queue = weft::queue<T>;
  template <class T>
  using shared = weft::shared<T>;

  using thread = weft::thread;
  template <class F>
  static thread spawn(std::string_view name, F&& f) {
    return weft::thread(std::string(name), std::forward<F>(f));
  }
};

}  // namespace weft::compare
