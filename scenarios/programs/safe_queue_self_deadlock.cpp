// A hand-written "thread-safe" queue: a list and one lock, every method
// taking the lock. get() takes it and, to see whether there is anything to
// take, calls size(), which takes it again. The lock is not recursive: the
// thread waits for a lock it holds itself, which it can only release by
// going on. The first get() never returns: a self-deadlock.
// (safe-queue-rlock is the same queue with a recursive lock.)
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
    weft::lock_guard<weft::mutex> guard(lock_);  // with self.lock:
    items_.push_back(item);
  }
  std::size_t size() {
    weft::lock_guard<weft::mutex> guard(lock_);  // with self.lock:
    return items_.size();
  }
  std::optional<int> get() {
    weft::lock_guard<weft::mutex> guard(lock_);  // with self.lock:
    if (size() == 0) return std::nullopt;        // size() takes self.lock again: it never returns
    const int item = items_.front();
    items_.pop_front();
    return item;
  }

 private:
  weft::mutex lock_{"SafeQueue.lock"};  // threading.Lock(): not recursive
  std::deque<int> items_;               // guarded by lock_
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
    while (const std::optional<int> item = queue.get()) {  // the first get() never returns
      weft::mark("got-" + std::to_string(*item));
      say("got " + std::to_string(*item));
    }
    say("the queue is empty");
  };

  // First fill, then empty: the producer is done before the consumer starts.
  weft::thread p("producer", producer);
  p.join();
  weft::thread c("consumer", consumer);
  c.join();  // never returns
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "safe-queue-self-deadlock",
    .summary = "a hand-made thread-safe queue whose get() calls size() under the same non-recursive lock",
    .teaches = "A thread that locks a non-recursive lock it already holds waits for itself: a self-deadlock. It "
               "happens as soon as one locked method calls another that takes the same lock. Use a recursive "
               "lock (safe-queue-rlock), or have the outer method use an unlocked helper.",
    .lesson = "The Python lesson on a hand-written thread-safe queue: class SafeQueue with self.items and "
              "self.lock = threading.Lock(); put(), size() and get() each do `with self.lock:`, and get() calls "
              "self.size() inside its lock, so the first get() deadlocks on its own lock. The port fills the "
              "queue with three items in a producer thread before the consumer starts; weft notices the "
              "self-deadlock as the second lock() begins and stops the program at once (exit status 86) rather "
              "than leave it hanging.",
    .always = {{weft::scenarios::finding::self_deadlock, "SafeQueue.lock"}},
    .marks = "put-1 put-2 put-3 ",
    .shows = {"mutex.acquired", "mutex.lock.begin"},
    .hangs = true,
    .run = run,
}};

}  // namespace
