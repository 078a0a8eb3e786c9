// An unmodified program built at -O0 (as students build theirs): std::mutex,
// std::lock_guard, std::unique_lock, std::scoped_lock, std::thread and
// condition_variable::wait<Pred> stay out-of-line functions of this program,
// and weft record must still name the lines below, marked "@name", which
// check_o0_sites.cmake looks for in the dump.
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex lock_a, lock_b;
std::condition_variable ready_cv;
bool ready = false;
int counter = 0;

void one() {
  std::lock_guard<std::mutex> g(lock_a);  // @one_a
  std::lock_guard<std::mutex> h(lock_b);  // @one_b
  ++counter;
}

void two() {
  std::unique_lock<std::mutex> g(lock_b);  // @two_b
  std::unique_lock<std::mutex> h(lock_a);  // @two_a
  ++counter;
}

void both() {
  std::scoped_lock both_locks(lock_a, lock_b);  // @both
  ++counter;
}

// The waiter holds lock_a from `waiting = true` until its wait releases it:
// once main sees `waiting`, the waiter is inside its wait, so it blocks.
bool waiting = false;
void waiter() {
  std::unique_lock<std::mutex> g(lock_a);
  waiting = true;
  ready_cv.notify_all();
  ready_cv.wait(g, [] { return ready; });  // @wait
}

int main() {
  std::thread t1(one);  // @create
  t1.join();
  std::thread t2(two);
  t2.join();
  std::thread t3(both);
  t3.join();
  std::thread w(waiter);
  {
    std::unique_lock<std::mutex> g(lock_a);
    ready_cv.wait(g, [] { return waiting; });
    ready = true;
  }
  ready_cv.notify_all();
  w.join();
  return counter == 3 ? 0 : 1;
}
