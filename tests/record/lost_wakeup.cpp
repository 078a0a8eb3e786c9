// A "ready" signal sent before anyone listens: main notifies the condition,
// then starts the worker, which waits without a predicate for a
// notification that already came and went. It waits forever; weft's
// watchdog stops the program (exit status 86).
// Verdict: hang on ready_cv, and the lost wake-up on it.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

std::mutex ready_lock;
std::condition_variable ready_cv;

int main() {
  {
    std::lock_guard<std::mutex> guard(ready_lock);
    std::puts("ready");
  }
  ready_cv.notify_one();  // nobody waits yet: this notification is lost
  std::thread worker([] {
    std::unique_lock<std::mutex> guard(ready_lock);
    ready_cv.wait(guard);  // no predicate: waits for a notification that already came
    std::puts("worker woke");
  });
  worker.join();
  return 0;
}
