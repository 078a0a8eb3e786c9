// A bounded queue written by hand, the way Python's queue.Queue is: one lock
// (mutex) and two conditions over it, not_full and not_empty. put() waits on
// not_full while the queue is at its maxsize, get() on not_empty while it is
// empty, each at most a timeout, then fails (Full / Empty). A producer puts
// twenty items into a queue of five faster than the consumer takes them, so
// puts wait for room; the consumer stops when a get() times out on a queue
// that stays empty.
#include <chrono>
#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kItems = 20;
constexpr std::size_t kMaxSize = 5;
constexpr auto kPutTimeout = std::chrono::seconds(2);
constexpr auto kGetTimeout = std::chrono::milliseconds(300);
constexpr auto kWork = std::chrono::milliseconds(3);  // the consumer's time per item

struct full : std::runtime_error {
  full() : std::runtime_error("queue full") {}
};
struct empty : std::runtime_error {
  empty() : std::runtime_error("queue empty") {}
};

class bounded_queue {
 public:
  explicit bounded_queue(std::size_t maxsize) : maxsize_(maxsize) {}

  template <class Rep, class Period>
  void put(int item, std::chrono::duration<Rep, Period> timeout) {
    weft::unique_lock<weft::mutex> guard(mutex_);
    if (!not_full_.wait_for(guard, timeout, [&] { return items_.size() < maxsize_; })) throw full();
    items_.push_back(item);
    not_empty_.notify_one();
  }

  template <class Rep, class Period>
  int get(std::chrono::duration<Rep, Period> timeout) {
    weft::unique_lock<weft::mutex> guard(mutex_);
    if (!not_empty_.wait_for(guard, timeout, [&] { return !items_.empty(); })) throw empty();
    const int item = items_.front();
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  const std::size_t maxsize_;
  weft::mutex mutex_{"mutex"};
  weft::condition_variable not_empty_{"not_empty"};
  weft::condition_variable not_full_{"not_full"};
  std::deque<int> items_;  // guarded by mutex_
};

int run(const weft::scenarios::options&) {
  bounded_queue q(kMaxSize);

  auto producer = [&] {
    for (int i = 0; i < kItems; ++i) q.put(i, kPutTimeout);
    weft::log("producer: all items put");
  };
  auto consumer = [&] {
    for (;;) {
      int item = 0;
      try {
        item = q.get(kGetTimeout);
      } catch (const empty&) {
        weft::mark("empty");  // nothing came for a whole timeout: the producer is done
        return;
      }
      weft::mark(std::to_string(item));
      weft::sleep_for(kWork);
    }
  };

  weft::thread p("producer", producer);
  weft::thread c("consumer", consumer);
  p.join();
  c.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "handmade-bounded-queue",
    .summary = "producer and consumer over a hand-written bounded queue: one mutex, two conditions, timeouts",
    .teaches = "How queue.Queue works inside: a mutex and two conditions over it (not_full for put, not_empty for "
               "get), each wait in a loop on its predicate and bounded by a timeout that turns into Full or Empty. "
               "The consumer ends on a get() that times out.",
    .lesson = "The Python lesson writing a bounded queue from threading.Lock and threading.Condition, with "
              "put(item, timeout) and get(timeout) raising Full / Empty. The C++ port keeps the one mutex and the "
              "two conditions (wait_for with a predicate) and puts 20 items through a queue of 5; the consumer's "
              "get timeout is 300 ms.",
    .marks = "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 empty ",
    .shows = {"cond.wait.begin", "cond.wait.end", "cond.notify_one", "mutex.acquired", "mutex.released"},
    .run = run,
}};

}  // namespace
