// A producer makes a resource available and notifies four consumers through
// one condition. Each consumer takes the condition's lock, waits once, with
// no predicate (cond.wait(lock), as the lesson's `cond.wait()`), and then
// consumes. It works because the producer first sleeps, giving the consumers
// time to start waiting: the wake-up only reaches threads already waiting.
// A consumer that came late (a slow start, a loaded machine) would miss the
// notification, wait forever, and main, joining it, would hang with it.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kConsumers = 4;
constexpr auto kHeadStart = 200ms;  // the lesson's time.sleep(2), scaled down

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::mutex condition_lock("condition_lock");  // the lock inside Python's Condition()
  weft::condition_variable condition("condition");

  auto consumer = [&] {
    say("consumer thread started ...");
    weft::unique_lock<weft::mutex> guard(condition_lock);  // with cond:
    say("consumer waiting ...");
    weft::mark("waiting");
    condition.wait(guard);  // cond.wait(): no predicate, so a notification sent earlier is lost
    weft::mark("consumed");
    say("consumer consumed the resource");
  };
  auto producer = [&] {
    say("producer thread started ...");
    weft::sleep_for(kHeadStart);  // give the consumers time to start waiting
    weft::unique_lock<weft::mutex> guard(condition_lock);
    say("making resource available");
    say("notifying all consumers");
    weft::mark("notify");
    condition.notify_all();
  };

  std::vector<weft::thread> consumers;
  consumers.reserve(kConsumers);
  for (int i = 1; i <= kConsumers; ++i)
    consumers.emplace_back(weft::thread_options("consumer-" + std::to_string(i)), consumer);
  weft::thread p("producer", producer);
  for (weft::thread& c : consumers) c.join();
  p.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "condition-four-consumers",
    .summary = "a producer wakes four consumers with notify_all; each waits once, without a predicate",
    .teaches = "A condition's notification reaches only the threads already waiting: it is not remembered. "
               "Waiting without a predicate works here only because the producer sleeps first; a consumer that "
               "started waiting after the notify_all would wait forever (a lost wake-up, and a hang). Waiting for "
               "a state (wait with a predicate) rather than for a signal removes the timing bet.",
    .lesson = "The Python Condition lesson: consumers do `with cond: cond.wait()` and a producer does "
              "`with cond: cond.notifyAll()` after the consumers were given a head start. The port has four "
              "consumers and one producer that sleeps 200 ms (the lesson's seconds, scaled down) before it "
              "notifies; Condition()'s internal lock is the weft::mutex condition_lock. A late consumer, or a "
              "spurious wake-up, breaks the expected marks, hence the ordering finding among the timing-dependent "
              "ones; a hung run is stopped by weft's watchdog.",
    .sometimes = {{weft::scenarios::finding::lost_wakeup, "condition"},
                  {weft::scenarios::finding::hang, "condition"},
                  {weft::scenarios::finding::ordering, ""}},
    .marks = "(waiting ){4}notify (consumed ){4}",
    .shows = {"cond.wait.begin", "cond.wait.end", "cond.notify_all", "sleep.begin", "mark"},
    .timing_bet = true,
    .run = run,
}};

}  // namespace
