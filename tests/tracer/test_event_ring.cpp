// The thread's ring (event_buffer.hpp): aligned to cache lines, two slots
// to a line, which the writer's eviction of the lines it has read relies
// on; and events that go round it many times, texts among them, arrive
// whole and in order.
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "weft/detail/event_buffer.hpp"

using weft::format::EventKind;

TEST_CASE("every thread's ring starts on a cache line with two slots to a line", "[ring]") {
  STATIC_REQUIRE(weft::detail::kSlotsPerLine == 2);
  auto aligned = [] {
    weft::mark("ring");  // the thread's first event gives it a ring
    const auto start = reinterpret_cast<std::uintptr_t>(weft::detail::current_buffer()->slots);
    return start != 0 && start % weft::detail::kRingLineBytes == 0;
  };
  CHECK(aligned());
  std::vector<char> others(3, 0);
  std::vector<std::thread> threads;
  for (char& ok : others) threads.emplace_back([&ok, &aligned] { ok = aligned(); });
  for (std::thread& t : threads) t.join();
  CHECK(others == std::vector<char>(3, 1));
}

TEST_CASE("events that go round the ring several times arrive whole and in order", "[ring]") {
  // Four laps of the default ring (65,536 slots): every slot is written,
  // read by the writer and handed back several times. Every 1000th event
  // carries a text of 1 to 3 slots, so texts straddle lines and the wrap.
  const std::uint64_t slots = weft::detail::current_buffer()->mask + 1;
  const int events = static_cast<int>(4 * slots);
  for (int i = 0; i < events; ++i) {
    if (i % 1000 == 0)
      weft::log(std::string(static_cast<std::size_t>(1 + i % 90), static_cast<char>('a' + i % 26)) + std::to_string(i));
    else
      weft::mark("");
  }
  const auto probe = weft::test::Probe::take();
  const auto mine = probe.on_thread(weft::this_thread::id());
  REQUIRE(mine.size() >= static_cast<std::size_t>(events));
  auto it = mine.end() - events;
  int wrong = 0;
  for (int i = 0; i < events; ++i, ++it) {
    const bool text = i % 1000 == 0;
    const std::string want =
        text ? std::string(static_cast<std::size_t>(1 + i % 90), static_cast<char>('a' + i % 26)) + std::to_string(i) : "";
    if (it->kind != (text ? EventKind::Log : EventKind::Mark) || probe.trace.text(*it) != want) ++wrong;
  }
  CHECK(wrong == 0);
}
