// Replay: the state after N events, as the state panel shows it, read off
// the analysis model; where the cursor came from does not matter.
#include <catch2/catch.hpp>

#include "replay.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/model.hpp"

using namespace weft;
using namespace weft::viewer;
using test::TraceMaker;

namespace {

struct Scene {
  TraceMaker m;
  std::uint32_t a = 0, b = 0, lock = 0, queue = 0, sem = 0, barrier = 0;
  std::uint64_t b_waits = 0, a_releases = 0, b_gets = 0;
};

Scene scene() {
  Scene s;
  auto& m = s.m;
  s.a = m.thread("A");
  s.b = m.thread("B");
  s.lock = m.object(format::ObjectKind::Mutex, "L");
  s.queue = m.object(format::ObjectKind::Queue, "Q");
  s.sem = m.object(format::ObjectKind::Semaphore, "S");
  s.barrier = m.object(format::ObjectKind::Barrier, "B");
  m.start(s.a);
  m.start(s.b);
  m.add(s.a, format::EventKind::MutexAcquired, s.lock, 1);
  m.add(s.a, format::EventKind::MutexAcquired, s.lock, 2);  // recursive
  s.b_waits = m.add(s.b, format::EventKind::MutexLockBegin, s.lock);
  m.add(s.a, format::EventKind::QueuePut, s.queue, 7);
  m.add(s.a, format::EventKind::QueuePut, s.queue, 8);
  m.add(s.a, format::EventKind::SemReleased, s.sem, 3);
  m.add(s.a, format::EventKind::BarrierArrive, s.barrier, 0);  // generation 0, first
  m.add(s.a, format::EventKind::MutexReleased, s.lock, 1);
  s.a_releases = m.add(s.a, format::EventKind::MutexReleased, s.lock, 0);
  s.b_gets = m.add({s.b, format::EventKind::MutexAcquired, s.lock, 1, format::kFlagContended, 0, false});
  m.add(s.b, format::EventKind::QueueGet, s.queue, 7);
  m.add(s.b, format::EventKind::BarrierArrive, s.barrier, 1);
  m.add(s.b, format::EventKind::BarrierLeave, s.barrier, 1);
  m.add(s.b, format::EventKind::ThreadEnd, m.thread_object(s.b));
  return s;
}

// The state panel's whole content is the same in both.
void check_same(const ReplayState& got, const ReplayState& want) {
  CHECK(got.applied == want.applied);
  CHECK(got.holders.size() == want.holders.size());
  for (const auto& [lock, h] : want.holders) {
    REQUIRE(got.holders.count(lock));
    CHECK(got.holders.at(lock).thread == h.thread);
    CHECK(got.holders.at(lock).depth == h.depth);
    CHECK(got.holders.at(lock).since == h.since);
  }
  CHECK(got.waiting.size() == want.waiting.size());
  for (const auto& [thread, w] : want.waiting) {
    REQUIRE(got.waiting.count(thread));
    CHECK(got.waiting.at(thread).object == w.object);
    CHECK(got.waiting.at(thread).since == w.since);
  }
  CHECK(got.queue_depth == want.queue_depth);
  CHECK(got.semaphore_value == want.semaphore_value);
  CHECK(got.barrier_arrived == want.barrier_arrived);
  CHECK((got.queues == want.queues && got.semaphores == want.semaphores && got.barriers == want.barriers));
  CHECK(got.alive == want.alive);
  CHECK(got.ended == want.ended);
}

}  // namespace

TEST_CASE("at the cursor: who holds the lock, who waits for it, queue depth, semaphore value, barrier arrivals") {
  const Scene s = scene();
  const analysis::Model model = analysis::build_model(s.m.t);
  Replayer r(model);
  const ReplayState& mid = r.seek(s.b_waits + 1);  // B has just begun waiting
  REQUIRE(mid.holders.count(s.lock));
  CHECK(mid.holders.at(s.lock).thread == s.a);
  CHECK(mid.holders.at(s.lock).depth == 2);
  CHECK(mid.waiters_of(s.lock) == std::vector<std::uint32_t>{s.b});
  CHECK(mid.waiting.at(s.b).state == State::Lock);

  const ReplayState& later = r.seek(s.a_releases);  // A released once of twice
  CHECK(later.holders.at(s.lock).depth == 1);
  CHECK(later.queue_depth.at(s.queue) == 2);
  CHECK(later.semaphore_value.at(s.sem) == 3);
  CHECK(later.barrier_arrived.at(s.barrier) == 1);

  const ReplayState& got = r.seek(s.b_gets + 1);
  CHECK(got.holders.at(s.lock).thread == s.b);
  CHECK(got.waiting.empty());

  const ReplayState& end = r.seek(s.m.t.events.size());
  CHECK(end.queue_depth.at(s.queue) == 1);
  CHECK(end.barrier_arrived.at(s.barrier) == 0);  // the generation passed
  CHECK(end.ended.count(s.b));
  CHECK_FALSE(end.alive.count(s.b));
  CHECK(end.alive.count(s.a));
}

TEST_CASE("seeking anywhere, in any order, lands on the same state as a fresh replayer") {
  const Scene s = scene();
  const analysis::Model model = analysis::build_model(s.m.t);
  Replayer scrubbing(model);
  scrubbing.seek(s.m.t.events.size());
  for (std::uint64_t cursor = s.m.t.events.size() + 1; cursor-- > 0;) {
    Replayer fresh(model);
    const ReplayState& want = fresh.seek(cursor);
    const ReplayState& got = scrubbing.seek(cursor);
    INFO("cursor " << cursor);
    CHECK(got.applied == cursor);
    check_same(got, want);
  }
}

TEST_CASE("replayers reading one index built beforehand (the document's) land where one with its own does") {
  const Scene s = scene();
  const analysis::Model model = analysis::build_model(s.m.t);
  const ReplayIndex index(model);
  CHECK(index.waits.size() == s.m.t.threads.size());
  CHECK(index.values.size() == 3);  // the queue's, the semaphore's, the barrier's series
  CHECK((index.queues == 1 && index.semaphores == 1 && index.barriers == 1));
  // Two at once, scrubbing in opposite directions: the index is only read.
  Replayer forward(model, index), backward(model, index);
  const std::uint64_t n = s.m.t.events.size();
  for (std::uint64_t k = 0; k <= n; ++k) {
    Replayer own(model);
    INFO("cursor " << k);
    check_same(forward.seek(k), own.seek(k));
    Replayer own_back(model);
    check_same(backward.seek(n - k), own_back.seek(n - k));
  }
}

TEST_CASE("a shared mutex: readers hold it together, a writer alone") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B"), w = m.thread("W");
  const auto rw = m.object(format::ObjectKind::SharedMutex, "table");
  m.start(a);
  m.start(b);
  m.start(w);
  m.add(a, format::EventKind::MutexAcquiredShared, rw, 1);
  const auto both = m.add(b, format::EventKind::MutexAcquiredShared, rw, 2);
  const auto writer_waits = m.add(w, format::EventKind::MutexLockBegin, rw);
  m.add(a, format::EventKind::MutexReleasedShared, rw, 1);
  m.add(b, format::EventKind::MutexReleasedShared, rw, 0);
  const auto writer_in = m.add({w, format::EventKind::MutexAcquired, rw, 1, format::kFlagContended, 0, false});
  const analysis::Model model = analysis::build_model(m.t);
  Replayer r(model);

  const ReplayState& reading = r.seek(writer_waits + 1);
  REQUIRE(reading.readers.count(rw));
  std::vector<std::uint32_t> readers;
  for (const LockHolder& h : reading.readers.at(rw)) readers.push_back(h.thread);
  CHECK(readers == std::vector<std::uint32_t>{a, b});
  CHECK(reading.readers.at(rw)[1].since == both);
  CHECK_FALSE(reading.holders.count(rw));
  CHECK(reading.waiters_of(rw) == std::vector<std::uint32_t>{w});

  const ReplayState& writing = r.seek(writer_in + 1);
  CHECK_FALSE(writing.readers.count(rw));
  REQUIRE(writing.holders.count(rw));
  CHECK(writing.holders.at(rw).thread == w);
  CHECK(writing.waiting.empty());
}

TEST_CASE("a condition wait keeps its thread waiting through the mutex release inside it") {
  TraceMaker m;
  const auto a = m.thread("A");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  const auto cond = m.object(format::ObjectKind::Condition, "C");
  m.start(a);
  m.lock(a, lock);
  const auto begin = m.add(a, format::EventKind::CondWaitBegin, cond, lock);
  m.add({a, format::EventKind::MutexReleased, lock, 0, format::kFlagCondition, 0, false});
  const analysis::Model model = analysis::build_model(m.t);
  Replayer r(model);
  const ReplayState& s = r.seek(m.t.events.size());
  REQUIRE(s.waiting.count(a));
  CHECK(s.waiting.at(a).state == State::Condition);
  CHECK(s.waiting.at(a).object == cond);
  CHECK(s.waiting.at(a).since == begin);
  CHECK(s.holders.empty());  // the wait gave the lock up
}

TEST_CASE("past the listed number of semaphores the state holds those waited on and counts all") {
  TraceMaker m;
  const std::uint32_t a = m.thread("A"), b = m.thread("B");
  std::vector<std::uint32_t> sems;
  for (std::size_t k = 0; k < kValuesListed + 36; ++k)
    sems.push_back(m.object(format::ObjectKind::Semaphore, "S" + std::to_string(k)));
  m.start(a);
  m.start(b);
  for (const std::uint32_t sem : sems) m.add(a, format::EventKind::SemReleased, sem, 1);
  const std::uint32_t waited = sems[40];
  m.add(a, format::EventKind::SemAcquired, waited, 0);
  const std::uint64_t begins = m.add(b, format::EventKind::SemAcquireBegin, waited);
  m.add(a, format::EventKind::SemReleased, waited, 1);
  m.add({b, format::EventKind::SemAcquired, waited, 0, format::kFlagContended});
  const analysis::Model model = analysis::build_model(m.t);
  Replayer r(model);

  const ReplayState& waiting = r.seek(begins + 1);
  CHECK(waiting.values_partial());
  CHECK(waiting.semaphores == sems.size());
  CHECK(waiting.queues == 0);
  REQUIRE(waiting.semaphore_value.size() == 1);
  CHECK(waiting.semaphore_value.at(waited) == 0);
  CHECK(waiting.waiters_of(waited) == std::vector<std::uint32_t>{b});

  const ReplayState& end = r.seek(m.t.events.size());
  CHECK(end.values_partial());
  CHECK(end.semaphore_value.empty());  // nobody waits: nothing listed
  CHECK(end.semaphores == sems.size());
}

TEST_CASE("with few counted objects every value is in the state") {
  const Scene s = scene();
  const analysis::Model model = analysis::build_model(s.m.t);
  Replayer r(model);
  const ReplayState& end = r.seek(s.m.t.events.size());
  CHECK_FALSE(end.values_partial());
  CHECK(end.queues == 1);
  CHECK(end.semaphores == 1);
  CHECK(end.barriers == 1);
  CHECK(end.queue_depth.size() == 1);
}
