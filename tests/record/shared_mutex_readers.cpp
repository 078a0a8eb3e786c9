// A table read by several readers at once under std::shared_lock and
// updated by a writer under std::unique_lock, on one std::shared_mutex.
// The readers meet inside the read side at the same time (a latch-like
// count under the shared lock makes sure of it), which is no inversion and
// no deadlock. Verdict: clean.
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

std::shared_mutex table_lock;
std::map<std::string, int> table;
std::atomic<int> readers_inside{0};

constexpr int kReaders = 3;

int main() {
  {
    std::unique_lock<std::shared_mutex> guard(table_lock);
    table["apples"] = 1;
  }
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r)
    readers.emplace_back([] {
      std::shared_lock<std::shared_mutex> guard(table_lock);
      // Stay inside until every reader is inside too: all hold it shared at once.
      readers_inside.fetch_add(1);
      while (readers_inside.load() < kReaders) std::this_thread::yield();
      int apples = table.at("apples");
      (void)apples;
    });
  for (std::thread& t : readers) t.join();
  std::thread writer([] {
    std::unique_lock<std::shared_mutex> guard(table_lock);
    table["pears"] = 2;
  });
  writer.join();
  std::shared_lock<std::shared_mutex> guard(table_lock);
  std::printf("%zu entries\n", table.size());
  return table.size() == 2 ? 0 : 1;
}
