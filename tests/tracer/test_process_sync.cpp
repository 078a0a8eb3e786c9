// weft::process_mutex, process_semaphore, process_queue, shared_memory and
// shared_value (process_sync.hpp, process_queue.hpp, shared_memory.hpp).
// Across processes, through ipc_child's modes run traced, each process's
// trace loaded: the exclusion, counting and delivery a user relies on, and
// that the traces let weft's readers put the processes together — the
// objects carry one run-wide key in every trace, and the sequence numbers
// of one object, taken from its counter in shared memory, form one gapless
// order over all the processes. In one process: the API and its refusals.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include <weft/format/loader.hpp>

#include "ipc_run.hpp"
#include <weft/lock_guards.hpp>
#include <weft/process_queue.hpp>
#include <weft/process_sync.hpp>
#include <weft/shared_memory.hpp>

using weft::format::Event;
using weft::format::EventKind;
using weft::format::Trace;
using namespace std::chrono_literals;

namespace {

using Run = weft::test::IpcRun;
using weft::test::run_ipc;

// The object named `name` in every trace of the run, with one run-wide key.
std::vector<std::uint32_t> object_in_all(const Run& run, const std::string& name,
                                         weft::format::ObjectKind kind) {
  std::vector<std::uint32_t> ids;
  std::set<std::uint64_t> keys;
  for (const Trace* t : run.all()) {
    const auto it =
        std::find_if(t->objects.begin(), t->objects.end(), [&](const auto& o) { return o.name == name; });
    REQUIRE(it != t->objects.end());
    CHECK(it->kind == kind);
    keys.insert(it->shared_key);
    ids.push_back(it->id);
  }
  CHECK(keys.size() == 1);
  CHECK(*keys.begin() != 0);
  return ids;
}

std::vector<Event> events_on(const Trace& t, std::uint32_t object, EventKind kind) {
  std::vector<Event> out;
  for (const Event& e : t.events)
    if (e.object == object && e.kind == kind) out.push_back(e);
  return out;
}

// A sequenced event, and which process's trace it is in.
struct Sequenced {
  std::uint64_t seq;
  EventKind kind;
  std::size_t process;
  std::uint64_t arg;
};

// The sequenced events on the object (ids[i] in the run's i-th trace), by
// sequence number; REQUIREs the numbers to be 0, 1, 2, ... without a gap or
// a repeat across all the processes.
std::vector<Sequenced> one_order(const Run& run, const std::vector<std::uint32_t>& ids) {
  std::vector<Sequenced> all;
  const auto traces = run.all();
  for (std::size_t p = 0; p < traces.size(); ++p)
    for (const Event& e : traces[p]->events)
      if (e.object == ids[p] && e.seq != weft::format::kNoSeq) all.push_back({e.seq, e.kind, p, e.arg});
  std::sort(all.begin(), all.end(), [](const Sequenced& a, const Sequenced& b) { return a.seq < b.seq; });
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO("sequence number " << i);
    REQUIRE(all[i].seq == i);
  }
  return all;
}

const Trace& child_named(const Run& run, const std::string& name) {
  const auto it = std::find_if(run.children.begin(), run.children.end(),
                               [&](const Trace& t) { return t.info.process_name == name; });
  REQUIRE(it != run.children.end());
  return *it;
}

std::size_t count_kind(const std::vector<Sequenced>& events, EventKind kind) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](const Sequenced& e) { return e.kind == kind; }));
}

}  // namespace

TEST_CASE("process_mutex: two processes increment a counter 10000 times each under it", "[process_sync][ipc]") {
  const Run run = run_ipc({"mutex", "10000"});
  CHECK(run.out == "counter 20000\n");
  REQUIRE(run.children.size() == 1);
  const auto ids = object_in_all(run, "counter_lock", weft::format::ObjectKind::Mutex);
  // One gapless order of holds over both traces: acquired, released, by the
  // same process, and again.
  const auto order = one_order(run, ids);
  REQUIRE(order.size() == 4 * 10000);
  std::size_t by_child = 0;
  for (std::size_t i = 0; i < order.size(); i += 2) {
    INFO("hold " << i / 2);
    REQUIRE(order[i].kind == EventKind::MutexAcquired);
    REQUIRE(order[i].arg == 1);
    REQUIRE(order[i + 1].kind == EventKind::MutexReleased);
    REQUIRE(order[i + 1].arg == 0);
    REQUIRE(order[i].process == order[i + 1].process);
    by_child += order[i].process;
  }
  CHECK(by_child == 10000);
  // Recorded where the program locks, in both processes.
  for (const Trace* t : run.all())
    for (const Event& e : events_on(*t, ids[t == &run.parent ? 0 : 1], EventKind::MutexAcquired)) {
      const auto& site = t->site(e.site);
      REQUIRE(site.file.size() >= 13);
      REQUIRE(site.file.substr(site.file.size() - 13) == "ipc_child.cpp");
    }
}

TEST_CASE("process_mutex: a lock whose holder died is recovered, and that is logged", "[process_sync][ipc]") {
  const Run run = run_ipc({"robust"});
  REQUIRE(run.children.size() == 1);
  const std::string child_pid = std::to_string(run.children[0].info.pid);
  CHECK(run.out == "recovered from " + child_pid + "\n");
  const auto ids = object_in_all(run, "robust", weft::format::ObjectKind::Mutex);
  const auto order = one_order(run, ids);
  // The child's acquisition with no release, then the parent's hold.
  REQUIRE(order.size() == 3);
  CHECK((order[0].kind == EventKind::MutexAcquired && order[0].process == 1));
  CHECK((order[1].kind == EventKind::MutexAcquired && order[1].process == 0));
  CHECK((order[2].kind == EventKind::MutexReleased && order[2].process == 0));
  std::vector<std::string> logs;
  for (const Event& e : run.parent.events)
    if (e.kind == EventKind::Log) logs.emplace_back(run.parent.text(e));
  CHECK(std::count(logs.begin(), logs.end(),
                   "weft: robust: its holder (pid " + child_pid + ") died holding it; the lock was recovered") == 1);
}

TEST_CASE("process_mutex: in one process, as weft::mutex", "[process_sync]") {
  weft::process_mutex m("local");
  CHECK(m.holder_pid() == 0);
  {
    std::lock_guard<weft::process_mutex> hold(m);
    CHECK(m.holder_pid() == ::getpid());
    bool other_got = true, other_timed = true;
    std::thread other([&] {
      other_got = m.try_lock();
      other_timed = m.try_lock_for(20ms);
      CHECK_THROWS_AS(m.unlock(), std::system_error);  // not the holder: refused
    });
    other.join();
    CHECK_FALSE(other_got);
    CHECK_FALSE(other_timed);
  }
  CHECK(m.holder_pid() == 0);
  CHECK_THROWS_AS(m.unlock(), std::system_error);  // not held
  CHECK(m.try_lock_for(10ms));
  m.unlock();
  CHECK(m.try_lock_until(std::chrono::system_clock::now() + 10ms));
  m.unlock();
  {
    std::unique_lock<weft::process_mutex> lock(m, std::try_to_lock);
    CHECK(lock.owns_lock());
  }
  {
    weft::lock_guard<weft::process_mutex> hold(m);  // weft's guards take it too
    CHECK(m.holder_pid() == ::getpid());
  }
  CHECK(m.holder_pid() == 0);
}

TEST_CASE("process_semaphore: counts across processes", "[process_sync][ipc]") {
  const Run run = run_ipc({"semaphore"});
  CHECK(run.out.rfind("most ", 0) == 0);  // ipc_child checked it is at most 2
  REQUIRE(run.children.size() == 3);
  // "items" is known to the first child (made before it) and the parent;
  // "slots" to all. Three releases in the releaser, three acquisitions in
  // the parent, one order.
  Run items_run{run.out, run.parent, {child_named(run, "releaser")}};
  const auto items = one_order(items_run, object_in_all(items_run, "items", weft::format::ObjectKind::Semaphore));
  REQUIRE(items.size() == 6);
  for (const Sequenced& e : items)
    CHECK(e.process == (e.kind == EventKind::SemReleased ? 1u : 0u));
  CHECK(count_kind(items, EventKind::SemAcquired) == 3);
  CHECK(items.back().kind == EventKind::SemAcquired);
  CHECK(items.back().arg == 0);
  Run slots_run{run.out, run.parent, {child_named(run, "enter-1"), child_named(run, "enter-2")}};
  const auto slots = one_order(slots_run, object_in_all(slots_run, "slots", weft::format::ObjectKind::Semaphore));
  CHECK(slots.size() == 3 * 200 * 2);
  for (const Sequenced& e : slots) CHECK(e.arg <= 2);  // the value after: never above the initial 2
}

TEST_CASE("process_semaphore: in one process, as weft::semaphore", "[process_sync]") {
  CHECK_THROWS_AS(weft::process_semaphore(-1), std::invalid_argument);
  weft::process_semaphore s(1, "local_sem");
  CHECK(s.try_acquire());
  CHECK_FALSE(s.try_acquire());
  CHECK_FALSE(s.try_acquire_for(10ms));
  s.release(2);
  CHECK(s.value() == 2);
  s.acquire();
  CHECK(s.value() == 1);
  CHECK_THROWS_AS(s.release(0), std::invalid_argument);
  std::thread waiter([&] {
    s.acquire();
    s.acquire();  // blocks until the release below
  });
  s.release();
  waiter.join();
  CHECK(s.value() == 0);
}

TEST_CASE("process_queue: one producer, two consumers, a sentinel each: every item got once", "[process_sync][ipc]") {
  const Run run = run_ipc({"queue", "100"});
  CHECK(run.out == "ok 100\n");
  REQUIRE(run.children.size() == 2);
  const auto ids = object_in_all(run, "jobs", weft::format::ObjectKind::Queue);
  const auto puts = events_on(run.parent, ids[0], EventKind::QueuePut);
  REQUIRE(puts.size() == 102);
  std::multiset<std::uint64_t> put_ids, got_ids;
  for (const Event& e : puts) put_ids.insert(e.arg);
  CHECK(std::set<std::uint64_t>(put_ids.begin(), put_ids.end()).size() == 102);
  for (std::size_t c = 0; c < 2; ++c) {
    const auto gets = events_on(run.children[c], ids[c + 1], EventKind::QueueGet);
    CHECK_FALSE(gets.empty());  // both consumers took at least their sentinel
    for (const Event& e : gets) got_ids.insert(e.arg);
  }
  CHECK(got_ids == put_ids);
  const auto order = one_order(run, ids);
  CHECK(count_kind(order, EventKind::QueuePut) == 102);
  CHECK(count_kind(order, EventKind::QueueGet) == 102);
}

TEST_CASE("process_queue: in one process, as a bounded weft::queue", "[process_sync]") {
  CHECK_THROWS_AS(weft::process_queue<int>(0), std::invalid_argument);
  struct point {
    int x = 0;
    double y = 0;
  };
  weft::process_queue<point> q(2, "local_queue");
  CHECK(q.empty());
  q.put({1, 1.5});
  q.put_nowait({2, 2.5});
  CHECK(q.full());
  CHECK(q.size() == 2);
  CHECK_THROWS_AS(q.put_nowait({3, 0}), weft::queue_full);
  CHECK_FALSE(q.put_for({3, 0}, 10ms));
  CHECK_THROWS_AS(q.put({3, 0}, 10ms), weft::queue_full);
  CHECK(q.get().x == 1);  // FIFO
  const point second = q.get_nowait();
  CHECK((second.x == 2 && second.y == 2.5));
  CHECK_THROWS_AS(q.get_nowait(), weft::queue_empty);
  CHECK_FALSE(q.get_for(10ms).has_value());
  CHECK_THROWS_AS(q.get(10ms), weft::queue_empty);
  std::thread producer([&] {
    for (int i = 0; i < 50; ++i) q.put({i, 0});  // blocks whenever the two slots are full
  });
  for (int i = 0; i < 50; ++i) CHECK(q.get().x == i);
  producer.join();
}

TEST_CASE("shared_value: without the lock, both processes' reads and writes are on one object", "[process_sync][ipc]") {
  // The total is not checked: the lost updates are likely, not certain.
  const Run run = run_ipc({"value-race", "1000"});
  CHECK(run.out.rfind("value ", 0) == 0);
  REQUIRE(run.children.size() == 1);
  const auto ids = object_in_all(run, "value", weft::format::ObjectKind::Shared);
  const auto traces = run.all();
  for (std::size_t p = 0; p < traces.size(); ++p) {
    CHECK(events_on(*traces[p], ids[p], EventKind::SharedRead).size() >= 1000);
    CHECK(events_on(*traces[p], ids[p], EventKind::SharedWrite).size() == 1000);
  }
}

TEST_CASE("shared_value: with its lock the total is exact", "[process_sync][ipc]") {
  const Run run = run_ipc({"value-locked", "5000"});
  CHECK(run.out == "value 10000\n");
  const auto lock = one_order(run, object_in_all(run, "value.lock", weft::format::ObjectKind::Mutex));
  CHECK(lock.size() == 4 * 5000);
  // No update was lost: the writes of both processes wrote 1, 2, ..., 10000,
  // each once.
  const auto ids = object_in_all(run, "value", weft::format::ObjectKind::Shared);
  std::vector<std::uint64_t> written;
  const auto traces = run.all();
  for (std::size_t p = 0; p < traces.size(); ++p)
    for (const Event& e : events_on(*traces[p], ids[p], EventKind::SharedWrite)) written.push_back(e.arg);
  std::sort(written.begin(), written.end());
  REQUIRE(written.size() == 10000);
  for (std::size_t i = 0; i < written.size(); ++i) REQUIRE(written[i] == i + 1);
}

TEST_CASE("shared_memory and shared_value: plain access in one process", "[process_sync]") {
  weft::shared_memory<std::array<int, 4>> a(std::array<int, 4>{1, 2, 3, 4});
  (*a)[2] = 30;
  CHECK(a->at(2) == 30);
  CHECK(a.get()->size() == 4);
  weft::shared_value<long> v(5, "local_value");
  v += 2;
  ++v;
  const long old = v++;
  CHECK(old == 8);
  v = 20;
  CHECK(v.get() == 20);
  v -= 5;
  CHECK(long(v) == 15);
  CHECK(v.get_lock().try_lock());
  v.get_lock().unlock();
}
