// Five workers share a pool of three database connections. A semaphore
// whose value starts at 3 counts the free connections: a worker acquires it
// before taking a connection and releases it after giving the connection
// back, so at most three workers hold one at a time and the fourth and
// fifth wait at the semaphore until one is returned. Which connection a
// worker gets is the pool's business: a small free list under its own lock.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kConnections = 3;  // maxconnections
constexpr int kWorkers = 5;

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::semaphore pool_sema(kConnections, "pool_sema");
  weft::mutex pool_lock("pool_lock");
  // Guarded by pool_lock: which connections are free, how many are in use,
  // and the most that ever were at once.
  std::array<bool, kConnections> in_use{};
  int busy = 0;
  int most_busy = 0;

  // How long each worker keeps its connection, drawn before any thread starts.
  std::mt19937_64 rng(opt.seed);
  std::array<int, kWorkers> query_ms{};
  for (int& ms : query_ms) ms = static_cast<int>(rng() % 50) + 50;

  auto worker = [&](int me) {
    say("waiting for a connection");
    pool_sema.acquire();  // with pool_sema:
    int conn = -1;
    {
      weft::lock_guard<weft::mutex> guard(pool_lock);  // conn = connectdb(): take a free one
      for (int c = 0; c < kConnections; ++c)
        if (!in_use[static_cast<std::size_t>(c)]) {
          in_use[static_cast<std::size_t>(c)] = true;
          conn = c;
          break;
        }
      ++busy;
      if (busy > most_busy) most_busy = busy;
    }
    say("connected on connection-" + std::to_string(conn + 1));
    weft::sleep_for(std::chrono::milliseconds(query_ms[static_cast<std::size_t>(me)]));  // use the connection
    {
      weft::lock_guard<weft::mutex> guard(pool_lock);  // conn.close(): give it back
      if (conn >= 0) in_use[static_cast<std::size_t>(conn)] = false;
      --busy;
    }
    say("closed connection-" + std::to_string(conn + 1));
    pool_sema.release();
  };

  std::vector<weft::thread> workers;
  workers.reserve(kWorkers);
  for (int i = 0; i < kWorkers; ++i)
    workers.emplace_back(weft::thread_options("worker-" + std::to_string(i + 1)), worker, i);
  for (weft::thread& w : workers) w.join();

  // The joins order the workers' updates before this read.
  weft::lock_guard<weft::mutex> guard(pool_lock);
  say("at most " + std::to_string(most_busy) + " connections were in use at once (pool of " +
      std::to_string(kConnections) + ")");
  return most_busy <= kConnections ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "semaphore-connection-pool",
    .summary = "five workers share a pool of three connections guarded by a semaphore(3)",
    .teaches = "A counting semaphore limits how many threads use a resource at once: its value is the number "
               "of free connections. Three workers get one at once; the fourth and fifth wait at the semaphore "
               "until a connection is given back, and its value never goes below zero.",
    .lesson = "The Python Semaphore lesson: pool_sema = threading.Semaphore(value=maxconnections) with "
              "maxconnections = 3, and each worker does `with pool_sema: conn = connectdb() ... conn.close()`. "
              "The port has five workers; connectdb() and close() take and return one of three connection slots "
              "in a free list under pool_lock; a query lasts 50-99 ms (from --seed) instead of real database "
              "work. The program checks that no more than three connections were ever in use at once.",
    .shows = {"sem.acquired", "sem.acquire.begin", "sem.released"},
    .run = run,
}};

}  // namespace
