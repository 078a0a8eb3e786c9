// weft::barrier: Python's threading.Barrier semantics (distinct arrival
// indices, generations, timeouts, abort and reset breaking it) and its
// events: barrier.arrive / barrier.leave with arg generation << 32 | index,
// leave flagged Broken (no sequence number) for a waiter sent away.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using namespace std::chrono_literals;
namespace fmt = weft::format;

namespace {

constexpr std::uint64_t position(std::uint64_t generation, std::uint64_t index) { return generation << 32 | index; }

// Waits on the barrier, turning a broken barrier into `false` (an exception
// must not escape a thread function).
bool wait_or_broken(weft::barrier& b) {
  try {
    b.wait();
    return true;
  } catch (const weft::broken_barrier_error&) {
    return false;
  }
}

std::vector<fmt::Event> of_kind(const std::vector<fmt::Event>& events, EventKind kind) {
  std::vector<fmt::Event> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out), [&](const fmt::Event& e) { return e.kind == kind; });
  return out;
}

}  // namespace

TEST_CASE("barrier parties get distinct arrival indices in every generation and leave after all arrive", "[barrier]") {
  constexpr std::size_t kParties = 3;
  constexpr std::uint32_t kGenerations = 4;
  weft::barrier b(kParties, "b_gen");
  CHECK(b.parties() == kParties);
  std::mutex m;
  std::map<std::uint32_t, std::vector<std::size_t>> returned;  // thread -> index per generation
  std::vector<weft::thread> threads;
  for (std::size_t t = 0; t < kParties; ++t)
    threads.emplace_back("b_gen_party", [&] {
      std::vector<std::size_t> mine;
      for (std::uint32_t g = 0; g < kGenerations; ++g) mine.push_back(b.wait());
      std::lock_guard<std::mutex> lock(m);
      returned[weft::this_thread::id()] = mine;
    });
  for (auto& t : threads) t.join();
  REQUIRE(returned.size() == kParties);
  for (std::uint32_t g = 0; g < kGenerations; ++g) {
    std::set<std::size_t> indices;
    for (const auto& [thread, mine] : returned) indices.insert(mine[g]);
    CHECK(indices == std::set<std::size_t>{0, 1, 2});
  }
  CHECK_FALSE(b.broken());
  CHECK(b.n_waiting() == 0);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(b.id()).kind == fmt::ObjectKind::Barrier);
  CHECK(probe.trace.object(b.id()).extra == kParties);
  const auto events = probe.on_object(b.id());
  const auto arrivals = of_kind(events, EventKind::BarrierArrive);
  const auto leaves = of_kind(events, EventKind::BarrierLeave);
  REQUIRE(arrivals.size() == kParties * kGenerations);
  REQUIRE(leaves.size() == kParties * kGenerations);
  // Sequence numbers are dense over arrivals and leaves together.
  std::vector<std::uint64_t> seqs;
  for (const auto& e : events)
    if (e.seq != kNoSeq) seqs.push_back(e.seq);
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i);
  for (std::uint32_t g = 0; g < kGenerations; ++g) {
    std::uint64_t last_arrival = 0, first_leave = ~std::uint64_t{0};
    std::set<std::uint64_t> arrived, left;
    for (const auto& e : arrivals)
      if (e.arg >> 32 == g) {
        last_arrival = std::max(last_arrival, e.seq);
        arrived.insert(e.arg);
        CHECK(e.flags == 0);
      }
    for (const auto& e : leaves)
      if (e.arg >> 32 == g) {
        first_leave = std::min(first_leave, e.seq);
        left.insert(e.arg);
        CHECK(e.flags == 0);
        // Each thread leaves with the position it arrived at, which is what
        // wait() returned to it.
        CHECK(returned.at(e.thread)[g] == (e.arg & 0xffffffffu));
      }
    CHECK(arrived == std::set<std::uint64_t>{position(g, 0), position(g, 1), position(g, 2)});
    CHECK(left == arrived);
    CHECK(last_arrival < first_leave);  // every arrival before any departure
  }
  // The last to arrive leaves at once: its leave directly follows its arrival.
  for (const auto& a : arrivals)
    if ((a.arg & 0xffffffffu) == kParties - 1) {
      const auto leave = std::find_if(leaves.begin(), leaves.end(), [&](const auto& l) { return l.arg == a.arg; });
      REQUIRE(leave != leaves.end());
      CHECK(leave->seq == a.seq + 1);
      CHECK(leave->thread == a.thread);
    }
}

TEST_CASE("n_waiting counts the parties already at the barrier and the last arrival gets the last index", "[barrier]") {
  weft::barrier b(3, "b_count");
  weft::test::SyncWatch watch;
  std::size_t first = 99, second = 99;
  CHECK(b.n_waiting() == 0);
  std::thread a([&] { first = b.wait(); });
  REQUIRE(watch.wait_for(EventKind::BarrierArrive, b.id(), 1));
  CHECK(b.n_waiting() == 1);
  std::thread c([&] { second = b.wait(); });
  REQUIRE(watch.wait_for(EventKind::BarrierArrive, b.id(), 2));
  CHECK(b.n_waiting() == 2);
  const std::size_t mine = b.wait();
  a.join();
  c.join();
  CHECK(first == 0);
  CHECK(second == 1);
  CHECK(mine == 2);
  CHECK(b.n_waiting() == 0);
}

TEST_CASE("a barrier wait that times out breaks the barrier for every waiter", "[barrier]") {
  weft::barrier b(3, "b_timeout");
  weft::test::SyncWatch watch;
  bool other_passed = true;
  std::uint32_t other_id = 0;
  std::thread other([&] {
    other_id = weft::this_thread::id();
    other_passed = wait_or_broken(b);
  });
  REQUIRE(watch.wait_for(EventKind::BarrierArrive, b.id(), 1));
  CHECK_THROWS_AS(b.wait_for(20ms), weft::broken_barrier_error);
  other.join();
  CHECK_FALSE(other_passed);
  CHECK(b.broken());
  CHECK(b.n_waiting() == 0);
  // A broken barrier refuses everyone at once, until reset.
  CHECK_THROWS_AS(b.wait(), weft::broken_barrier_error);
  b.reset();
  CHECK_FALSE(b.broken());
  // And it works again.
  std::vector<std::size_t> indices(3, 99);
  std::vector<std::thread> parties;
  for (std::size_t i = 0; i < 3; ++i) parties.emplace_back([&, i] { indices[i] = b.wait(); });
  for (auto& t : parties) t.join();
  std::sort(indices.begin(), indices.end());
  CHECK(indices == std::vector<std::size_t>{0, 1, 2});

  const auto probe = weft::test::Probe::take();
  const auto e = probe.on_object(b.id());
  REQUIRE(e.size() >= 9);
  CHECK(e[1].kind == EventKind::BarrierArrive);
  CHECK(e[1].thread == other_id);
  CHECK(e[1].arg == position(0, 0));
  CHECK(e[1].seq == 0);
  CHECK(e[2].kind == EventKind::BarrierArrive);
  CHECK(e[2].thread == weft::this_thread::id());
  CHECK(e[2].arg == position(0, 1));
  CHECK(e[2].flags == fmt::kFlagTimed);
  // Both waiters of generation 0 leave broken, without a sequence number.
  std::vector<fmt::Event> broken;
  for (const auto& x : e)
    if (x.kind == EventKind::BarrierLeave && (x.flags & fmt::kFlagBroken)) broken.push_back(x);
  REQUIRE(broken.size() == 3);
  std::set<std::uint64_t> gen0;
  for (const auto& x : broken) {
    CHECK(x.seq == kNoSeq);
    if (x.arg >> 32 == 0) gen0.insert(x.arg);
  }
  CHECK(gen0 == std::set<std::uint64_t>{position(0, 0), position(0, 1)});
  // The refused wait on the broken barrier: a broken leave alone, no arrival.
  CHECK(std::count_if(e.begin(), e.end(), [](const auto& x) { return x.kind == EventKind::BarrierArrive; }) == 5);
  const auto reset = of_kind(e, EventKind::BarrierReset);
  REQUIRE(reset.size() == 1);
  CHECK(reset[0].arg == 0);  // nobody waiting when reset
  // The generation after the broken one passes normally.
  std::set<std::uint64_t> after;
  for (const auto& x : e)
    if (x.kind == EventKind::BarrierLeave && x.flags == 0) after.insert(x.arg & 0xffffffffu);
  CHECK(after == std::set<std::uint64_t>{0, 1, 2});
}

TEST_CASE("abort sends the waiters away broken and the barrier stays broken until reset", "[barrier]") {
  weft::barrier b(3, "b_abort");
  weft::test::SyncWatch watch;
  std::atomic<int> passed{0}, refused{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 2; ++i) waiters.emplace_back([&] { (wait_or_broken(b) ? passed : refused)++; });
  REQUIRE(watch.wait_for(EventKind::BarrierArrive, b.id(), 2));
  b.abort();
  for (auto& t : waiters) t.join();
  CHECK(passed == 0);
  CHECK(refused == 2);
  CHECK(b.broken());
  CHECK_THROWS_AS(b.wait(), weft::broken_barrier_error);
  b.reset();
  CHECK_FALSE(b.broken());
  std::vector<std::thread> parties;
  for (int i = 0; i < 3; ++i) parties.emplace_back([&] { (wait_or_broken(b) ? passed : refused)++; });
  for (auto& t : parties) t.join();
  CHECK(passed == 3);

  const auto probe = weft::test::Probe::take();
  const auto e = probe.on_object(b.id());
  const auto aborts = of_kind(e, EventKind::BarrierAbort);
  REQUIRE(aborts.size() == 1);
  CHECK(aborts[0].arg == 2);  // waiters broken
  CHECK(aborts[0].seq == 2);  // after the two arrivals
  std::size_t broken_leaves = 0;
  for (const auto& x : of_kind(e, EventKind::BarrierLeave))
    if (x.flags & fmt::kFlagBroken) {
      ++broken_leaves;
      CHECK(x.seq == kNoSeq);
    }
  CHECK(broken_leaves == 3);  // two waiters and the refused wait
}

TEST_CASE("reset sends the current waiters away broken and leaves the barrier usable", "[barrier]") {
  weft::barrier b(3, "b_reset");
  weft::test::SyncWatch watch;
  bool passed = true;
  std::thread waiter([&] { passed = wait_or_broken(b); });
  REQUIRE(watch.wait_for(EventKind::BarrierArrive, b.id(), 1));
  b.reset();
  waiter.join();
  CHECK_FALSE(passed);
  CHECK_FALSE(b.broken());  // unlike abort, reset leaves it whole
  CHECK(b.n_waiting() == 0);
  std::vector<std::size_t> indices(3, 99);
  std::vector<std::thread> parties;
  for (std::size_t i = 0; i < 3; ++i) parties.emplace_back([&, i] { indices[i] = b.wait(); });
  for (auto& t : parties) t.join();
  std::sort(indices.begin(), indices.end());
  CHECK(indices == std::vector<std::size_t>{0, 1, 2});

  const auto probe = weft::test::Probe::take();
  const auto e = probe.on_object(b.id());
  const auto resets = of_kind(e, EventKind::BarrierReset);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].arg == 1);
  CHECK(resets[0].seq == 1);
  const auto leaves = of_kind(e, EventKind::BarrierLeave);
  REQUIRE(leaves.size() == 4);
  CHECK(leaves[0].flags == fmt::kFlagBroken);
  CHECK(leaves[0].arg == position(0, 0));
  // The next group is a new generation.
  for (std::size_t i = 1; i < leaves.size(); ++i) {
    CHECK(leaves[i].flags == 0);
    CHECK(leaves[i].arg >> 32 == 1);
  }
}

TEST_CASE("a barrier of one party passes at once and zero parties is an error", "[barrier]") {
  weft::barrier one(1, "b_one");
  CHECK(one.wait() == 0);
  CHECK(one.wait() == 0);
  CHECK_THROWS_AS(weft::barrier(0), std::invalid_argument);
  const auto probe = weft::test::Probe::take();
  CHECK(probe.kinds(one.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::BarrierArrive,
                                                        EventKind::BarrierLeave, EventKind::BarrierArrive,
                                                        EventKind::BarrierLeave});
  const auto e = probe.on_object(one.id());
  CHECK(e[1].arg == position(0, 0));
  CHECK(e[2].arg == position(0, 0));
  CHECK(e[3].arg == position(1, 0));
  CHECK(e[4].arg == position(1, 0));
  CHECK(probe.site_file(e[1]).find("test_barrier.cpp") != std::string::npos);
}
