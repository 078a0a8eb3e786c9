// Ten threads each add one to a shared counter and take it away again, many
// times, with no lock. Every `counter += 1` is a read and then a write: two
// threads can read the same value, and one of their updates is lost. The
// final value should be 0 and often is not.
#include <cstdio>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kThreads = 10;
constexpr int kIterations = 10'000;

int run(const weft::scenarios::options&) {
  weft::shared<long> counter(0, "counter");
  auto worker = [&counter] {
    for (int i = 0; i < kIterations; ++i) {
      counter += 1;  // read, add, write: not atomic
      counter -= 1;
    }
  };
  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 0; i < kThreads; ++i) workers.push_back(weft::thread("worker-" + std::to_string(i), worker));
  for (weft::thread& w : workers) w.join();
  const long final_value = counter.get();  // after the joins: no race here
  const std::string report = "final counter: " + std::to_string(final_value) + " (expected 0)";
  weft::log(report);
  std::printf("%s\n", report.c_str());
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "counter-race",
    .summary = "ten threads increment and decrement a shared counter without a lock; the final value is often not 0",
    .teaches = "`counter += 1` is a read followed by a write. Without a lock, two threads can read the same value "
               "and one update overwrites the other: a data race, whose lost updates leave the counter away from "
               "0. The race is there in every run, whatever the final value happens to be.",
    .lesson = "Python's counter lesson: ten threads each doing `counter += 1; counter -= 1` in a loop on a global, "
              "then printing the counter. The port's counter is a weft::shared<long> named counter, and each "
              "thread loops 10,000 times (scaled down from the lesson's 100,000: every read and write is "
              "recorded). counter-locked is the fixed twin.",
    .always = {{weft::scenarios::finding::data_race, "counter"}},
    .shows = {"shared.read", "shared.write"},
    .run = run,
}};

}  // namespace
