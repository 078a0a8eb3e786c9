// A looping worker is stopped with terminate(); a daemon child, still
// looping when the parent exits, is terminated with it.
#include <chrono>
#include <cstdio>
#include <string>

#include <weft/process.hpp>
#include <weft/process_queue.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

// Says it is running (once), then loops until a signal ends the process.
void loop_forever(weft::process_queue<int>& running) {
  weft::mark(weft::this_process::name() + ":running");
  running.put(1);
  for (;;) weft::sleep_for(20ms);
}

int run(const weft::scenarios::options&) {
  weft::process_queue<int> running(2, "running");
  weft::process daemon([&] { loop_forever(running); }, "daemon", /*daemon=*/true);
  weft::process worker([&] { loop_forever(running); }, "worker");
  daemon.start();
  worker.start();
  running.get();  // both are in their loops
  running.get();
  worker.terminate();
  worker.join();
  const int code = worker.exit_code().value_or(0);
  weft::mark("worker-exit:" + std::to_string(code));
  std::printf("worker exit code: %d (SIGTERM is 15); daemon alive: %s\n", code, daemon.is_alive() ? "yes" : "no");
  // Returning ends the parent: its daemon child is terminated with it.
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "process-daemon-terminate",
    .summary = "a looping worker is stopped with terminate(); a daemon child still looping when the parent exits "
               "is terminated with it",
    .teaches = "A process that loops forever must be stopped from outside: terminate() sends it SIGTERM, and join() "
               "then sees it ended by that signal (exit code -15). A daemon process does not keep its parent "
               "alive: when the parent exits, its daemon children are terminated, and nobody waits for them.",
    .lesson = "The multiprocessing daemon/terminate lesson: a Process(daemon=True) running an endless loop, and a "
              "second worker stopped with p.terminate(); p.join(); print(p.exitcode). The port's loops sleep 20 ms "
              "per turn, after telling the parent (through a process queue) that they run; the parent marks the "
              "worker's exit code and returns, which terminates the daemon.",
    .marks = "((daemon|worker):running ){2}worker-exit:-15 ",
    .shows = {"process.terminate", "process.join.end"},
    .run = run,
}};

}  // namespace
