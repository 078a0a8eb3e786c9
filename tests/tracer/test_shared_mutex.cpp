// weft::shared_mutex: the exclusive side records what a weft::mutex does,
// the shared side its own kinds with the number of shared holds, and the
// sequence numbers of both sides are one faithful order of the lock.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;
namespace flag = weft::format;

namespace {

std::vector<weft::format::Event> of_thread(const std::vector<weft::format::Event>& events, std::uint32_t thread) {
  std::vector<weft::format::Event> out;
  for (const auto& e : events)
    if (e.thread == thread && e.kind != EventKind::ObjectCreate) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("the exclusive side records what a weft::mutex records", "[shared_mutex]") {
  weft::shared_mutex rw("rw_exclusive");
  const unsigned lock_line = __LINE__ + 1;
  rw.lock();
  CHECK(rw.holder() == long(weft::this_thread::id()));
  rw.unlock();
  CHECK(rw.holder() == -1);
  REQUIRE(rw.try_lock());
  rw.unlock();
  REQUIRE(rw.try_lock_for(10ms));
  rw.unlock();
  REQUIRE(rw.try_lock_until(std::chrono::system_clock::now() + 10ms));
  rw.unlock();

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(rw.id()).kind == weft::format::ObjectKind::SharedMutex);
  CHECK(probe.trace.object(rw.id()).name == "rw_exclusive");
  const auto events = probe.on_object(rw.id());
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired, EventKind::MutexReleased,
                                 EventKind::MutexAcquired, EventKind::MutexReleased, EventKind::MutexAcquired,
                                 EventKind::MutexReleased, EventKind::MutexAcquired, EventKind::MutexReleased});
  const std::uint8_t acquire_flags[] = {0, flag::kFlagTry, flag::kFlagTimed, flag::kFlagTimed};
  for (int i = 0; i < 4; ++i) {
    INFO("hold " << i);
    CHECK(events[1 + 2 * i].arg == 1);
    CHECK(events[1 + 2 * i].flags == acquire_flags[i]);
    CHECK(events[2 + 2 * i].arg == 0);
    CHECK(events[2 + 2 * i].flags == 0);
  }
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].seq == i - 1);
  CHECK(probe.trace.site(events[1].site).line == lock_line);
}

TEST_CASE("an exclusive lock that has to wait, and a try that fails, are recorded as for a mutex", "[shared_mutex]") {
  weft::shared_mutex rw("rw_exclusive_wait");
  weft::test::SyncWatch watch;
  rw.lock();
  bool tried = true, timed = true;
  std::thread([&] {
    tried = rw.try_lock();
    timed = rw.try_lock_for(5ms);
  }).join();
  CHECK_FALSE(tried);
  CHECK_FALSE(timed);
  std::uint32_t waiter_id = 0;
  std::thread waiter([&] {
    waiter_id = weft::this_thread::id();
    rw.lock();
    rw.unlock();
  });
  REQUIRE(watch.wait_for(EventKind::MutexLockBegin, rw.id(), 2));  // the timed try's, then the waiter's
  rw.unlock();
  waiter.join();

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired, EventKind::MutexTryFailed,
                                 EventKind::MutexLockBegin, EventKind::MutexTryFailed, EventKind::MutexLockBegin,
                                 EventKind::MutexReleased, EventKind::MutexAcquired, EventKind::MutexReleased});
  const auto events = probe.on_object(rw.id());
  CHECK(events[2].flags == flag::kFlagTry);
  CHECK(events[2].seq == flag::kNoSeq);
  CHECK(events[3].flags == flag::kFlagTimed);
  CHECK(events[4].flags == flag::kFlagTimed);
  CHECK(events[5].thread == waiter_id);
  CHECK(events[7].thread == waiter_id);
  CHECK(events[7].flags == flag::kFlagContended);
  CHECK(events[7].seq == events[6].seq + 1);
}

TEST_CASE("a shared hold records acquired_shared and released_shared with the holders after", "[shared_mutex]") {
  weft::shared_mutex rw("rw_shared");
  rw.lock_shared();
  CHECK(rw.shared_holders() == 1);
  CHECK(rw.holder() == -1);  // nobody holds it exclusively
  rw.unlock_shared();
  REQUIRE(rw.try_lock_shared());
  rw.unlock_shared();
  REQUIRE(rw.try_lock_shared_for(10ms));
  rw.unlock_shared();
  REQUIRE(rw.try_lock_shared_until(std::chrono::steady_clock::now() + 10ms));
  rw.unlock_shared();
  CHECK(rw.shared_holders() == 0);

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(events.size() == 9);
  const std::uint8_t acquire_flags[] = {0, flag::kFlagTry, flag::kFlagTimed, flag::kFlagTimed};
  for (int i = 0; i < 4; ++i) {
    INFO("hold " << i);
    CHECK(events[1 + 2 * i].kind == EventKind::MutexAcquiredShared);
    CHECK(events[1 + 2 * i].arg == 1);
    CHECK(events[1 + 2 * i].flags == acquire_flags[i]);
    CHECK(events[2 + 2 * i].kind == EventKind::MutexReleasedShared);
    CHECK(events[2 + 2 * i].arg == 0);
    CHECK(events[2 + 2 * i].flags == 0);
  }
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].seq == i - 1);
  CHECK(probe.site_file(events[1]).find("test_shared_mutex.cpp") != std::string::npos);
}

TEST_CASE("two readers hold it at the same time", "[shared_mutex]") {
  weft::shared_mutex rw("rw_two_readers");
  rw.lock_shared();
  bool second_got_it = false;
  std::uint32_t holders_seen = 0;
  std::thread([&] {
    second_got_it = rw.try_lock_shared();  // no waiting: readers share
    if (!second_got_it) return;
    holders_seen = rw.shared_holders();
    rw.unlock_shared();
  }).join();
  rw.unlock_shared();
  REQUIRE(second_got_it);
  CHECK(holders_seen == 2);

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquiredShared, EventKind::MutexAcquiredShared,
                                 EventKind::MutexReleasedShared, EventKind::MutexReleasedShared});
  const std::uint64_t holders_after[] = {1, 2, 1, 0};
  for (int i = 0; i < 4; ++i) {
    CHECK(events[i + 1].arg == holders_after[i]);
    CHECK(events[i + 1].seq == std::uint64_t(i));
  }
  CHECK(events[2].thread != events[1].thread);
}

TEST_CASE("a writer waits for the readers, and gets the lock right after the last one leaves", "[shared_mutex]") {
  weft::shared_mutex rw("rw_writer_waits");
  weft::test::SyncWatch watch;
  rw.lock_shared();
  std::uint32_t writer_id = 0;
  std::thread writer([&] {
    writer_id = weft::this_thread::id();
    rw.lock();
    rw.unlock();
  });
  REQUIRE(watch.wait_for(EventKind::MutexLockBegin, rw.id()));
  rw.unlock_shared();
  writer.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquiredShared, EventKind::MutexLockBegin,
                                 EventKind::MutexReleasedShared, EventKind::MutexAcquired, EventKind::MutexReleased});
  CHECK(events[2].thread == writer_id);
  CHECK(events[4].thread == writer_id);
  CHECK(events[4].flags == flag::kFlagContended);
  CHECK(events[4].seq == events[3].seq + 1);
}

TEST_CASE("a reader waits for the writer: lock_shared.begin, then acquired_shared (contended)", "[shared_mutex]") {
  weft::shared_mutex rw("rw_reader_waits");
  weft::test::SyncWatch watch;
  rw.lock();
  bool tried = true, timed = true;
  std::thread([&] {
    tried = rw.try_lock_shared();
    timed = rw.try_lock_shared_for(5ms);
  }).join();
  CHECK_FALSE(tried);
  CHECK_FALSE(timed);
  std::uint32_t reader_id = 0, timed_reader_id = 0;
  bool timed_got_it = false;
  std::thread reader([&] {
    reader_id = weft::this_thread::id();
    rw.lock_shared();
    rw.unlock_shared();
  });
  std::thread timed_reader([&] {
    timed_reader_id = weft::this_thread::id();
    timed_got_it = rw.try_lock_shared_for(60s);
    if (timed_got_it) rw.unlock_shared();
  });
  REQUIRE(watch.wait_for(EventKind::MutexLockSharedBegin, rw.id(), 3));  // the failed timed try's, then these two
  rw.unlock();
  reader.join();
  timed_reader.join();
  CHECK(timed_got_it);

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(events.size() >= 6);
  CHECK(events[2].kind == EventKind::MutexTrySharedFailed);
  CHECK(events[2].flags == flag::kFlagTry);
  CHECK(events[2].seq == flag::kNoSeq);
  CHECK(events[3].kind == EventKind::MutexLockSharedBegin);
  CHECK(events[3].flags == flag::kFlagTimed);
  CHECK(events[4].kind == EventKind::MutexTrySharedFailed);
  CHECK(events[4].flags == flag::kFlagTimed);
  std::uint64_t release_seq = 0;
  for (const auto& e : events)
    if (e.kind == EventKind::MutexReleased) release_seq = e.seq;
  const auto reader_events = of_thread(events, reader_id);
  REQUIRE(reader_events.size() == 3);
  CHECK(reader_events[0].kind == EventKind::MutexLockSharedBegin);
  CHECK(reader_events[0].flags == 0);
  CHECK(reader_events[1].kind == EventKind::MutexAcquiredShared);
  CHECK(reader_events[1].flags == flag::kFlagContended);
  const auto timed_events = of_thread(events, timed_reader_id);
  REQUIRE(timed_events.size() == 3);
  CHECK(timed_events[0].kind == EventKind::MutexLockSharedBegin);
  CHECK(timed_events[0].flags == flag::kFlagTimed);
  CHECK(timed_events[1].kind == EventKind::MutexAcquiredShared);
  CHECK(timed_events[1].flags == (flag::kFlagContended | flag::kFlagTimed));
  // Both readers got in after the writer left, the first right after it.
  CHECK(std::min(reader_events[1].seq, timed_events[1].seq) == release_seq + 1);
  CHECK(std::max(reader_events[1].seq, timed_events[1].seq) > release_seq + 1);
}

TEST_CASE("with every std guard at once, the sequence numbers and holder counts replay faithfully", "[shared_mutex]") {
  weft::shared_mutex rw("rw_guards");
  weft::mutex other("rw_guards_other");
  long value = 0;
  std::atomic<long> reads{0};
  constexpr int kRounds = 300;
  auto reader = [&] {
    for (int i = 0; i < kRounds; ++i) {
      std::shared_lock<weft::shared_mutex> shared(rw);
      reads += value >= 0;
    }
  };
  auto writer = [&] {
    for (int i = 0; i < kRounds; ++i) {
      { std::lock_guard<weft::shared_mutex> g(rw); ++value; }
      { std::unique_lock<weft::shared_mutex> u(rw); ++value; }
      { std::scoped_lock both(rw, other); ++value; }
      { weft::unique_lock<weft::shared_mutex> w(rw); ++value; }
    }
  };
  std::thread r1(reader), r2(reader), w1(writer), w2(writer);
  r1.join();
  r2.join();
  w1.join();
  w2.join();
  CHECK(value == 8 * kRounds);
  CHECK(reads == 2 * kRounds);

  // Replayed in sequence order, the events must be a possible history of a
  // readers-writer lock, every arg the holder count that history gives.
  const auto probe = weft::test::Probe::take();
  std::map<std::uint64_t, weft::format::Event> by_seq;
  for (const auto& e : probe.on_object(rw.id()))
    if (e.seq != flag::kNoSeq) REQUIRE(by_seq.emplace(e.seq, e).second);
  REQUIRE_FALSE(by_seq.empty());
  CHECK(by_seq.rbegin()->first == by_seq.size() - 1);  // dense: 0 .. n-1
  std::uint64_t shared = 0, acquisitions = 0;
  bool exclusive = false;
  for (const auto& [seq, e] : by_seq) {
    INFO("seq " << seq);
    switch (e.kind) {
      case EventKind::MutexAcquiredShared:
        REQUIRE_FALSE(exclusive);
        CHECK(e.arg == ++shared);
        ++acquisitions;
        break;
      case EventKind::MutexReleasedShared:
        REQUIRE(shared > 0);
        CHECK(e.arg == --shared);
        break;
      case EventKind::MutexAcquired:
        REQUIRE_FALSE(exclusive);
        REQUIRE(shared == 0);
        CHECK(e.arg == 1);
        exclusive = true;
        ++acquisitions;
        break;
      case EventKind::MutexReleased:
        REQUIRE(exclusive);
        CHECK(e.arg == 0);
        exclusive = false;
        break;
      default: FAIL("unexpected kind with a sequence number");
    }
  }
  CHECK_FALSE(exclusive);
  CHECK(shared == 0);
  CHECK(acquisitions >= 2 * kRounds + 8 * kRounds);
}

TEST_CASE("weft::shared_lock and weft::unique_lock record the caller's site on either side", "[shared_mutex]") {
  weft::shared_mutex rw("rw_site");
  const unsigned shared_line = __LINE__ + 2;
  {
    weft::shared_lock<weft::shared_mutex> reading(rw);
    CHECK(reading.owns_lock());
    reading.unlock();
    CHECK_FALSE(reading.owns_lock());
    CHECK(reading.try_lock());
  }
  {
    weft::shared_lock<weft::shared_mutex> deferred(rw, std::defer_lock);
    CHECK_FALSE(deferred.owns_lock());
    deferred.lock();
    CHECK(rw.shared_holders() == 1);
  }
  { weft::unique_lock<weft::shared_mutex> writing(rw, std::try_to_lock); CHECK(writing.owns_lock()); }
  CHECK(rw.shared_holders() == 0);
  CHECK(rw.holder() == -1);

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquiredShared, EventKind::MutexReleasedShared,
                                 EventKind::MutexAcquiredShared, EventKind::MutexReleasedShared,
                                 EventKind::MutexAcquiredShared, EventKind::MutexReleasedShared,
                                 EventKind::MutexAcquired, EventKind::MutexReleased});
  for (const auto& e : events)
    if (e.kind != EventKind::ObjectCreate) CHECK(probe.site_file(e).find("test_shared_mutex.cpp") != std::string::npos);
  CHECK(probe.trace.site(events[1].site).line == shared_line);
  CHECK(events[3].flags == flag::kFlagTry);
  CHECK(events[7].flags == flag::kFlagTry);
}

TEST_CASE("unlock_shared by a thread that does not hold it shared is recorded and refused", "[shared_mutex][misuse]") {
  weft::shared_mutex rw("rw_misuse_shared");
  CHECK_THROWS_AS(rw.unlock_shared(), std::system_error);  // nobody holds it
  rw.lock();
  CHECK_THROWS_AS(rw.unlock_shared(), std::system_error);  // held, but exclusively
  rw.unlock();
  rw.lock_shared();
  bool threw = false;
  std::thread([&] {
    try {
      rw.unlock_shared();  // another thread's shared hold
    } catch (const std::system_error&) {
      threw = true;
    }
  }).join();
  CHECK(threw);
  CHECK(rw.shared_holders() == 1);
  rw.unlock_shared();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(probe.kinds(rw.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexReleasedShared, EventKind::MutexAcquired,
                                 EventKind::MutexReleasedShared, EventKind::MutexReleased,
                                 EventKind::MutexAcquiredShared, EventKind::MutexReleasedShared,
                                 EventKind::MutexReleasedShared});
  for (int i : {1, 3, 6}) {
    INFO("event " << i);
    CHECK(events[i].flags == flag::kFlagNotOwner);
    CHECK(events[i].seq == flag::kNoSeq);
  }
  CHECK(events[7].flags == 0);
  CHECK(events[7].arg == 0);
  // The refused unlocks took no place in the order.
  CHECK(events[7].seq == 3);
}

TEST_CASE("an exclusive unlock by a thread that does not hold it exclusively is recorded and refused",
          "[shared_mutex][misuse]") {
  weft::shared_mutex rw("rw_misuse_exclusive");
  CHECK_THROWS_AS(rw.unlock(), std::system_error);  // nobody holds it
  rw.lock_shared();
  CHECK_THROWS_AS(rw.unlock(), std::system_error);  // held, but shared
  rw.unlock_shared();
  rw.lock();
  bool threw = false;
  std::thread([&] {
    try {
      rw.unlock();  // held by another thread
    } catch (const std::system_error&) {
      threw = true;
    }
  }).join();
  CHECK(threw);
  CHECK(rw.holder() == long(weft::this_thread::id()));
  rw.unlock();
  CHECK(rw.try_lock());  // and it still works
  rw.unlock();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(rw.id());
  REQUIRE(events.size() == 10);
  for (int i : {1, 3, 6}) {
    INFO("event " << i);
    CHECK(events[i].kind == EventKind::MutexReleased);
    CHECK(events[i].flags == flag::kFlagNotOwner);
    CHECK(events[i].seq == flag::kNoSeq);
  }
}

TEST_CASE("every shared_mutex operation passes through the sync point", "[shared_mutex][sync_point]") {
  std::vector<weft::test::SeenEvent> seen;
  std::uint32_t id = 0;
  {
    weft::test::SyncWatch watch;
    weft::shared_mutex rw("rw_hooked");
    id = rw.id();
    bool results[4] = {true, false, true, true};
    rw.lock_shared();
    std::thread([&] {
      results[0] = rw.try_lock();
      results[1] = rw.try_lock_shared();
      if (results[1]) rw.unlock_shared();
    }).join();
    rw.unlock_shared();
    rw.lock();
    std::thread([&] {
      results[2] = rw.try_lock_shared();
      results[3] = rw.try_lock_shared_for(1ms);
    }).join();
    rw.unlock();
    CHECK_FALSE(results[0]);
    CHECK(results[1]);
    CHECK_FALSE(results[2]);
    CHECK_FALSE(results[3]);
    seen = watch.seen();
  }
  const auto probe = weft::test::Probe::take();
  std::vector<std::pair<EventKind, std::uint64_t>> hooked, traced;
  for (const auto& e : seen)
    if (e.object == id && e.kind != EventKind::ObjectCreate && e.kind != EventKind::ObjectDestroy)
      hooked.emplace_back(e.kind, e.seq);
  for (const auto& e : probe.on_object(id))
    if (e.kind != EventKind::ObjectCreate && e.kind != EventKind::ObjectDestroy) traced.emplace_back(e.kind, e.seq);
  CHECK(hooked.size() == 10);
  CHECK(hooked == traced);
}
