// The C++20 waits that libstdc++ builds on the futex, not on pthreads, all
// used correctly: a bounded buffer over two std::counting_semaphore, a
// std::latch, a std::barrier, std::atomic::wait / notify_one and a
// std::promise / std::future. weft record sees their waits and wakes
// (atomic.wait.begin / end, atomic.wake).
// Verdict: clean.
#include <atomic>
#include <barrier>
#include <cstdio>
#include <future>
#include <latch>
#include <semaphore>
#include <thread>
#include <vector>

constexpr int kItems = 2000;
constexpr int kSlots = 4;

std::counting_semaphore<kSlots> free_slots(kSlots);
std::counting_semaphore<kSlots> filled(0);
int ring[kSlots];
std::latch started(2);
std::barrier phase(2);
std::atomic<int> turn{0};

int main() {
  long sum = 0;
  std::promise<long> total;
  std::future<long> result = total.get_future();
  std::thread producer([&] {
    started.count_down();
    for (int i = 0; i < kItems; ++i) {
      free_slots.acquire();
      ring[i % kSlots] = i;
      filled.release();  // @release-filled
    }
    phase.arrive_and_wait();
    turn.store(1);
    turn.notify_one();
  });
  std::thread consumer([&] {
    started.count_down();
    for (int i = 0; i < kItems; ++i) {
      filled.acquire();
      sum += ring[i % kSlots];
      free_slots.release();  // @release-free
    }
    phase.arrive_and_wait();
    turn.wait(0);
    total.set_value(sum);
  });
  started.wait();
  const long got = result.get();  // @get
  producer.join();
  consumer.join();
  std::printf("sum %ld\n", got);
  return got == long(kItems) * (kItems - 1) / 2 ? 0 : 1;
}
