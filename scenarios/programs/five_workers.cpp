// Five workers, each started with an argument and a name, report who they
// are: the name they were given, weft's thread id and the OS thread id. Then
// two threads are given the same name: they report the same name but
// different ids, because a name is only a label and the id is the identity.
#include <cstdio>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kWorkers = 5;

// Says it twice: on the timeline (weft::log) and on standard output.
void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
}

std::string identity() {
  return "name=" + weft::this_thread::name() + " id=" + std::to_string(weft::this_thread::id()) +
         " native_id=" + std::to_string(weft::this_thread::native_id());
}

void worker(int num) {
  say("worker " + std::to_string(num) + ": " + identity());
  weft::mark("worker-" + std::to_string(num));
}

void same_name_worker() {
  say("a thread named twin: " + identity());
  weft::mark("twin");
}

int run(const weft::scenarios::options&) {
  // Thread(target=worker, args=(i,), name=f"worker-{i}")
  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 0; i < kWorkers; ++i) workers.push_back(weft::thread("worker-" + std::to_string(i), worker, i));
  for (weft::thread& w : workers) w.join();
  weft::mark("joined");

  // Two threads, one name: Python allows it, and so does weft.
  weft::thread first("twin", same_name_worker);
  weft::thread second("twin", same_name_worker);
  const std::uint64_t first_native = first.native_id();
  const std::uint64_t second_native = second.native_id();
  first.join();
  second.join();
  weft::mark("joined");
  say("main: both are named '" + first.name() + "' and '" + second.name() + "', but their ids differ: " +
      std::to_string(first.id()) + " and " + std::to_string(second.id()) + " (native " +
      std::to_string(first_native) + " and " + std::to_string(second_native) + ")");
  return first.name() == second.name() && first.id() != second.id() ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "five-workers",
    .summary = "five named workers started with an argument report their name and ids; two threads share a name",
    .teaches = "Starting threads with arguments and names, and telling threads apart: each reports its name, "
               "weft's thread id and the OS thread id. Two threads given the same name show that a name is only a "
               "label: their ids are what identify them.",
    .lesson = "Python's first threading lesson: Thread(target=worker, args=(i,), name=...) five times, each worker "
              "printing current_thread().name, get_ident() and get_native_id(), then two threads with the same "
              "name. The port prints with weft::log as well (so the timeline shows it) and uses "
              "weft::this_thread::{name, id, native_id}; the marks are there only for the order check.",
    .marks = "(worker-[0-4] ){5}joined (twin ){2}joined ",
    .shows = {"thread.create", "thread.start", "thread.end", "thread.join.begin", "thread.join.end", "log"},
    .run = run,
}};

}  // namespace
