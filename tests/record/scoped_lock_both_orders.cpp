// Two accounts, transfers both ways: std::scoped_lock(a, b) in one thread,
// std::scoped_lock(b, a) in the other. std::lock takes the first and only
// tries the others, backing off when one is busy, so this cannot deadlock,
// and try acquisitions make no lock-order edge. Verdict: clean.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

std::mutex account_a;
std::mutex account_b;
long balance_a = 1000;
long balance_b = 1000;
std::atomic<int> started{0};

// Both threads start transferring together, so the two orders really meet.
void start_together() {
  started.fetch_add(1);
  while (started.load() < 2) std::this_thread::yield();
}

int main() {
  std::thread a_to_b([] {
    start_together();
    for (int i = 0; i < 2000; ++i) {
      std::scoped_lock guard(account_a, account_b);
      --balance_a;
      ++balance_b;
    }
  });
  std::thread b_to_a([] {
    start_together();
    for (int i = 0; i < 2000; ++i) {
      std::scoped_lock guard(account_b, account_a);
      --balance_b;
      ++balance_a;
    }
  });
  a_to_b.join();
  b_to_a.join();
  std::printf("a = %ld, b = %ld\n", balance_a, balance_b);
  return balance_a + balance_b == 2000 ? 0 : 1;
}
