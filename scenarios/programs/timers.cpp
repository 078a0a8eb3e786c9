// Three timers. t1 waits 1 s and fires. t2 would fire at 1 s too, but main
// cancels it at 0.4 s: in time, it never fires. t3 fires at 0.05 s and its
// function runs for 1.5 s; main's cancel at 0.4 s comes too late: the
// function has started, and a cancel does not stop it.
//
// The marks are ordered by these sleeps alone, so each pair is kept at least
// a third of a second apart (the lesson's 0.3 s against 0.2 s left 0.1 s):
// under ThreadSanitizer on a loaded machine a thread can wake that late.
#include <chrono>
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

void delayed() {
  weft::mark(weft::this_thread::name() + "-running");
  say(weft::this_thread::name() + ": worker running");
}

void slow_delayed() {
  weft::mark(weft::this_thread::name() + "-running");
  say(weft::this_thread::name() + ": worker running, for 1.5 s");
  weft::sleep_for(1500ms);
  weft::mark(weft::this_thread::name() + "-done");
  say(weft::this_thread::name() + ": worker done");
}

int run(const weft::scenarios::options&) {
  // threading.Timer(0.3, delayed), named t1 and t2, with wider margins; the
  // port adds t3.
  weft::timer t1(1000ms, delayed, "t1");
  weft::timer t2(1000ms, delayed, "t2");
  weft::timer t3(50ms, slow_delayed, "t3");
  say("main: starting timers");
  t1.start();
  t2.start();
  t3.start();

  say("main: waiting before canceling t2 and t3");
  weft::sleep_for(400ms);
  t2.cancel();  // in time: t2 is still waiting
  weft::mark("cancel-t2");
  say("main: canceling t2 (in time)");
  t3.cancel();  // too late: t3's function is running
  weft::mark("cancel-t3");
  say("main: canceling t3 (too late: it is already running)");

  t1.join();
  t2.join();
  t3.join();
  say("main: done");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "timers",
    .summary = "a timer that fires, one cancelled in time, and one whose cancel comes after its function started",
    .teaches = "A timer runs its function on its own thread after a delay. cancel() only helps while the timer is "
               "still waiting: t2, cancelled in time, never fires; t3's cancel arrives while its function runs "
               "and changes nothing (the trace records it as too late).",
    .lesson = "Python's threading.Timer lesson: t1 = Timer(0.3, delayed) and t2 = Timer(0.3, delayed), both "
              "started; after 0.2 s main cancels t2, and only t1's 'worker running' appears. The port waits 1 s and "
              "cancels at 0.4 s, so that a loaded machine keeps the order. It adds t3, fired after 0.05 s with a "
              "1.5 s function, whose cancel at 0.4 s comes too late. weft::timer's thread is named after the "
              "timer, as setName('t1') does in the lesson.",
    .marks = "t3-running cancel-t2 cancel-t3 t1-running t3-done ",
    .shows = {"timer.start", "timer.fire", "timer.cancel", "timer.done"},
    .run = run,
}};

}  // namespace
