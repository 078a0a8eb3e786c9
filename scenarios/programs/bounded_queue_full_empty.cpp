// A queue with room for five items. The producer puts six with put_nowait:
// the first five go in, the sixth finds the queue full and raises
// weft::queue_full (Python's queue.Full) instead of waiting. Then the
// consumer takes items with get(timeout): five come out, and the sixth get
// waits its timeout on the empty queue and raises weft::queue_empty
// (queue.Empty). Both errors are caught and reported: they are how a
// non-blocking or timed queue operation says "not now".
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxSize = 5;
constexpr int kPuts = 6;
constexpr auto kGetTimeout = 100ms;  // the lesson's get(timeout=1), scaled down

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::queue<int> q(kMaxSize, "q");

  auto producer = [&] {
    for (int i = 1; i <= kPuts; ++i) {
      try {
        q.put_nowait(i);
        weft::mark("put-" + std::to_string(i));
        say("put " + std::to_string(i) + " (size " + std::to_string(q.size()) + ")");
      } catch (const weft::queue_full&) {
        weft::mark("full");
        say("the queue is full (maxsize " + std::to_string(q.maxsize()) + "): " + std::to_string(i) +
            " not put");
      }
    }
  };
  auto consumer = [&] {
    for (;;) {
      try {
        const int item = q.get(kGetTimeout);
        weft::mark("get-" + std::to_string(item));
        say("got " + std::to_string(item));
      } catch (const weft::queue_empty&) {
        weft::mark("empty");
        say("the queue stayed empty for " + std::to_string(kGetTimeout.count()) + " ms: done");
        return;
      }
    }
  };

  // First fill, then empty: the producer is done before the consumer starts.
  weft::thread p("producer", producer);
  p.join();
  weft::thread c("consumer", consumer);
  c.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "bounded-queue-full-empty",
    .summary = "put_nowait on a full queue of 5 raises queue_full; get with a timeout on an empty one, queue_empty",
    .teaches = "A bounded queue refuses a non-blocking put when it is full (queue_full) and a get that waited "
               "its timeout on an empty queue (queue_empty). The errors are not failures of the program: they "
               "are the answer \"no room\" or \"nothing came\", to be caught and handled.",
    .lesson = "The Python queue.Full / queue.Empty lesson: q = queue.Queue(maxsize=5); six put_nowait calls, the "
              "last raising queue.Full; then get(timeout=...) until queue.Empty. The port runs the puts in a "
              "producer thread and the gets in a consumer thread started after it (so the order is fixed), with "
              "a 100 ms timeout instead of seconds; the errors are weft::queue_full and weft::queue_empty.",
    .marks = "put-1 put-2 put-3 put-4 put-5 full get-1 get-2 get-3 get-4 get-5 empty ",
    .shows = {"queue.put", "queue.put.failed", "queue.get", "queue.get.failed"},
    .run = run,
}};

}  // namespace
