// A pool of four threads squares the numbers 1..20; the results come back
// through futures, in order. Then: weft check squares.weft (clean).
#include <cstdio>
#include <vector>

#include <weft/weft.hpp>

int main() {
  weft::thread_pool pool(4, "squares");
  std::vector<weft::future<int>> results;
  for (int i = 1; i <= 20; ++i) results.push_back(pool.submit([i] { return i * i; }));
  long sum = 0;
  for (auto& r : results) sum += r.result();
  std::printf("sum of squares %ld\n", sum);
  return sum == 2870 ? 0 : 1;
}
