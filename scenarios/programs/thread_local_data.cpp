// Thread-local data: one variable, a value per thread. Main stores 1000 in
// it; each worker finds no value there at first (main's 1000 is not its
// own), stores a random number, and once every worker has stored its own
// reads it back unchanged. Main still reads 1000 at the end.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kWorkers = 3;

// Python's threading.local(): every thread that touches it has its own.
thread_local std::optional<int> local_value;

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
}

// What this thread sees in local_value: "none", or the value it expects
// ("own"), or anything else ("other": never happens, that is the lesson).
void show_value(const char* who, std::optional<int> expected) {
  if (!local_value) {
    say("no value yet");
    weft::mark(std::string(who) + "-none");
  } else {
    say("value=" + std::to_string(*local_value));
    weft::mark(std::string(who) + (local_value == expected ? "-own" : "-other"));
  }
}

void worker(int value, weft::barrier& all_stored) {
  show_value("worker", value);
  local_value = value;
  // Every worker holds its value before any reads it back.
  all_stored.wait();
  show_value("worker", value);
}

int run(const weft::scenarios::options& opt) {
  // random.randint(1, 100) for each worker, drawn from the seed; distinct,
  // so that no worker could pass another's value for its own.
  std::mt19937_64 rng(opt.seed);
  std::vector<int> values(100);
  std::iota(values.begin(), values.end(), 1);
  std::shuffle(values.begin(), values.end(), rng);

  show_value("main", 1000);
  local_value = 1000;
  show_value("main", 1000);

  weft::barrier all_stored(kWorkers, "all_stored");
  std::vector<weft::thread> workers;
  // weft::thread(...) written here, not built by emplace_back inside <vector>: the
  // thread.create event records the line that constructs it.
  for (int i = 1; i <= kWorkers; ++i)
    workers.push_back(weft::thread("worker-" + std::to_string(i), worker, values[static_cast<std::size_t>(i - 1)],
                                   std::ref(all_stored)));
  for (weft::thread& w : workers) w.join();

  show_value("main", 1000);
  return local_value == 1000 ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "thread-local-data",
    .summary = "threading.local as C++ thread_local: every thread stores and reads back a value of its own",
    .teaches = "A thread-local variable is one name with a value per thread: a new thread does not see main's "
               "value, each worker reads back exactly what it stored even while the others hold theirs, and main's "
               "value is untouched by them.",
    .lesson = "Python's threading.local() lesson: show_value() prints 'No value yet' or the value; main stores "
              "1000, two workers each store random.randint(1, 100). The port uses a C++ thread_local "
              "std::optional<int>, three workers with distinct values drawn from the seed, and a weft::barrier so that "
              "every worker has stored its value before any reads it back (the lesson's threads merely overlap "
              "by chance). Marks say what each thread found: none, its own, or another's (never).",
    .marks = "main-none main-own (worker-none ){3}(worker-own ){3}main-own ",
    .shows = {"mark", "log", "barrier.arrive", "barrier.leave"},
    .run = run,
}};

}  // namespace
