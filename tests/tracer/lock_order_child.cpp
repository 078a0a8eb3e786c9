// A traced program that takes two locks of one kind in two orders, for the
// ThreadSanitizer lock-order tests (test_tsan_lock_order.cpp):
//
//   lock_order_child KIND ORDER
//     KIND   mutex | recursive_mutex | shared_mutex (its exclusive side)
//     ORDER  inverted: thread "first" takes a then b, and after it has ended
//                      thread "second" takes b then a;
//            same:     both take a then b.
//
// The two threads never run at the same time, so the inverted order cannot
// deadlock; it is a potential deadlock only, which is what TSan's lock graph
// (and weft's lock-order check) is for. A recursive mutex is taken twice
// where it is taken first, so that its re-entry is exercised too.
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

namespace {

template <class Lock>
void take(Lock& outer, Lock& inner, bool reenter) {
  outer.lock();
  if (reenter) outer.lock();
  inner.lock();
  inner.unlock();
  if (reenter) outer.unlock();
  outer.unlock();
}

template <class Lock>
int run(bool inverted, bool reenter) {
  Lock a("lock_a"), b("lock_b");
  weft::thread first("first", [&] { take(a, b, reenter); });
  first.join();
  weft::thread second("second", [&] {
    if (inverted)
      take(b, a, reenter);
    else
      take(a, b, reenter);
  });
  second.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: lock_order_child mutex|recursive_mutex|shared_mutex inverted|same\n");
    return 2;
  }
  const std::string kind = argv[1], order = argv[2];
  if (order != "inverted" && order != "same") return 2;
  const bool inverted = order == "inverted";
  if (kind == "mutex") return run<weft::mutex>(inverted, false);
  if (kind == "recursive_mutex") return run<weft::recursive_mutex>(inverted, true);
  if (kind == "shared_mutex") return run<weft::shared_mutex>(inverted, false);
  std::fprintf(stderr, "lock_order_child: unknown kind %s\n", kind.c_str());
  return 2;
}
