#include <system_error>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;

TEST_CASE("a recursive mutex records its depth on every acquire and release", "[recursive_mutex]") {
  weft::recursive_mutex m("rlock");
  m.lock();
  m.lock();
  CHECK(m.try_lock());
  m.unlock();
  m.unlock();
  m.unlock();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(events.size() == 7);
  const std::uint64_t depths[] = {1, 2, 3, 2, 1, 0};
  for (int i = 0; i < 6; ++i) {
    CHECK(events[i + 1].kind == (i < 3 ? EventKind::MutexAcquired : EventKind::MutexReleased));
    CHECK(events[i + 1].arg == depths[i]);
    CHECK(events[i + 1].seq == std::uint64_t(i));
  }
  CHECK(probe.trace.object(m.id()).kind == weft::format::ObjectKind::RecursiveMutex);
  CHECK(m.holder() == -1);
}

TEST_CASE("a recursive mutex held by one thread blocks another until fully released", "[recursive_mutex]") {
  weft::recursive_mutex m("rlock_block");
  m.lock();
  m.lock();
  bool got = true;
  std::thread([&] { got = m.try_lock_for(std::chrono::milliseconds(20)); }).join();
  CHECK_FALSE(got);
  m.unlock();
  std::thread([&] { got = m.try_lock(); }).join();
  CHECK_FALSE(got);
  m.unlock();
  std::thread([&] { got = m.try_lock(); if (got) m.unlock(); }).join();
  CHECK(got);
}

#ifndef WEFT_TSAN_BUILD
TEST_CASE("unlocking a recursive mutex one does not hold throws and is recorded", "[recursive_mutex][misuse]") {
  weft::recursive_mutex m("rlock_misuse");
  CHECK_THROWS_AS(m.unlock(), std::system_error);
  m.lock();
  bool threw = false;
  std::thread([&] {
    try {
      m.unlock();
    } catch (const std::system_error&) {
      threw = true;
    }
  }).join();
  CHECK(threw);
  m.unlock();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(events.size() == 5);
  CHECK(events[1].flags == weft::format::kFlagNotOwner);
  CHECK(events[3].flags == weft::format::kFlagNotOwner);
  CHECK(events[3].seq == weft::format::kNoSeq);
  CHECK(events[4].kind == EventKind::MutexReleased);
  CHECK(events[4].arg == 0);
}
#endif
