// Three workers meet at a barrier for three parties, three rounds in a row.
// Each does some work of random length, then waits at the barrier; nobody
// passes until all three have arrived, and then all three go on together.
// wait() hands each an index, 0 for the first to arrive, 2 for the last
// (the one whose arrival opens the barrier), which each worker prints.
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

constexpr int kParties = 3;
constexpr int kRounds = 3;

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::barrier barrier(kParties, "barrier");

  // Each worker's work before each round, drawn before any thread starts.
  std::mt19937_64 rng(opt.seed);
  std::array<std::array<int, kRounds>, kParties> work_ms{};
  for (auto& worker : work_ms)
    for (int& ms : worker) ms = static_cast<int>(rng() % 40) + 5;

  auto worker = [&](int me) {
    for (int round = 1; round <= kRounds; ++round) {
      const int ms = work_ms[static_cast<std::size_t>(me)][static_cast<std::size_t>(round - 1)];
      weft::sleep_for(std::chrono::milliseconds(ms));  // the work before the meeting
      say("round " + std::to_string(round) + ": waiting for the barrier with " + std::to_string(barrier.n_waiting()) +
          " others");
      const std::size_t index = barrier.wait();
      say("round " + std::to_string(round) + ": after the barrier, arrival index " + std::to_string(index));
      weft::mark("round" + std::to_string(round) + "-" + std::to_string(index));
    }
  };

  std::vector<weft::thread> workers;
  workers.reserve(kParties);
  for (int i = 0; i < kParties; ++i)
    workers.emplace_back(weft::thread_options("worker-" + std::to_string(i)), worker, i);
  for (weft::thread& w : workers) w.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "barrier-of-three",
    .summary = "three workers meet at a barrier for three parties, three rounds, and print their arrival index",
    .teaches = "A barrier holds every thread that reaches it until all parties have arrived, then lets them all "
               "through at once, and is ready for the next round. Each passing thread gets a distinct arrival "
               "index; the last to arrive (index 2) is the one that opens it. No thread starts round 2 before "
               "every thread has finished round 1.",
    .lesson = "The Python Barrier lesson: threading.Barrier(3), workers named worker-0..2 print the number "
              "already waiting (n_waiting) and the index barrier.wait() returns. The port repeats it for three "
              "rounds, with a random 5-44 ms of work (from --seed) before each arrival so the order of arrival "
              "changes from run to run.",
    .marks = "((round1-[012] ){3})((round2-[012] ){3})((round3-[012] ){3})",
    .shows = {"barrier.arrive", "barrier.leave", "mark"},
    .run = run,
}};

}  // namespace
