// A producer and a consumer talk through a queue until main tells them to
// stop by setting an event. The producer puts random messages while the
// event is not set; the consumer takes them while the event is not set,
// waiting at most 100 ms for each, so that it comes back to look at the
// event even when the queue is empty instead of waiting in get() forever.
// Messages still in the queue when the event is set are left there.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr auto kRunFor = 150ms;   // the lesson's time.sleep(0.1) before event.set()
constexpr auto kGetTimeout = 100ms;
constexpr int kMaxMessages = 64;  // more than the producer can send in kRunFor

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::queue<int> pipeline(0, "pipeline");
  weft::event stop_event("stop_event");

  // The producer's messages and the pauses between them, drawn before any
  // thread starts.
  std::mt19937_64 rng(opt.seed);
  std::vector<int> messages, pauses_ms;
  for (int i = 0; i < kMaxMessages; ++i) {
    messages.push_back(static_cast<int>(rng() % 100) + 1);  // random.randint(1, 101)
    pauses_ms.push_back(static_cast<int>(rng() % 10) + 5);
  }

  int sent = 0;      // only the producer touches it until main reads it after the join
  int received = 0;  // only the consumer, likewise
  auto producer = [&] {
    for (std::size_t i = 0; i < messages.size() && !stop_event.is_set(); ++i) {
      pipeline.put(messages[i]);
      ++sent;
      weft::sleep_for(std::chrono::milliseconds(pauses_ms[i]));
    }
    say("producer received the stop event, exiting");
  };
  auto consumer = [&] {
    while (!stop_event.is_set()) {
      try {
        const int message = pipeline.get(kGetTimeout);
        ++received;
        say("consumer got message " + std::to_string(message) + " (queue size " + std::to_string(pipeline.size()) +
            ")");
      } catch (const weft::queue_empty&) {
        say("consumer: nothing for " + std::to_string(kGetTimeout.count()) + " ms");
      }
    }
    say("consumer received the stop event, exiting");
  };

  weft::thread p("producer", producer);
  weft::thread c("consumer", consumer);
  weft::sleep_for(kRunFor);
  say("main: about to set the stop event");
  stop_event.set();
  p.join();
  c.join();
  say("sent " + std::to_string(sent) + " messages, received " + std::to_string(received) + ", " +
      std::to_string(pipeline.size()) + " left in the queue");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "queue-stopped-by-event",
    .summary = "a producer and a consumer share a queue until main sets a stop event",
    .teaches = "A queue carries the messages and does all the locking; an event is the stop signal, checked by "
               "both threads in their loops. The consumer's get() has a timeout so that it returns to check the "
               "event even when no message comes: a plain get() could wait forever once the producer stops.",
    .lesson = "The Python producer-consumer lesson with queue.Queue and threading.Event: the producer puts "
              "random.randint(1, 101) messages while not event.is_set(), the consumer gets them while not "
              "event.is_set(), main sleeps a moment and calls event.set(). The port's producer pauses 5-14 ms "
              "between messages (from --seed; the lesson's loop runs flat out) and stops after 64 at most, the "
              "queue is unbounded, the consumer uses get(timeout=0.1) and catches weft::queue_empty, and main "
              "lets them run 150 ms. Messages left in the queue at the stop are not consumed: the consumer's loop "
              "looks at the event only.",
    .shows = {"queue.put", "queue.get", "event.is_set", "event.set"},
    .run = run,
}};

}  // namespace
