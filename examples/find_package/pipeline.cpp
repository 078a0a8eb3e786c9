// A producer hands 100 numbers to two consumers through a bounded queue;
// the consumers add them up under one mutex. Run it, then:
//   weft check pipeline.weft    (clean: every access to `total` is locked)
//   weft view pipeline.weft     (the queue's hand-offs as arrows)
#include <cstdio>

#include <weft/weft.hpp>

int main() {
  weft::queue<int> numbers(8, "numbers");
  weft::mutex total_lock("total_lock");
  long total = 0;
  constexpr int kCount = 100, kConsumers = 2;

  auto consume = [&] {
    for (;;) {
      const int n = numbers.get();
      if (n < 0) return;  // the producer's "no more"
      weft::lock_guard<weft::mutex> hold(total_lock);
      total += n;
    }
  };
  weft::thread first("consumer-1", consume);
  weft::thread second("consumer-2", consume);
  weft::thread producer("producer", [&] {
    for (int i = 1; i <= kCount; ++i) numbers.put(i);
    for (int i = 0; i < kConsumers; ++i) numbers.put(-1);
  });
  producer.join();
  first.join();
  second.join();
  std::printf("total %ld\n", total);
  return total == long(kCount) * (kCount + 1) / 2 ? 0 : 1;
}
