// A worker does a bit of work every 100 ms until it is told to stop. Its
// pause between rounds is a wait on the stop event with a timeout: a timeout
// means "not stopped yet, work again", and main's set() ends the wait, and
// the loop, at once instead of after a full sleep.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr auto kInterval = 100ms;
constexpr auto kRunFor = 550ms;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

void worker(weft::event& stop) {
  int round = 0;
  // while not stop.wait(interval): ...
  while (!stop.wait_for(kInterval)) {
    ++round;
    weft::mark("tick");
    say("worker: periodic work, round " + std::to_string(round));
  }
  weft::mark("stopped");
  say("worker: stop event set, stopping after " + std::to_string(round) + " rounds");
}

int run(const weft::scenarios::options&) {
  weft::event stop("stop");
  weft::thread t("worker", worker, std::ref(stop));
  weft::sleep_for(kRunFor);
  weft::mark("stop");
  say("main: setting the stop event");
  stop.set();
  t.join();
  say("main: worker joined");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "event-periodic-worker",
    .summary = "a worker works every 100 ms in while (!stop.wait_for(interval)) until main sets the stop event",
    .teaches = "Waiting on an event with a timeout is an interruptible sleep: every timeout is another round of "
               "work, and the set() ends the wait immediately, so the worker stops without finishing a full "
               "interval.",
    .lesson = "Python's periodic worker with threading.Event: `while not stop.wait(interval): work()`, stopped by "
              "main's stop.set() after a while, then join(). The port uses weft::event::wait_for (false on "
              "timeout, as Python's wait returns False), a 100 ms interval and 0.55 s of running, about five "
              "rounds.",
    // A round that timed out just as main set the event may still tick once after "stop".
    .marks = "(tick )+stop (tick )?stopped ",
    .shows = {"event.wait.begin", "event.wait.end", "event.set"},
    .run = run,
}};

}  // namespace
