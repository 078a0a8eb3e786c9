// A boss waits for the first of four workers to finish. Each worker works
// for a random time and sets the event when done; the boss, waiting on it,
// wakes at the first set and goes on, while the other workers finish later
// (their sets change nothing: the event is already set).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 4;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

void worker(int num, std::chrono::milliseconds duration, weft::event& first_done) {
  say("worker " + std::to_string(num) + ": working for " + std::to_string(duration.count()) + " ms");
  weft::sleep_for(duration);
  weft::mark("worker-" + std::to_string(num) + "-done");
  say("worker " + std::to_string(num) + ": done");
  first_done.set();
}

void boss(weft::event& first_done) {
  say("boss: waiting for the first worker to finish");
  first_done.wait();
  weft::mark("boss-woke");
  say("boss: a worker has finished, the boss goes on");
}

int run(const weft::scenarios::options& opt) {
  // random.random() durations, drawn from the seed. Each worker gets its own
  // 150 ms slot (in a random order) plus up to 100 ms of jitter, so no two
  // finish within 50 ms of each other and the first one is unambiguous.
  std::mt19937_64 rng(opt.seed);
  std::array<int, kWorkers> slot{};
  for (int i = 0; i < kWorkers; ++i) slot[static_cast<std::size_t>(i)] = i + 1;
  std::shuffle(slot.begin(), slot.end(), rng);
  std::uniform_int_distribution<int> jitter(0, 100);

  weft::event first_done("first_done");
  weft::thread boss_thread("boss", boss, std::ref(first_done));
  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 1; i <= kWorkers; ++i) {
    const std::chrono::milliseconds duration(slot[static_cast<std::size_t>(i - 1)] * 150 + jitter(rng));
    workers.push_back(weft::thread("worker-" + std::to_string(i), worker, i, duration, std::ref(first_done)));
  }
  boss_thread.join();
  for (weft::thread& w : workers) w.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "event-first-worker",
    .summary = "a boss waits on an event that whichever of four workers finishes first sets",
    .teaches = "An event as a one-shot signal: the boss blocks in wait() until the first set(); the workers that "
               "finish later set an event that is already set, which changes nothing. Which worker wins depends "
               "on the seed.",
    .lesson = "Python's threading.Event lesson: workers sleep random.random() seconds, then event.set(); the boss "
              "event.wait()s and goes on after the first. The port draws the durations from the seed as a random "
              "order of 150 ms slots plus up to 100 ms of jitter (150 to 700 ms), so the first finisher is never "
              "a near tie.",
    .marks = "worker-[1-4]-done boss-woke (worker-[1-4]-done ){3}",
    .shows = {"event.wait.begin", "event.wait.end", "event.set"},
    .run = run,
}};

}  // namespace
