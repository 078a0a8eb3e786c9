// Two processes each do `value += 1` 100,000 times on a value in shared
// memory, without its lock: updates are lost, and the final value is short.
#include <cstdio>
#include <string>
#include <vector>

#include <weft/process.hpp>
#include <weft/shared_memory.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kProcesses = 2;
constexpr int kIncrements = 100'000;

int run(const weft::scenarios::options&) {
  weft::shared_value<long> value(0, "value");
  std::vector<weft::process> workers;
  for (int i = 1; i <= kProcesses; ++i)
    workers.push_back(weft::process(
        [&] {
          for (int k = 0; k < kIncrements; ++k) value += 1;  // a read, then a write: not atomic
        },
        "adder-" + std::to_string(i)));
  for (weft::process& w : workers) w.start();
  for (weft::process& w : workers) w.join();
  const long final_value = value.get();  // after the joins: no race here
  const std::string report =
      "final value: " + std::to_string(final_value) + " (expected " + std::to_string(kProcesses * kIncrements) + ")";
  weft::log(report);
  std::printf("%s\n", report.c_str());
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "shared-value-race",
    .summary = "two processes each do value += 1 100,000 times on a shared value without its lock; the final "
               "value is short",
    .teaches = "Memory shared between processes races like memory shared between threads: `value += 1` is a read "
               "and then a write, and two processes can read the same value, so one update is lost. The race is "
               "there in every run, whatever the final value happens to be; take the value's lock around the "
               "update (shared-value-locked).",
    .lesson = "The multiprocessing.Value lesson: `v = Value('i', 0)`, two processes running `for _ in "
              "range(100000): v.value += 1`, and the parent printing v.value, less than 200000. The port's "
              "weft::shared_value<long> lives in shared memory, and every read and write is recorded, so weft "
              "sees the race between the two processes.",
    .always = {{weft::scenarios::finding::data_race, "value"}},
    .shows = {"shared.read", "shared.write", "process.spawn"},
    .run = run,
}};

}  // namespace
