// A three-stage pipeline over four lists and two locks:
//   list1 -> plus_one (+1) -> list2 -> times_two (*2) -> list3 -> minus_three (-3) -> list4
// lock1 guards list2 (between the first two stages), lock2 guards list3
// (between the last two). Each stage polls the length of its input list
// without taking that list's lock, then takes the lock to pop an item: the
// polls race with the other stage's appends. And no stage ever stops: each
// polls forever, so main, joining them, never gets past the first join.
//
// The model of a list. A Python list is an object with an item array and a
// length (ob_size); len() reads the length and nothing else. Here each list is
// a weft::shared<py_list>: fixed storage for every item the pipeline will
// ever hold plus two indices, no pointers. So the unlocked length reads are
// plain, recorded reads of the very variable the other stage writes under its
// lock (weft and ThreadSanitizer see the race, as in the lesson), and a read
// torn by a concurrent append can only see stale numbers, never freed or
// reallocated memory: it cannot crash. Pops re-check the length under the lock
// (a Python pop of an empty list raises; here it returns nothing).
#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kItems = 10;  // the numbers 1..10 go through the pipeline
constexpr auto kPoll = std::chrono::milliseconds(1);

struct py_list {
  std::array<int, kItems> items{};
  std::size_t first = 0;  // pop(0) advances it
  std::size_t last = 0;   // append writes here
  std::size_t len() const { return last - first; }
  void append(int v) {
    if (last < items.size()) items[last++] = v;
  }
  std::optional<int> pop_front() {
    if (first == last) return std::nullopt;
    return items[first++];
  }
};

int run(const weft::scenarios::options&) {
  weft::shared<py_list> list1(py_list{}, "list1");
  weft::shared<py_list> list2(py_list{}, "list2");
  weft::shared<py_list> list3(py_list{}, "list3");
  weft::shared<py_list> list4(py_list{}, "list4");
  weft::mutex lock1("lock1");  // guards list2
  weft::mutex lock2("lock2");  // guards list3

  // Filled before the stages start, and from then on only plus_one touches it.
  list1.modify([](py_list& l) {
    for (int i = 1; i <= kItems; ++i) l.append(i);
  });

  auto plus_one = [&] {
    for (;;) {
      if (list1.get().len() > 0) {
        const std::optional<int> x = list1.modify([](py_list& l) { return l.pop_front(); });
        if (!x) continue;
        weft::lock_guard<weft::mutex> guard(lock1);
        list2.modify([&](py_list& l) { l.append(*x + 1); });
      } else {
        weft::sleep_for(kPoll);
      }
    }
  };
  auto times_two = [&] {
    for (;;) {
      if (list2.get().len() > 0) {  // the race: len(list2) without lock1
        std::optional<int> x;
        {
          weft::lock_guard<weft::mutex> guard(lock1);
          x = list2.modify([](py_list& l) { return l.pop_front(); });
        }
        if (!x) continue;
        weft::lock_guard<weft::mutex> guard(lock2);
        list3.modify([&](py_list& l) { l.append(*x * 2); });
      } else {
        weft::sleep_for(kPoll);
      }
    }
  };
  auto minus_three = [&] {
    for (;;) {
      if (list3.get().len() > 0) {  // the race: len(list3) without lock2
        std::optional<int> x;
        {
          weft::lock_guard<weft::mutex> guard(lock2);
          x = list3.modify([](py_list& l) { return l.pop_front(); });
        }
        if (!x) continue;
        list4.modify([&](py_list& l) { l.append(*x - 3); });  // only this stage touches list4
        weft::mark(std::to_string(*x - 3));
      } else {
        weft::sleep_for(kPoll);
      }
    }
  };

  weft::thread stage1("plus_one", plus_one);
  weft::thread stage2("times_two", times_two);
  weft::thread stage3("minus_three", minus_three);
  stage1.join();  // never returns: the stages poll forever
  stage2.join();
  stage3.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "pipeline",
    .summary = "a three-stage pipeline over four lists and two locks, polling lengths outside the locks, forever",
    .teaches = "Checking len(list) without the list's lock races with the thread appending to it under the lock; "
               "the lock must cover the check too. And stages that poll forever are not blocked, they keep "
               "running: what hangs is main, joining a thread whose loop never ends.",
    .lesson = "The Python pipeline lesson: list1 -> (+1) -> list2 -> (*2) -> list3 -> (-3) -> list4 with two locks, "
              "each stage polling its input's length outside the lock in a while True loop. The C++ port keeps "
              "the race and the endless loops; each list is a weft::shared fixed-size list (the items and the "
              "length in one value, no pointers) so the racy reads cannot crash; an empty poll sleeps 1 ms instead "
              "of spinning flat out, so three busy loops do not flood the trace; 10 items instead of the lesson's "
              "longer input. The runner stops it after 3 s.",
    .always = {{weft::scenarios::finding::data_race, "list2"},
               {weft::scenarios::finding::data_race, "list3"},
               {weft::scenarios::finding::hang, "plus_one"}},
    .marks = "1 3 5 7 9 11 13 15 17 19 ",
    .shows = {"shared.read", "shared.write", "mutex.acquired", "mutex.released", "sleep.begin", "thread.join.begin"},
    .hangs = true,
    .run = run,
}};

}  // namespace
