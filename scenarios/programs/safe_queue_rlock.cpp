// A hand-written "thread-safe" queue: a list and one lock, every method
// taking the lock. get() takes it and, to see whether there is anything to
// take, calls size(), which takes it again. With a recursive lock (Python's
// RLock) that is allowed: the thread holding it may take it again, and it
// is free once released as many times as it was taken. The fix of
// safe-queue-self-deadlock.
#include <cstddef>
#include <cstdio>
#include <deque>
#include <optional>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kItems = 3;

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

class SafeQueue {
 public:
  void put(int item) {
    weft::lock_guard<weft::recursive_mutex> guard(lock_);  // with self.lock:
    items_.push_back(item);
  }
  std::size_t size() {
    weft::lock_guard<weft::recursive_mutex> guard(lock_);  // with self.lock:
    return items_.size();
  }
  std::optional<int> get() {
    weft::lock_guard<weft::recursive_mutex> guard(lock_);  // with self.lock:
    if (size() == 0) return std::nullopt;                  // takes self.lock again: depth 2, fine for an RLock
    const int item = items_.front();
    items_.pop_front();
    return item;
  }

 private:
  weft::recursive_mutex lock_{"SafeQueue.lock"};  // threading.RLock()
  std::deque<int> items_;                         // guarded by lock_
};

int run(const weft::scenarios::options&) {
  SafeQueue queue;

  auto producer = [&] {
    for (int i = 1; i <= kItems; ++i) {
      queue.put(i);
      weft::mark("put-" + std::to_string(i));
      say("put " + std::to_string(i));
    }
  };
  auto consumer = [&] {
    while (const std::optional<int> item = queue.get()) {
      weft::mark("got-" + std::to_string(*item));
      say("got " + std::to_string(*item));
    }
    say("the queue is empty");
  };

  // First fill, then empty: the producer is done before the consumer starts.
  weft::thread p("producer", producer);
  p.join();
  weft::thread c("consumer", consumer);
  c.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "safe-queue-rlock",
    .summary = "the hand-made thread-safe queue with a recursive lock: get() may call size() under it",
    .teaches = "A recursive lock may be taken again by the thread that holds it; it counts how deep, and is free "
               "when released as many times. The queue's get() calling size() under the lock now just goes one "
               "level deeper instead of deadlocking (compare safe-queue-self-deadlock).",
    .lesson = "The fix of the Python SafeQueue lesson: self.lock = threading.RLock() instead of Lock(), so get() "
              "can call self.size() inside its `with self.lock:`. The port fills the queue with three items in a "
              "producer thread, then a consumer gets until get() finds it empty (None in Python, an empty "
              "std::optional here); the lock is a weft::recursive_mutex, whose trace shows the depth 2.",
    .marks = "put-1 put-2 put-3 got-1 got-2 got-3 ",
    .shows = {"mutex.acquired", "mutex.released"},
    .run = run,
}};

}  // namespace
