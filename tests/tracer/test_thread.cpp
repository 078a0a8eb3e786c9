#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <system_error>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;

namespace {
std::uint32_t object_of(const weft::format::Trace& t, std::uint32_t thread) { return t.thread(thread).object; }
}  // namespace

TEST_CASE("a named thread runs with its arguments and is created, started, ended and joined in order", "[thread]") {
  int result = 0;
  weft::thread t("worker-1", [&](int a, int b) { result = a + b; }, 40, 2);
  CHECK(t.name() == "worker-1");
  CHECK(t.joinable());
  const std::uint32_t id = t.id();
  t.join();
  CHECK(result == 42);
  CHECK_FALSE(t.joinable());

  const auto probe = weft::test::Probe::take();
  const auto& info = probe.trace.thread(id);
  CHECK(info.name == "worker-1");
  REQUIRE(info.parent.has_value());
  CHECK(*info.parent == weft::this_thread::id());
  // create -> start -> end -> join in the thread object's order; join.begin
  // has no sequence number (it may come before the thread even starts).
  std::vector<weft::format::Event> ordered;
  for (const auto& e : probe.on_object(info.object))
    if (e.seq != weft::format::kNoSeq) ordered.push_back(e);
  REQUIRE(ordered.size() == 4);
  const EventKind expected[] = {EventKind::ThreadCreate, EventKind::ThreadStart, EventKind::ThreadEnd,
                                EventKind::ThreadJoinEnd};
  for (int i = 0; i < 4; ++i) {
    CHECK(ordered[i].kind == expected[i]);
    CHECK(ordered[i].seq == std::uint64_t(i));
  }
  const auto& events = ordered;
  CHECK(events[0].arg == id);
  CHECK(events[1].thread == id);
  CHECK(events[1].arg == t.native_id());
  CHECK(events[2].thread == id);
  CHECK(events[3].arg == 1);
  const auto all = probe.on_object(info.object);
  const auto join_begin = std::find_if(all.begin(), all.end(), [](const auto& e) { return e.kind == EventKind::ThreadJoinBegin; });
  REQUIRE(join_begin != all.end());
  CHECK(join_begin->time_ns <= events[3].time_ns);
  CHECK(probe.site_file(events[0]).find("test_thread.cpp") != std::string::npos);
}

TEST_CASE("threads may share a name, and unnamed ones are named as Python names them", "[thread]") {
  weft::thread a("twin", [] {});
  weft::thread b("twin", [] {});
  weft::thread c({}, [] {});
  CHECK(a.name() == b.name());
  CHECK(a.id() != b.id());
  CHECK(c.name().rfind("Thread-", 0) == 0);  // the numbering: test_thread_unnamed.cpp
}

TEST_CASE("join_for gives up after its timeout and succeeds once the thread ends", "[thread]") {
  std::atomic<bool> release{false};
  weft::thread t("slow", [&] {
    while (!release) std::this_thread::sleep_for(1ms);
  });
  CHECK(t.is_alive());
  CHECK_FALSE(t.join_for(20ms));
  CHECK(t.joinable());
  release = true;
  CHECK(t.join_for(5s));
  CHECK_FALSE(t.is_alive());
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(object_of(probe.trace, t.id()));
  std::vector<std::uint64_t> join_results;
  for (const auto& e : events)
    if (e.kind == EventKind::ThreadJoinEnd) join_results.push_back(e.arg);
  CHECK(join_results == std::vector<std::uint64_t>{0, 1});
}

TEST_CASE("joining a thread twice, or a default-constructed one, throws", "[thread]") {
  weft::thread t("once", [] {});
  t.join();
  CHECK_THROWS_AS(t.join(), std::system_error);
  weft::thread none;
  CHECK_THROWS_AS(none.join(), std::system_error);
  CHECK_THROWS_AS(none.detach(), std::system_error);
}

TEST_CASE("a thread joining itself gets an error, and the attempt is recorded", "[thread][misuse]") {
  weft::thread* self = nullptr;
  std::atomic<bool> ready{false};
  bool threw = false;
  weft::thread t("self-joiner", [&] {
    while (!ready) std::this_thread::yield();
    try {
      self->join();
    } catch (const std::system_error& e) {
      threw = e.code() == std::errc::resource_deadlock_would_occur;
    }
  });
  self = &t;
  ready = true;
  while (t.is_alive()) std::this_thread::sleep_for(1ms);
  t.join();
  CHECK(threw);
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(object_of(probe.trace, t.id()));
  CHECK(std::count_if(events.begin(), events.end(), [&](const auto& e) {
          return e.kind == EventKind::ThreadJoinBegin && e.thread == t.id();
        }) == 1);
}

TEST_CASE("is_alive, live_threads and active_count follow threads from start to end", "[thread]") {
  std::atomic<bool> release{false};
  weft::thread t("alive", [&] {
    while (!release) std::this_thread::sleep_for(1ms);
  });
  t.native_id();  // running now
  auto live = weft::live_threads();
  auto has = [&](std::uint32_t id) {
    return std::any_of(live.begin(), live.end(), [&](const weft::thread_info& i) { return i.id == id; });
  };
  CHECK(has(t.id()));
  CHECK(has(weft::this_thread::id()));
  const std::size_t before = weft::active_count();
  release = true;
  t.join();
  live = weft::live_threads();
  CHECK_FALSE(has(t.id()));
  CHECK(weft::active_count() == before - 1);
}

TEST_CASE("the main thread is registered as main", "[thread]") {
  const auto live = weft::live_threads();
  CHECK(std::count_if(live.begin(), live.end(), [](const weft::thread_info& i) { return i.main; }) == 1);
  const auto probe = weft::test::Probe::take();
  CHECK(std::count_if(probe.trace.threads.begin(), probe.trace.threads.end(), [](const auto& t) {
          return (t.flags & weft::format::kThreadMain) && t.name == "main";
        }) == 1);
}

TEST_CASE("a daemon thread is detached when its handle goes away, others are joined", "[thread]") {
  // Owned with the daemon: nobody joins it, so it may still be reading the
  // flag when this test has returned and its stack is reused.
  const auto release = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> normal_done{false};
  std::uint32_t daemon_id = 0, normal_id = 0;
  {
    weft::thread d({"daemon", true}, [release] {
      while (!*release) std::this_thread::sleep_for(1ms);
    });
    CHECK(d.daemon());
    daemon_id = d.id();
    weft::thread n("non-daemon", [&] {
      std::this_thread::sleep_for(10ms);
      normal_done = true;
    });
    normal_id = n.id();
  }  // n is joined here, d detached
  CHECK(normal_done);
  *release = true;
  const auto probe = weft::test::Probe::take();
  auto kinds_of = [&](std::uint32_t id) {
    std::vector<EventKind> k;
    for (const auto& e : probe.on_object(object_of(probe.trace, id))) k.push_back(e.kind);
    return k;
  };
  const auto dk = kinds_of(daemon_id);
  CHECK(std::count(dk.begin(), dk.end(), EventKind::ThreadDetach) == 1);
  const auto nk = kinds_of(normal_id);
  CHECK(std::count(nk.begin(), nk.end(), EventKind::ThreadJoinEnd) == 1);
  CHECK((probe.trace.thread(daemon_id).flags & weft::format::kThreadDaemon) != 0);
}

TEST_CASE("renaming a thread is recorded and changes its name everywhere", "[thread]") {
  std::string seen;
  weft::thread t("before", [&] {
    weft::this_thread::set_name("after");
    seen = weft::this_thread::name();
  });
  t.join();
  CHECK(seen == "after");
  CHECK(t.name() == "after");
  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.thread(t.id()).name == "after");
}

TEST_CASE("threads not started by weft are adopted on their first event", "[thread]") {
  std::uint32_t id = 0;
  std::uint64_t tid = 0;
  std::thread plain([&] {
    weft::mark("hello from std::thread");
    id = weft::this_thread::id();
    tid = weft::this_thread::native_id();
  });
  plain.join();
  const auto probe = weft::test::Probe::take();
  const auto& info = probe.trace.thread(id);
  CHECK((info.flags & weft::format::kThreadAdopted) != 0);
  CHECK(info.os_tid == tid);
  CHECK(probe.marks(id) == std::vector<std::string>{"hello from std::thread"});
  const auto events = probe.on_thread(id);
  CHECK(events.front().kind == EventKind::ThreadStart);
  CHECK(events.back().kind == EventKind::ThreadEnd);
}

TEST_CASE("hundreds of short threads each get their own id and complete stream", "[thread]") {
  std::set<std::uint32_t> ids;
  for (int i = 0; i < 200; ++i) {
    weft::thread t("short", [i] { weft::mark("m" + std::to_string(i)); });
    ids.insert(t.id());
  }
  CHECK(ids.size() == 200);
  const auto probe = weft::test::Probe::take();
  int i = 0;
  for (std::uint32_t id : ids) {
    CHECK(probe.marks(id) == std::vector<std::string>{"m" + std::to_string(i++)});
    const auto events = probe.on_thread(id);
    CHECK(events.front().kind == EventKind::ThreadStart);
    CHECK(events.back().kind == EventKind::ThreadEnd);
  }
}
