// One producer process puts twenty items on a bounded process queue, then
// one sentinel per consumer; two consumer processes get until their sentinel.
#include <cstdio>
#include <string>
#include <vector>

#include <weft/process.hpp>
#include <weft/process_queue.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kItems = 20;
constexpr int kConsumers = 2;
constexpr int kSentinel = -1;  // Python's None

int run(const weft::scenarios::options&) {
  weft::process_queue<int> q(5, "items");
  weft::process producer(
      [&] {
        for (int i = 0; i < kItems; ++i) q.put(i);
        for (int c = 0; c < kConsumers; ++c) q.put(kSentinel);  // one each, or one consumer waits forever
      },
      "producer");
  std::vector<weft::process> consumers;
  for (int c = 1; c <= kConsumers; ++c)
    consumers.push_back(weft::process(
        [&] {
          int got = 0;
          for (int item = q.get(); item != kSentinel; item = q.get()) ++got;
          weft::mark("consumer-done");
          std::printf("%s got %d items\n", weft::this_process::name().c_str(), got);
        },
        "consumer-" + std::to_string(c)));
  producer.start();
  for (weft::process& c : consumers) c.start();
  producer.join();
  for (weft::process& c : consumers) c.join();
  weft::mark("all-done");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "process-queue-producer-consumer",
    .summary = "one producer process puts 20 items and a sentinel per consumer on a process queue; two consumer "
               "processes get until their sentinel",
    .teaches = "A multiprocessing queue is a queue between processes: put() in one, get() in another, each item "
               "got exactly once, by whichever consumer asks first. Consumers that loop on get() forever stop when "
               "each gets a sentinel (None): one sentinel per consumer, or one of them waits forever.",
    .lesson = "The multiprocessing.Queue producer/consumer lesson, with a producer process, two consumer processes "
              "and None as the sentinel. The port's weft::process_queue<int> holds 5 items (bounded, so the "
              "producer also waits for room), and -1 stands for None.",
    .marks = "(consumer-done ){2}all-done ",
    .shows = {"queue.put", "queue.get", "process.spawn"},
    .run = run,
}};

}  // namespace
