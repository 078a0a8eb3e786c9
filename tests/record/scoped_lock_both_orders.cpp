// Two accounts, transfers both ways: std::scoped_lock(a, b) in one thread,
// std::scoped_lock(b, a) in the other. std::lock takes the first and only
// tries the others, backing off when one is busy, so this cannot deadlock,
// and try acquisitions make no lock-order edge. Verdict: clean.
#include <cstdio>
#include <mutex>
#include <thread>

std::mutex account_a;
std::mutex account_b;
long balance_a = 1000;
long balance_b = 1000;

int main() {
  std::thread a_to_b([] {
    for (int i = 0; i < 200; ++i) {
      std::scoped_lock guard(account_a, account_b);
      --balance_a;
      ++balance_b;
    }
  });
  std::thread b_to_a([] {
    for (int i = 0; i < 200; ++i) {
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
