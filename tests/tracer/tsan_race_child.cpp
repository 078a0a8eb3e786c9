// A program for test_tsan_races.cpp, built only with ThreadSanitizer: a
// plain global int incremented on one side and decremented on the other,
// 100,000 times each, between the threads that `mode` names. With `locked`
// every access holds one weft::mutex, and TSan must stay silent.
//
//   tsan_race_child MODE [locked]
//   threads       two weft threads at once
//   threads-apart two weft threads, the second started when the first has
//                 (almost surely) ended; nothing orders them
//   main          a weft thread and main, at once
//   main-late     a weft thread, then main when it has (almost surely)
//                 ended, before joining it; main asks weft which threads
//                 are alive first, which is no join
//   pool          two tasks of a weft::thread_pool, at once (on two workers)
//   pool-submitters  two weft threads, apart, each submitting a task to one
//                 pool: the pool's own lock does not order them
//   shared        two weft threads on a weft::shared<int> (++ and -=), whose
//                 accesses are plain loads and stores TSan sees as well
//   freed         weft thread "writer" writes a heap int main made; weft
//                 thread "freer", later and unordered with it, deletes
//                 it: TSan finds the race inside free() itself
//   long-names    as `threads`, but the accesses are in a function
//                 template over long standard types, whose name TSan's
//                 symbolizer gives as hundreds of characters
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

int racy_counter = 0;  // the name TSan's report gives as the location
// Created on first use, so not during static initialization.
weft::shared<int>& shared_counter() {
  static weft::shared<int> counter("shared_counter");
  return counter;
}

namespace {

constexpr int kTimes = 100'000;
bool g_locked = false;
weft::mutex g_lock("counter_lock");

void add(int delta) {
  for (int i = 0; i < kTimes; ++i) {
    if (g_locked) {
      weft::lock_guard<weft::mutex> guard(g_lock);
      racy_counter += delta;
    } else {
      racy_counter += delta;
    }
  }
}

// As the plain code reads: x++ and x -= 1, each a load then a store.
void add_shared(int delta) {
  weft::shared<int>& x = shared_counter();
  const auto step = [&] {
    if (delta > 0)
      x++;
    else
      x -= 1;
  };
  for (int i = 0; i < kTimes / 10; ++i) {
    if (g_locked) {
      weft::lock_guard<weft::mutex> guard(g_lock);
      step();
    } else {
      step();
    }
  }
}

// As add(), in a function whose name runs long, as real C++'s do (a
// template over standard containers: about 600 characters); TSan's report
// names it in every frame of the access.
using LongKey = std::map<std::string, std::vector<std::pair<std::string, std::map<int, std::wstring>>>>;
template <class A, class B, class C>
void add_from_long_names(int delta, const A&, const B&, const C&) {
  for (int i = 0; i < kTimes; ++i) racy_counter += delta;
}
void add_long(int delta) { add_from_long_names(delta, LongKey{}, std::vector<LongKey>{}, std::map<int, LongKey>{}); }

// Long enough for a short thread to have ended under TSan; the outcome
// must not depend on it (nothing here synchronizes with that thread).
void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }

int run(std::string_view mode) {
  if (mode == "threads") {
    weft::thread a("up", add, 1);
    weft::thread b("down", add, -1);
    a.join();
    b.join();
  } else if (mode == "threads-apart") {
    weft::thread a("up", add, 1);
    pause();
    weft::thread b("down", add, -1);
    a.join();
    b.join();
  } else if (mode == "main") {
    weft::thread a("up", add, 1);
    add(-1);
    a.join();
  } else if (mode == "main-late") {
    weft::thread a("up", add, 1);
    pause();
    std::printf("%zu threads alive\n", weft::active_count());
    add(-1);
    a.join();
  } else if (mode == "pool") {
    weft::thread_pool pool(2, "pool");
    // Both tasks at once, so on two workers: a worker that has finished
    // one task would otherwise take the next, and run both in order.
    weft::barrier both(2, "both");
    auto up = pool.submit([&] {
      both.wait();
      add(1);
    });
    auto down = pool.submit([&] {
      both.wait();
      add(-1);
    });
    up.result();
    down.result();
  } else if (mode == "pool-submitters") {
    weft::thread_pool pool(1, "pool");
    weft::thread a("up", [&] {
      add(1);
      pool.submit([] {});
    });
    pause();
    weft::thread b("down", [&] {
      // Its future kept until after the accesses: dropping the last
      // handle of a future whose task has run acquires the task's end
      // (the shared state's reference count), and the task's worker had
      // run a's task.
      auto done = pool.submit([] {});
      add(-1);
    });
    a.join();
    b.join();
  } else if (mode == "shared") {
    shared_counter();
    weft::thread a("up", add_shared, 1);
    weft::thread b("down", add_shared, -1);
    a.join();
    b.join();
    racy_counter = shared_counter();
  } else if (mode == "long-names") {
    weft::thread a("up", add_long, 1);
    weft::thread b("down", add_long, -1);
    a.join();
    b.join();
  } else if (mode == "freed") {
    int* value = new int(0);
    weft::thread writer("writer", [value] {
      for (int i = 0; i < kTimes; ++i) *value += 1;
    });
    pause();
    weft::thread freer("freer", [value] { delete value; });
    writer.join();
    freer.join();
  } else {
    std::fprintf(stderr, "unknown mode %.*s\n", static_cast<int>(mode.size()), mode.data());
    return 2;
  }
  std::printf("counter %d\n", racy_counter);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tsan_race_child MODE [locked]\n");
    return 2;
  }
  g_locked = argc > 2 && std::strcmp(argv[2], "locked") == 0;
  return run(argv[1]);
}
