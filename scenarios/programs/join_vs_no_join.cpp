// Timing threads, twice. First without join: main starts three workers that
// sleep 0.3 s and reports the elapsed time at once: "0.00 s", while the
// workers are still running. Then with join: main waits for the workers
// before it reports, and the time is the real one, about 0.30 s.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 3;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", elapsed.count());
  return text;
}

void worker(int round, int num) {
  weft::sleep_for(300ms);
  say("round " + std::to_string(round) + ", worker " + std::to_string(num) + ": done");
  weft::mark("worker-done");
}

std::vector<weft::thread> start_workers(int round) {
  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 0; i < kWorkers; ++i) {
    const std::string name = "round-" + std::to_string(round) + "-worker-" + std::to_string(i);
    workers.push_back(weft::thread(name, worker, round, i));
  }
  return workers;
}

int run(const weft::scenarios::options&) {
  {
    const auto start = std::chrono::steady_clock::now();
    std::vector<weft::thread> workers = start_workers(1);
    // No join: the report comes while the workers are still sleeping.
    weft::mark("reported-without-join");
    say("round 1, without join: all done in " + seconds_since(start) + " (the workers are still running)");
    // Leaving this block destroys the handles, which joins the workers (a
    // weft::thread is joined on destruction, like std::jthread): the wait
    // Python's interpreter does at exit, here before round 2 starts.
  }
  {
    const auto start = std::chrono::steady_clock::now();
    std::vector<weft::thread> workers = start_workers(2);
    for (weft::thread& w : workers) w.join();
    weft::mark("reported-after-join");
    say("round 2, with join: all done in " + seconds_since(start));
  }
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "join-vs-no-join",
    .summary = "timing workers without join reports 0.00 s while they still run; with join, the real 0.30 s",
    .teaches = "start() returns at once: a thread that does not join its workers measures nothing. Joining first "
               "makes the main thread wait, so its report comes after the workers' work and the time is real.",
    .lesson = "Python's lesson on join(): time the start of workers that sleep, print the elapsed time (0.00 s) "
              "without joining, then join first and print it again (0.30 s). The port uses three workers that "
              "sleep 0.3 s each with weft::sleep_for and reports with weft::log (also printed). The unjoined "
              "round-1 workers are joined when their handles are destroyed, before round 2 (Python's interpreter "
              "would wait for them at exit).",
    .marks = "reported-without-join (worker-done ){3}(worker-done ){3}reported-after-join ",
    .shows = {"thread.create", "sleep.begin", "sleep.end", "thread.join.begin", "thread.join.end", "log"},
    .run = run,
}};

}  // namespace
