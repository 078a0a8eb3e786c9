// Three consumers work through a queue of ten jobs. Each calls task_done()
// when it has finished a job, and main, having put all ten, waits in
// join() until every job put has been marked done: not merely taken out of
// the queue, but processed. Then main stops the consumers by putting one
// None per consumer, and joins them.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kConsumers = 3;
constexpr int kJobs = 10;

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::queue<std::optional<int>> q(0, "q");  // an empty optional is the lesson's None

  // How long each job takes, drawn before any thread starts.
  std::mt19937_64 rng(opt.seed);
  std::vector<int> job_ms;
  for (int i = 0; i < kJobs; ++i) job_ms.push_back(static_cast<int>(rng() % 20) + 10);

  auto consumer = [&] {
    for (;;) {
      const std::optional<int> item = q.get();
      if (!item) break;  // None: stop
      say("working on job " + std::to_string(*item));
      weft::sleep_for(std::chrono::milliseconds(job_ms[static_cast<std::size_t>(*item)]));
      say("finished job " + std::to_string(*item));
      weft::mark("done");
      q.task_done();
    }
    say("stopping");
  };

  std::vector<weft::thread> consumers;
  consumers.reserve(kConsumers);
  for (int i = 1; i <= kConsumers; ++i)
    consumers.emplace_back(weft::thread_options("consumer-" + std::to_string(i)), consumer);
  for (int job = 0; job < kJobs; ++job) q.put(job);
  q.join();  // blocks until every job put has been task_done()
  weft::mark("all-done");
  say("all work completed");
  for (int i = 0; i < kConsumers; ++i) q.put(std::nullopt);
  for (weft::thread& c : consumers) c.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "queue-task-done-join",
    .summary = "three consumers call task_done() per job; main join()s the queue, then stops them with None",
    .teaches = "queue.join() waits until every item put has been reported finished with task_done(), not just "
               "taken out: main learns the work is done without knowing who did it. Consumers that loop on get() "
               "forever are then stopped with one sentinel (None) each.",
    .lesson = "The Python queue.task_done()/join() lesson: worker threads loop on q.get(), do the work and call "
              "q.task_done(); main puts the items, calls q.join(), prints that all work is completed, then puts "
              "one None per worker and joins them. The port has three consumers and ten jobs of 10-29 ms (from "
              "--seed); None is an empty std::optional.",
    .marks = "(done ){10}all-done ",
    .shows = {"queue.put", "queue.get", "queue.task_done", "queue.join.begin", "queue.join.end"},
    .run = run,
}};

}  // namespace
