// weft::queue<T>: Python's queue.Queue semantics (FIFO, bounded and
// unbounded, blocking / non-blocking / timed put and get, task_done and
// join) and its events: every get carries the id its item got when it was
// put, which is how analysis pairs them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using namespace std::chrono_literals;
namespace fmt = weft::format;

namespace {

std::vector<fmt::Event> of_kind(const std::vector<fmt::Event>& events, EventKind kind) {
  std::vector<fmt::Event> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out), [&](const fmt::Event& e) { return e.kind == kind; });
  return out;
}

}  // namespace

TEST_CASE("an unbounded queue hands items out in FIFO order and each get carries its put's item id", "[queue]") {
  weft::queue<std::string> q(0, "q_fifo");
  CHECK(q.maxsize() == 0);
  CHECK(q.empty());
  CHECK_FALSE(q.full());
  for (int i = 0; i < 10; ++i) q.put("item-" + std::to_string(i));
  CHECK(q.size() == 10);
  CHECK_FALSE(q.full());  // never full when unbounded
  for (int i = 0; i < 10; ++i) CHECK(q.get() == "item-" + std::to_string(i));
  CHECK(q.empty());

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(q.id()).kind == fmt::ObjectKind::Queue);
  CHECK(probe.trace.object(q.id()).extra == 0);  // maxsize
  const auto events = probe.on_object(q.id());
  const auto puts = of_kind(events, EventKind::QueuePut);
  const auto gets = of_kind(events, EventKind::QueueGet);
  REQUIRE(puts.size() == 10);
  REQUIRE(gets.size() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(puts[i].seq == i);
    CHECK(gets[i].seq == 10 + i);
    CHECK(puts[i].flags == 0);
    CHECK(gets[i].flags == 0);
    CHECK(gets[i].arg == puts[i].arg);
    CHECK(probe.site_file(puts[i]).find("test_queue.cpp") != std::string::npos);
    CHECK(probe.site_file(gets[i]).find("test_queue.cpp") != std::string::npos);
  }
  std::vector<std::uint64_t> ids;
  for (const auto& p : puts) ids.push_back(p.arg);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());  // distinct ids
}

TEST_CASE("items from several producers reach a consumer in put order with matching ids", "[queue]") {
  constexpr int kProducers = 3, kItems = 200;
  weft::queue<std::pair<int, int>> q(8, "q_mpsc");  // bounded: producers also wait for room
  std::vector<std::pair<int, int>> received;
  std::uint32_t consumer_id = 0;
  std::map<std::uint32_t, int> producer_of;  // weft thread id -> producer number
  std::vector<std::uint32_t> producer_ids(kProducers);
  {
    std::vector<weft::thread> producers;
    for (int p = 0; p < kProducers; ++p)
      producers.emplace_back("q_producer", [&, p] {
        producer_ids[static_cast<std::size_t>(p)] = weft::this_thread::id();
        for (int i = 0; i < kItems; ++i) q.put({p, i});
      });
    weft::thread consumer("q_consumer", [&] {
      consumer_id = weft::this_thread::id();
      for (int i = 0; i < kProducers * kItems; ++i) received.push_back(q.get());
    });
  }  // all joined
  for (int p = 0; p < kProducers; ++p) producer_of[producer_ids[static_cast<std::size_t>(p)]] = p;
  REQUIRE(received.size() == std::size_t{kProducers * kItems});
  // FIFO per producer.
  std::vector<int> next(kProducers, 0);
  for (const auto& [p, i] : received) CHECK(i == next[static_cast<std::size_t>(p)]++);
  CHECK(q.empty());

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(q.id());
  auto puts = of_kind(events, EventKind::QueuePut);
  const auto gets = of_kind(events, EventKind::QueueGet);
  REQUIRE(puts.size() == received.size());
  REQUIRE(gets.size() == received.size());
  // The value of each put follows from its thread and its rank there.
  std::map<std::uint32_t, int> rank;
  std::vector<std::pair<int, int>> put_values;
  std::sort(puts.begin(), puts.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (const auto& e : puts) put_values.emplace_back(producer_of.at(e.thread), rank[e.thread]++);
  // The n-th get returned the n-th put's item, and says so with its id.
  for (std::size_t n = 0; n < gets.size(); ++n) {
    CHECK(gets[n].thread == consumer_id);
    CHECK(gets[n].arg == puts[n].arg);
    CHECK(gets[n].seq > puts[n].seq);
    CHECK(received[n] == put_values[n]);
  }
}

TEST_CASE("a bounded queue refuses put_nowait and a timed put when full and blocks a put until a get", "[queue]") {
  weft::queue<int> q(2, "q_bounded");
  weft::test::SyncWatch watch;
  q.put(1);
  q.put(2);
  CHECK(q.full());
  CHECK(q.size() == 2);
  CHECK_THROWS_AS(q.put_nowait(3), weft::queue_full);
  CHECK_THROWS_AS(q.put(3, 20ms), weft::queue_full);
  CHECK(q.size() == 2);
  std::uint32_t producer_id = 0;
  std::thread producer([&] {
    producer_id = weft::this_thread::id();
    q.put(3);
  });
  REQUIRE(watch.wait_for(EventKind::QueuePutBegin, q.id(), 2));
  CHECK(q.get() == 1);
  producer.join();
  CHECK(q.get() == 2);
  CHECK(q.get() == 3);
  CHECK(q.empty());

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(q.id()).extra == 2);
  REQUIRE(probe.kinds(q.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::QueuePut, EventKind::QueuePut,
                                 EventKind::QueuePutFailed, EventKind::QueuePutBegin, EventKind::QueuePutFailed,
                                 EventKind::QueuePutBegin, EventKind::QueueGet, EventKind::QueuePut,
                                 EventKind::QueueGet, EventKind::QueueGet});
  const auto e = probe.on_object(q.id());
  CHECK(e[3].flags == fmt::kFlagTry);
  CHECK(e[3].seq == kNoSeq);
  CHECK(e[4].flags == fmt::kFlagTimed);
  CHECK(e[5].flags == fmt::kFlagTimed);
  CHECK(e[5].seq == kNoSeq);
  CHECK(e[5].time_ns - e[4].time_ns >= 15'000'000);
  CHECK(e[6].thread == producer_id);
  CHECK(e[6].flags == 0);
  CHECK(e[7].thread == weft::this_thread::id());
  CHECK(e[8].thread == producer_id);
  CHECK(e[8].flags == fmt::kFlagContended);
  CHECK(e[8].seq == e[7].seq + 1);  // the put got the room the get made
  CHECK(e[10].arg == e[8].arg);
}

TEST_CASE("get_nowait and a timed get on an empty queue throw queue_empty and a blocked get is woken by a put", "[queue]") {
  weft::queue<int> q(0, "q_empty");
  weft::test::SyncWatch watch;
  CHECK_THROWS_AS(q.get_nowait(), weft::queue_empty);
  CHECK_THROWS_AS(q.get(20ms), weft::queue_empty);
  int got = 0;
  std::thread consumer([&] { got = q.get(); });
  REQUIRE(watch.wait_for(EventKind::QueueGetBegin, q.id(), 2));
  q.put(7);
  consumer.join();
  CHECK(got == 7);
  q.put(8);
  CHECK(q.get(1s) == 8);  // available: no wait

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(q.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::QueueGetFailed, EventKind::QueueGetBegin,
                                 EventKind::QueueGetFailed, EventKind::QueueGetBegin, EventKind::QueuePut,
                                 EventKind::QueueGet, EventKind::QueuePut, EventKind::QueueGet});
  const auto e = probe.on_object(q.id());
  CHECK(e[1].flags == fmt::kFlagTry);
  CHECK(e[2].flags == fmt::kFlagTimed);
  CHECK(e[3].flags == fmt::kFlagTimed);
  CHECK(e[3].time_ns - e[2].time_ns >= 15'000'000);
  CHECK(e[6].flags == fmt::kFlagContended);
  CHECK(e[6].arg == e[5].arg);
  CHECK(e[6].seq == e[5].seq + 1);
  CHECK(e[8].flags == fmt::kFlagTimed);
  CHECK(e[8].arg == e[7].arg);
}

TEST_CASE("join blocks until every item put has been marked done", "[queue]") {
  weft::queue<int> q(0, "q_join");
  weft::test::SyncWatch watch;
  q.join();  // nothing unfinished: returns at once
  for (int i = 1; i <= 3; ++i) q.put(i);
  int processed = 0;  // written by the worker before each task_done, read after join
  std::thread worker([&] {
    if (!watch.wait_for(EventKind::QueueJoinBegin, q.id())) return;
    for (int i = 0; i < 3; ++i) {
      processed += q.get();
      q.task_done();
    }
  });
  q.join();
  CHECK(processed == 6);
  worker.join();

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(q.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::QueueJoinEnd, EventKind::QueuePut,
                                 EventKind::QueuePut, EventKind::QueuePut, EventKind::QueueJoinBegin,
                                 EventKind::QueueGet, EventKind::QueueTaskDone, EventKind::QueueGet,
                                 EventKind::QueueTaskDone, EventKind::QueueGet, EventKind::QueueTaskDone,
                                 EventKind::QueueJoinEnd});
  const auto e = probe.on_object(q.id());
  CHECK(e[1].seq == 0);
  CHECK(e[5].seq == kNoSeq);
  CHECK(e[7].arg == 2);  // unfinished after
  CHECK(e[9].arg == 1);
  CHECK(e[11].arg == 0);
  CHECK(e[12].seq == e[11].seq + 1);  // the join ended right after the last task_done
  CHECK(e[12].thread == weft::this_thread::id());
}

TEST_CASE("task_done called more often than items were put throws and is recorded as rejected", "[queue]") {
  weft::queue<int> q(0, "q_too_done");
  q.put(1);
  CHECK(q.get() == 1);
  q.task_done();
  const unsigned line = __LINE__ + 1;
  CHECK_THROWS_AS(q.task_done(), std::logic_error);
  q.join();  // the count stayed at zero
  const auto probe = weft::test::Probe::take();
  const auto done = of_kind(probe.on_object(q.id()), EventKind::QueueTaskDone);
  REQUIRE(done.size() == 2);
  CHECK(done[0].flags == 0);
  CHECK(done[0].arg == 0);
  CHECK(done[1].flags == fmt::kFlagRejected);
  CHECK(done[1].seq == kNoSeq);
  CHECK(probe.trace.site(done[1].site).line == line);
}

TEST_CASE("a queue carries move-only items", "[queue]") {
  weft::queue<std::unique_ptr<int>> q(2, "q_unique");
  q.put(std::make_unique<int>(1));
  q.put_nowait(std::make_unique<int>(2));
  CHECK_THROWS_AS(q.put_nowait(std::make_unique<int>(3)), weft::queue_full);
  CHECK_THROWS_AS(q.put(std::make_unique<int>(3), 1ms), weft::queue_full);
  auto a = q.get();
  REQUIRE(a);
  CHECK(*a == 1);
  q.put(std::make_unique<int>(4), 1s);
  auto b = q.get_nowait();
  auto c = q.get(1s);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(*b == 2);
  CHECK(*c == 4);
  CHECK(q.empty());
}
