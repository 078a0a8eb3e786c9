// A start signal counted wrong: the latch waits for three workers, but only
// two are started. main waits on it forever (std::latch waits with a futex,
// not with pthreads); weft's watchdog sees the wait and stops the program
// (exit status 86).
// Verdict: hang, main waiting on the latch's word.
#include <cstdio>
#include <latch>
#include <thread>

std::latch workers_ready(3);

int main() {
  std::thread a([] { workers_ready.count_down(); });
  std::thread b([] { workers_ready.count_down(); });
  a.join();
  b.join();
  workers_ready.wait();  // two of three arrived: never opens
  std::puts("all ready");
  return 0;
}
