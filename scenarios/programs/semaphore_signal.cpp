// A semaphore that starts at 0 used as a signal from a producer to a
// consumer. The consumer acquires it at once and has to wait: there is
// nothing to take. The producer works for a while, stores the item, then
// releases the semaphore, which lets the consumer through; the release
// happens before the acquire it ends, so the consumer reads the item the
// producer stored with no race, though neither holds a lock.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::semaphore semaphore(0, "semaphore");
  weft::shared<int> item(0, "item");  // written before the release, read after the acquire

  std::mt19937_64 rng(opt.seed);
  const int value = static_cast<int>(rng() % 1000) + 1;  // random.randint(1, 1000)
  const auto work = std::chrono::milliseconds(static_cast<int>(rng() % 50) + 100);

  auto consumer = [&] {
    say("waiting for the producer");
    semaphore.acquire();
    const int got = item.get();
    weft::mark("consumed");
    say("consumed item " + std::to_string(got));
  };
  auto producer = [&] {
    weft::sleep_for(work);  // time.sleep(): the consumer is waiting meanwhile
    item = value;
    weft::mark("produced");
    say("produced item " + std::to_string(value));
    semaphore.release();
  };

  weft::thread c("consumer", consumer);
  weft::thread p("producer", producer);
  c.join();
  p.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "semaphore-signal",
    .summary = "a semaphore(0) as a signal: the consumer waits until the producer releases it",
    .teaches = "A semaphore that starts at 0 makes acquire() wait until someone releases it: a one-way signal "
               "that, unlike a condition's notify, is not lost if it comes before the wait (the count remembers "
               "it). The release happens before the acquire it satisfies, so what the producer wrote before "
               "releasing is safely visible to the consumer after acquiring.",
    .lesson = "The Python Semaphore(0) signalling lesson: the consumer calls semaphore.acquire() and waits; the "
              "producer sleeps, sets the global item = random.randint(...), and calls semaphore.release(). The "
              "port's producer sleeps 100-149 ms (from --seed) instead of seconds, and the global item is a "
              "weft::shared<int>, so the checker can see that the semaphore orders the write before the read.",
    .marks = "produced consumed ",
    .shows = {"sem.acquire.begin", "sem.acquired", "sem.released", "shared.write", "shared.read"},
    .run = run,
}};

}  // namespace
