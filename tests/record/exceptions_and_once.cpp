// Workers that throw and catch exceptions while holding a lock, and share
// a one-time initialization through std::call_once: a clean program.
//
// The first throw in the process makes libgcc_s set up its unwinder, and
// it does so with pthread_once; weft record must not take that for an
// object of the program's (it was an event at the throw, set and waited
// for). The program's own once flag is its one event object.
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

std::once_flag init_flag;
std::mutex results_lock;
int table_size = 0;
int caught = 0;

void parse(int value) {
  if (value % 3 == 0) throw std::invalid_argument("multiple of three: " + std::to_string(value));
}

int main() {
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([w] {
      std::call_once(init_flag, [] { table_size = 64; });  // @call_once
      for (int i = 0; i < 6; ++i) {
        try {
          std::lock_guard<std::mutex> hold(results_lock);
          parse(w * 6 + i);  // throws with the lock held: the guard lets it go
        } catch (const std::invalid_argument&) {
          std::lock_guard<std::mutex> hold(results_lock);
          ++caught;
        }
      }
    });
  }
  for (std::thread& t : workers) t.join();
  std::printf("table %d, caught %d\n", table_size, caught);
  return table_size == 64 && caught == 6 ? 0 : 1;
}
