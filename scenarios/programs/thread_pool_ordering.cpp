// Two ways to collect a thread pool's results. Three pages take 3, 2 and 4
// time units. as_completed() yields the futures in the order the tasks
// finish (2, 3, 4); map() returns the results in the order of its input
// (3, 2, 4), whatever order they finished in. The marks record both orders.
#include <chrono>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr auto kUnit = std::chrono::milliseconds(60);  // the lesson's second, scaled down

int get_html(int times) {
  weft::sleep_for(times * kUnit);
  weft::log("get page " + std::to_string(times) + " success");
  return times;
}

int run(const weft::scenarios::options&) {
  weft::thread_pool executor(3, "executor");  // one worker per page: all three run at once
  const std::vector<int> urls{3, 2, 4};

  std::vector<weft::future<int>> all_task;
  for (int url : urls) all_task.push_back(executor.submit([url] { return get_html(url); }));
  for (weft::future<int>& future : weft::as_completed<int>(all_task)) {
    const int data = future.result();  // already done: as_completed waited for it
    weft::mark("completed-" + std::to_string(data));
  }

  for (int data : executor.map(get_html, urls)) weft::mark("map-" + std::to_string(data));

  executor.shutdown();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "thread-pool-ordering",
    .summary = "as_completed yields a pool's futures in completion order, map returns results in input order",
    .teaches = "as_completed hands you each future as soon as its task finishes, fastest first; map gives the "
               "results in the order of the inputs, waiting for a slow early one before a fast later one.",
    .lesson = "The Python concurrent.futures lesson comparing as_completed and executor.map over pages taking 3, "
              "2 and 4 seconds. The C++ port scales a second to 60 ms and uses three workers so that all pages "
              "run at once.",
    .marks = "completed-2 completed-3 completed-4 map-3 map-2 map-4 ",
    .shows = {"pool.submit", "task.start", "task.end", "future.callback", "future.wait.begin", "future.wait.end"},
    .run = run,
}};

}  // namespace
