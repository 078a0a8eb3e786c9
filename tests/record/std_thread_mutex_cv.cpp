// Producer/consumer with the standard library: a queue, a std::mutex and a
// std::condition_variable, waits with a predicate, a "done" flag at the end.
// Verdict: clean.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <queue>
#include <thread>

std::mutex queue_lock;
std::condition_variable queue_changed;
std::queue<int> items;
bool done = false;

int main() {
  long sum = 0;
  std::thread consumer([&sum] {
    for (;;) {
      std::unique_lock<std::mutex> guard(queue_lock);
      queue_changed.wait(guard, [] { return !items.empty() || done; });
      if (items.empty()) return;  // done, and nothing left
      sum += items.front();
      items.pop();
    }
  });
  std::thread producer([] {
    for (int i = 1; i <= 100; ++i) {
      {
        std::lock_guard<std::mutex> guard(queue_lock);
        items.push(i);
      }
      queue_changed.notify_one();
    }
    {
      std::lock_guard<std::mutex> guard(queue_lock);
      done = true;
    }
    queue_changed.notify_all();
  });
  producer.join();
  consumer.join();
  std::printf("sum = %ld\n", sum);
  return sum == 5050 ? 0 : 1;
}
