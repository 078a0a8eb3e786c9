// Two threads, no lock: one adds 1 to `share` 100,000 times, the other takes
// 1 away as often. The result should be 0; since `share += 1` is a read then
// a write, the threads overwrite each other's updates and often it is not.
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kTimes = 100'000;  // the lesson's 1,000,000, scaled down

int run(const weft::scenarios::options&) {
  weft::shared<long> share(0, "share");
  weft::thread adder("adder", [&share] {
    for (int i = 0; i < kTimes; ++i) share += 1;
  });
  weft::thread subtractor("subtractor", [&share] {
    for (int i = 0; i < kTimes; ++i) share -= 1;
  });
  adder.join();
  subtractor.join();
  const std::string report = "share = " + std::to_string(share.get()) + " (expected 0)";
  weft::log(report);
  std::printf("%s\n", report.c_str());
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "share-race",
    .summary = "one thread does share += 1, another share -= 1, 100,000 times each, without a lock",
    .teaches = "Two threads updating one variable without a lock race: each `share += 1` reads, adds and writes, "
               "and a write based on a stale read wipes out the other thread's updates, so the result drifts away "
               "from 0. The race is in every run, whatever the printed value.",
    .lesson = "Python's lesson: add() does `share += 1` and sub() `share -= 1` a million times each in two "
              "threads, then the result is printed (often not 0). The port runs 100,000 times each (every read and "
              "write of the weft::shared<long> share is recorded) in threads named adder and subtractor. "
              "share-lock-per-iteration and share-lock-whole-loop are the fixed twins.",
    .always = {{weft::scenarios::finding::data_race, "share"}},
    .shows = {"shared.read", "shared.write"},
    .run = run,
}};

}  // namespace
