// Four workers share three tasks, taken one at a time under one lock. A
// worker does not wait for the lock: it tries it without blocking. The one
// that gets it takes the next task and does it while holding the lock; the
// others, finding it busy, do something else for a moment and try again,
// until no task is left.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 4;
constexpr int kTasks = 3;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::mutex task_lock("task_lock");
  int next_task = 1;  // guarded by task_lock

  auto worker = [&task_lock, &next_task](int num) {
    const std::string me = "worker " + std::to_string(num);
    int tries = 0;
    int done = 0;
    for (;;) {
      ++tries;
      if (!task_lock.try_lock()) {  // lock.acquire(blocking=False) returned False
        say(me + ": the lock is busy, doing something else");
        weft::sleep_for(40ms);
        continue;
      }
      if (next_task > kTasks) {
        task_lock.unlock();
        break;
      }
      const int task = next_task++;
      say(me + ": got the lock, doing task " + std::to_string(task));
      weft::sleep_for(150ms);  // the task, done while holding the lock
      weft::mark("task-" + std::to_string(task) + "-done");
      ++done;
      task_lock.unlock();
      weft::sleep_for(20ms);  // a pause before looking for more work
    }
    say(me + ": no tasks left; did " + std::to_string(done) + " after " + std::to_string(tries) + " tries");
  };

  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 1; i <= kWorkers; ++i) workers.push_back(weft::thread("worker-" + std::to_string(i), worker, i));
  for (weft::thread& w : workers) w.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "nonblocking-acquire",
    .summary = "workers claim tasks with a non-blocking acquire: whoever gets the lock does the task, the rest do "
               "something else",
    .teaches = "try_lock never waits: it either takes the lock or says at once that it is busy, and the thread "
               "decides what to do instead. The trace shows each failed attempt (mutex.try.failed) next to the "
               "holder's long task, and the tasks done strictly one at a time.",
    .lesson = "Python's non-blocking acquire lesson: `if lock.acquire(blocking=False):` do the work and release, "
              "else do something else and try again later, counting the tries. The port's four workers share "
              "three tasks (each 150 ms, under the weft::mutex task_lock) and retry every 40 ms with "
              "weft::mutex::try_lock.",
    .marks = "task-1-done task-2-done task-3-done ",
    .shows = {"mutex.try.failed", "mutex.acquired", "mutex.released"},
    .run = run,
}};

}  // namespace
