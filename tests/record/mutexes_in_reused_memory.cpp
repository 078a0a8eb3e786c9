// std::mutexes that live one after another at the same addresses: two
// locals of one function, called twice and locked in opposite orders each
// time, and two heap nodes locked in one order, freed, and allocated again
// (the allocator hands the addresses back swapped) and locked in the same
// order. A std::mutex's end calls nothing; no two of these mutexes ever
// lived at the same time, so no order between them was ever inverted. A
// worker thread does the same, so that both run at once too.
#include <memory>
#include <mutex>
#include <thread>

namespace {

__attribute__((noinline)) void lock_two_locals(bool second_first) {
  std::mutex first, second;
  std::mutex& outer = second_first ? second : first;
  std::mutex& inner = second_first ? first : second;
  const std::lock_guard<std::mutex> hold_outer(outer);
  const std::lock_guard<std::mutex> hold_inner(inner);
}

struct node {
  std::mutex lock;
  int value = 0;
};

__attribute__((noinline)) void lock_pair(node& a, node& b) {
  const std::lock_guard<std::mutex> hold_a(a.lock);
  const std::lock_guard<std::mutex> hold_b(b.lock);
  a.value += b.value;
}

void reuse_nodes() {
  auto a = std::make_unique<node>();
  auto b = std::make_unique<node>();
  lock_pair(*a, *b);
  a.reset();
  b.reset();
  auto c = std::make_unique<node>();  // b's memory, usually
  auto d = std::make_unique<node>();  // a's
  lock_pair(*c, *d);
}

void both() {
  lock_two_locals(false);
  lock_two_locals(true);
  reuse_nodes();
}

}  // namespace

int main() {
  both();
  std::thread worker(both);
  both();
  worker.join();
}
