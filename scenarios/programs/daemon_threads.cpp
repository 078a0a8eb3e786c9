// A daemon thread works in a loop, a tick every 100 ms; a non-daemon thread
// does a short job and finishes. The program waits for the non-daemon thread
// only: when it is done the program ends, and the daemon is stopped wherever
// it was, mid-loop. Its "exiting" line never comes.
#include <chrono>
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

// Far more ticks than the program lives for: the daemon never gets to say
// it is exiting.
constexpr int kDaemonTicks = 50;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

// The daemon outlives run(), and even main(): it may use nothing of theirs
// (no references to their locals), only its own stack and the runtime.
void daemon() {
  weft::mark("daemon-starting");
  say("daemon: starting");
  for (int tick = 1; tick <= kDaemonTicks; ++tick) {
    weft::sleep_for(100ms);
    say("daemon: tick " + std::to_string(tick));
  }
  weft::mark("daemon-exiting");
  say("daemon: exiting");
}

void non_daemon() {
  weft::mark("non-daemon-starting");
  say("non-daemon: starting");
  weft::sleep_for(350ms);
  weft::mark("non-daemon-exiting");
  say("non-daemon: exiting");
}

int run(const weft::scenarios::options&) {
  // Thread(name='daemon', target=daemon, daemon=True), Thread(name='non-daemon', target=non_daemon)
  weft::thread d({"daemon", true}, daemon);
  weft::thread t("non-daemon", non_daemon);
  // Python's main thread ends here, and the interpreter then waits for the
  // non-daemon threads (not the daemon ones) before it exits: this join is
  // that wait, written out.
  t.join();
  weft::mark("main-exiting");
  say(std::string("main: exiting; the daemon is still running: ") + (d.is_alive() ? "yes" : "no"));
  // Leaving run() destroys the daemon's handle, which detaches it (a
  // non-daemon one would be joined); the process then ends under it.
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "daemon-threads",
    .summary = "a daemon thread ticking in a loop is cut off when the program ends after its non-daemon thread",
    .teaches = "The program waits for non-daemon threads, never for daemon threads: once the non-daemon thread is "
               "done the program ends, and the daemon thread's timeline stops in the middle of its loop. It never "
               "reaches its last line.",
    .lesson = "Python's daemon-thread lesson: Thread(name='daemon', daemon=True) and Thread(name='non-daemon'), "
              "neither joined; the daemon's 'Exiting' is never printed. The port's daemon ticks every 100 ms "
              "with weft::sleep_for (up to 50 ticks, far longer than the program lives) so the cut is visible "
              "mid-loop. Main joins the non-daemon thread explicitly (Python does that wait implicitly at exit); "
              "leaving run() destroys the daemon's weft::thread handle, which detaches it.",
    // The daemon's start may come anywhere before main's exit; its exit never comes.
    .marks = "(daemon-starting non-daemon-starting non-daemon-exiting |non-daemon-starting daemon-starting "
             "non-daemon-exiting |non-daemon-starting non-daemon-exiting daemon-starting )main-exiting ",
    .shows = {"thread.create", "thread.start", "thread.end", "thread.join.end", "thread.detach", "sleep.begin",
              "sleep.end"},
    .run = run,
}};

}  // namespace
