#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

#include "weft/analysis/detectors.hpp"
#include "weft/format/object_end.hpp"

#include "trace_maker.hpp"

using weft::analysis::FindingKind;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

TEST_CASE("every kind of misuse the runtime records is a finding about its object", "[misuse]") {
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b");
  const auto m = tm.object(ObjectKind::Mutex, "lock2");
  const auto loose = tm.object(ObjectKind::Mutex, "never_locked");
  const auto sem = tm.object(ObjectKind::BoundedSemaphore, "pool");
  const auto q = tm.object(ObjectKind::Queue, "jobs");
  const auto cv = tm.object(ObjectKind::Condition, "cv");
  const auto doomed = tm.object(ObjectKind::Mutex, "doomed");
  using Ev = TraceMaker::Ev;
  tm.lock(a, m);
  tm.add(Ev{b, EventKind::MutexReleased, m, 0, weft::format::kFlagNotOwner, 0, false});  // by a non-owner
  tm.add(Ev{a, EventKind::MutexReleased, loose, 0, weft::format::kFlagNotOwner, 0, true});  // nobody holds it
  tm.add(Ev{a, EventKind::SemReleased, sem, 1, weft::format::kFlagRejected, 0, true});
  tm.add(Ev{a, EventKind::QueueTaskDone, q, 0, weft::format::kFlagRejected, 0, true});
  tm.add(Ev{a, EventKind::CondWaitBegin, cv, m, weft::format::kFlagNotOwner, 0, true});
  tm.lock(b, doomed);
  tm.add(b, EventKind::ObjectDestroy, doomed, 1);
  tm.add(a, EventKind::ThreadJoinBegin, tm.thread_object(a), a);
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 7);
  std::vector<std::string> about;
  for (const auto& f : r.findings) {
    CHECK(f.kind == FindingKind::Misuse);
    about.push_back(f.about);
  }
  std::sort(about.begin(), about.end());
  CHECK(about == std::vector<std::string>{"a", "cv", "doomed", "jobs", "lock2", "never_locked", "pool"});
  const auto non_owner = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) { return f.about == "lock2"; });
  CHECK(non_owner->title.find("held by a") != std::string::npos);
}

TEST_CASE("an unlock a mutex that checks its owner refused names the holder, not nobody", "[misuse]") {
  // glibc's tst-mutex2: an error-checking mutex main holds, unlocked by
  // another thread: refused (EPERM), recorded without a sequence number.
  TraceMaker tm;
  const auto a = tm.thread("main"), b = tm.thread("worker");
  const auto m = tm.object(ObjectKind::Mutex, "m");
  tm.lock(a, m);
  tm.add(TraceMaker::Ev{b, EventKind::MutexReleased, m, 0, weft::format::kFlagNotOwner, 0, true});
  tm.unlock(a, m);
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].title.find("worker unlocks m, held by main") != std::string::npos);
  CHECK(r.findings[0].title.find(": refused") != std::string::npos);
  CHECK(r.findings[0].title.find("nobody") == std::string::npos);
}

TEST_CASE("a destroy the C library refused keeps the mutex: the destroy is misuse and its holder's unlock is not",
          "[misuse]") {
  // glibc's tst-mutex8: pthread_mutex_destroy of a locked mutex returns
  // EBUSY and changes nothing; weft records it flagged Rejected.
  TraceMaker tm;
  const auto a = tm.thread("main"), b = tm.thread("worker");
  const auto m = tm.object(ObjectKind::Mutex, "m");
  tm.lock(a, m);
  tm.add(TraceMaker::Ev{a, EventKind::ObjectDestroy, m, 1, weft::format::kFlagRejected, 0, true});
  tm.unlock(a, m);
  tm.lock(b, m);
  tm.unlock(b, m);
  tm.add(TraceMaker::Ev{a, EventKind::ObjectDestroy, m, 0, 0, 0, true});
  tm.end(weft::format::EndReason::Exit);
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].kind == FindingKind::Misuse);
  CHECK(r.findings[0].title.find("main destroys m while it is locked") == 0);
  CHECK(r.findings[0].title.find(": refused") != std::string::npos);
}

// check() finds misuse on the walk that builds its model (one decoding of
// every event for both); with a model from elsewhere (the viewer's), on a
// walk of its own; find_misuse walks alone. All three must say the same.
TEST_CASE("misuse found on the model's walk is what its own walk finds, finding for finding", "[misuse]") {
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b"), c = tm.thread("c");
  const auto m = tm.object(ObjectKind::Mutex, "lock2");
  const auto loose = tm.object(ObjectKind::Mutex, "never_locked");
  const auto rw = tm.object(ObjectKind::SharedMutex, "table");
  const auto sem = tm.object(ObjectKind::BoundedSemaphore, "pool");
  const auto cv = tm.object(ObjectKind::Condition, "cv");
  const auto kept = tm.object(ObjectKind::Mutex, "kept");
  const auto site = tm.site("p.cpp", 7);
  using Ev = TraceMaker::Ev;
  tm.lock(a, m);
  for (int i = 0; i < 2; ++i)  // twice at one site: one finding, counted
    tm.add(Ev{b, EventKind::MutexReleased, loose, 0, weft::format::kFlagNotOwner, site, false});
  tm.add(Ev{b, EventKind::MutexReleased, m, 0, weft::format::kFlagNotOwner, 0, true});  // held by a
  tm.add(Ev{a, EventKind::MutexReleasedShared, rw, 0, weft::format::kFlagNotOwner, 0, false});
  tm.add(Ev{a, EventKind::SemReleased, sem, 1, weft::format::kFlagRejected, 0, true});
  tm.add(Ev{a, EventKind::CondWaitBegin, cv, m, weft::format::kFlagNotOwner, 0, true});
  tm.lock(c, kept);
  tm.add(c, EventKind::ThreadEnd, tm.thread_object(c));  // ends holding `kept`
  tm.add(a, EventKind::ThreadJoinBegin, tm.thread_object(a), a);

  const auto misuse_of = [](std::vector<weft::analysis::Finding> found) {
    std::erase_if(found, [](const auto& f) { return f.kind != FindingKind::Misuse; });
    for (auto& f : found) std::sort(f.events.begin(), f.events.end());  // as check() gives them
    std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.title < y.title; });
    return found;
  };
  const auto on_model_walk = misuse_of(tm.check().findings);
  const auto alone = misuse_of(weft::analysis::find_misuse(tm.t));
  std::optional<weft::analysis::Model> model;
  const auto with_model_from_elsewhere =
      misuse_of(weft::analysis::check(tm.t, {}, nullptr, [&]() -> const weft::analysis::Model& {
                  return model.emplace(weft::analysis::build_model(tm.t));
                }).findings);
  REQUIRE(alone.size() == 7);
  for (const auto* other : {&on_model_walk, &with_model_from_elsewhere}) {
    REQUIRE(other->size() == alone.size());
    for (std::size_t i = 0; i < alone.size(); ++i) {
      INFO(alone[i].title);
      CHECK((*other)[i].title == alone[i].title);
      CHECK((*other)[i].explanation == alone[i].explanation);
      CHECK((*other)[i].about == alone[i].about);
      CHECK((*other)[i].threads == alone[i].threads);
      CHECK((*other)[i].objects == alone[i].objects);
      CHECK((*other)[i].sites == alone[i].sites);
      CHECK((*other)[i].events == alone[i].events);
      CHECK((*other)[i].count == alone[i].count);
    }
  }
  const auto ended = std::find_if(alone.begin(), alone.end(), [](const auto& f) { return f.about == "c"; });
  REQUIRE(ended != alone.end());
  CHECK(ended->title.find("ends while holding kept") != std::string::npos);
  const auto twice = std::find_if(alone.begin(), alone.end(), [](const auto& f) { return f.about == "never_locked"; });
  REQUIRE(twice != alone.end());
  CHECK(twice->count == 2);
}

TEST_CASE("destroying or initialising again an object in use: a lock held, a condition or barrier waited on",
          "[misuse]") {
  TraceMaker tm;
  const auto a = tm.thread("a");
  const auto m = tm.object(ObjectKind::Mutex, "cache_lock");
  const auto cv = tm.object(ObjectKind::Condition, "job_ready");
  const auto bar = tm.object(ObjectKind::Barrier, "start");
  const auto idle = tm.object(ObjectKind::Barrier, "idle");
  const auto reinit = static_cast<std::uint64_t>(weft::format::ObjectEnd::ReinitialisedInUse);
  const auto destroyed = static_cast<std::uint64_t>(weft::format::ObjectEnd::DestroyedInUse);
  tm.add(a, EventKind::ObjectDestroy, m, reinit);
  tm.add(a, EventKind::ObjectDestroy, cv, reinit);
  tm.add(a, EventKind::ObjectDestroy, bar, destroyed);
  tm.add(a, EventKind::ObjectDestroy, idle, static_cast<std::uint64_t>(weft::format::ObjectEnd::Idle));
  auto found = tm.check().findings;
  REQUIRE(found.size() == 3);
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.about < y.about; });
  CHECK(found[0].about == "cache_lock");
  CHECK(found[0].title.find("a initialises cache_lock while it is locked") == 0);
  CHECK(found[1].about == "job_ready");
  CHECK(found[1].title.find("a initialises condition job_ready while threads wait on it") == 0);
  CHECK(found[2].about == "start");
  CHECK(found[2].title.find("a destroys barrier start while threads wait at it") == 0);
}

TEST_CASE("a timed wait the C library refused for its deadline is misuse, on a condition, semaphore or lock",
          "[misuse]") {
  TraceMaker tm;
  const auto a = tm.thread("a");
  const auto m = tm.object(ObjectKind::Mutex, "job_lock");
  const auto cv = tm.object(ObjectKind::Condition, "job_ready");
  const auto sem = tm.object(ObjectKind::Semaphore, "slots");
  using Ev = TraceMaker::Ev;
  const std::uint8_t refused = weft::format::kFlagTimed | weft::format::kFlagRejected;
  tm.lock(a, m);
  for (int i = 0; i < 3; ++i) {  // a loop that spins on the refusal: one finding, counted
    tm.add(Ev{a, EventKind::CondWaitBegin, cv, m, refused, 0, true});
    tm.add(Ev{a, EventKind::CondWaitEnd, cv, 2, refused, 0, true});
  }
  tm.unlock(a, m);
  tm.add(Ev{a, EventKind::SemAcquireFailed, sem, 0, refused, 0, true});
  tm.add(Ev{a, EventKind::SemAcquireFailed, sem, 0, weft::format::kFlagTimed, 0, true});  // timed out: fine
  const auto table = tm.object(ObjectKind::SharedMutex, "table_lock");
  tm.add(Ev{a, EventKind::MutexTryFailed, table, 0, refused, 0, true});
  auto found = tm.check().findings;
  REQUIRE(found.size() == 3);
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.about < y.about; });
  CHECK(found[0].about == "job_ready");
  CHECK(found[0].count == 3);
  CHECK(found[0].title.find("a's timed wait on condition job_ready was refused") == 0);
  CHECK(found[1].about == "slots");
  CHECK(found[1].explanation.find("tv_nsec must be 0 to 999,999,999") != std::string::npos);
  CHECK(found[2].title.find("a's timed lock of table_lock was refused") == 0);
}

TEST_CASE("a thread that ended and was never joined nor detached is a leak, once per place of creation", "[misuse]") {
  // main creates five workers: two never joined (at one site), one joined,
  // one detached, one still running at the end; then its own end.
  const auto made = [](weft::format::EndReason reason) {
    TraceMaker tm;
    const auto main = tm.thread("main", weft::format::kThreadMain);
    std::vector<std::uint32_t> w;
    for (const char* name : {"leaked1", "leaked2", "joined", "detached", "running"}) w.push_back(tm.thread(name));
    const auto loop = tm.site("server.c", 30), other = tm.site("server.c", 40);
    tm.start(main);
    for (std::size_t i = 0; i < w.size(); ++i) {
      tm.add(main, EventKind::ThreadCreate, tm.thread_object(w[i]), w[i], i < 2 ? loop : other);
      tm.start(w[i]);
    }
    for (std::size_t i = 0; i < 4; ++i) tm.add(w[i], EventKind::ThreadEnd, tm.thread_object(w[i]));
    tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(w[2]), w[2]);
    tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(w[2]), 1);
    tm.add(main, EventKind::ThreadDetach, tm.thread_object(w[3]));
    tm.add(main, EventKind::ThreadEnd, tm.thread_object(main));
    tm.end(reason);
    return tm.check().findings;
  };
  const auto exited = made(weft::format::EndReason::Exit);
  REQUIRE(exited.size() == 1);
  CHECK(exited[0].kind == FindingKind::Misuse);
  CHECK(exited[0].about == "leaked1");
  CHECK(exited[0].count == 2);
  CHECK(exited[0].severity == weft::analysis::Severity::Warning);
  INFO(exited[0].title);
  CHECK(exited[0].title.find("leaked1 (created at server.c:30) ended and was never joined or detached") == 0);
  // Stopped by the watchdog: main may have been about to join them.
  CHECK(made(weft::format::EndReason::Watchdog).empty());
}

TEST_CASE("a thread joined or detached a second time is misuse that names the first", "[misuse]") {
  // main joins `joined` then detaches it; detaches `loner` twice; joins
  // `born`, created detached. A refused call is flagged Rejected.
  TraceMaker tm;
  const auto main = tm.thread("main", weft::format::kThreadMain);
  const auto joined = tm.thread("joined"), loner = tm.thread("loner"), born = tm.thread("born");
  const auto create = tm.site("pool.c", 10), join = tm.site("pool.c", 20), again = tm.site("pool.c", 30);
  tm.start(main);
  for (const auto w : {joined, loner, born}) {
    tm.add(main, EventKind::ThreadCreate, tm.thread_object(w), w, create);
    tm.start(w);
  }
  tm.add(main, EventKind::ThreadDetach, tm.thread_object(born), 0, create);  // created detached
  tm.add(joined, EventKind::ThreadEnd, tm.thread_object(joined));
  tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(joined), joined, join);
  tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(joined), 1, join);
  tm.add(main, EventKind::ThreadDetach, tm.thread_object(joined), 0, again, weft::format::kFlagRejected);
  tm.add(main, EventKind::ThreadDetach, tm.thread_object(loner), 0, join);
  tm.add(main, EventKind::ThreadDetach, tm.thread_object(loner), 0, again, weft::format::kFlagRejected);
  tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(born), born, again, weft::format::kFlagRejected);
  tm.add(TraceMaker::Ev{main, EventKind::ThreadJoinEnd, tm.thread_object(born), 0, weft::format::kFlagRejected,
                        again, true});
  auto found = tm.check().findings;
  REQUIRE(found.size() == 3);
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.about < y.about; });
  CHECK(found[0].about == "born");
  CHECK(found[0].title == "main joins born, which was created detached at pool.c:10, at pool.c:30");
  CHECK(found[1].about == "joined");
  CHECK(found[1].title == "main detaches joined, which it joined at pool.c:20, at pool.c:30");
  CHECK(found[2].about == "loner");
  CHECK(found[2].title == "main detaches loner, which it detached at pool.c:20, at pool.c:30");
  for (const auto& f : found) CHECK(f.kind == FindingKind::Misuse);
}

TEST_CASE("a lock or unlock the C library refused on a destroyed mutex names the destroy", "[misuse]") {
  // weft record: `cache_lock` destroyed by b; a call on its address after
  // that begins a new object there, and is recorded refused.
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b");
  const auto old = tm.object(ObjectKind::Mutex, "cache_lock"), now = tm.object(ObjectKind::Mutex, "cache_lock");
  tm.t.objects[old].address = tm.t.objects[now].address = 0x7000;
  const auto destroy = tm.site("cache.c", 5), use = tm.site("cache.c", 9);
  tm.lock(a, old);
  tm.unlock(a, old);
  tm.add(b, EventKind::ObjectDestroy, old, 0, destroy);
  const auto refused = weft::format::kFlagRejected;
  tm.add(a, EventKind::MutexTryFailed, now, 0, use, refused);
  tm.add(a, EventKind::MutexTryFailed, now, 0, use, refused);
  tm.add(TraceMaker::Ev{a, EventKind::MutexReleased, now, 0, std::uint8_t(refused | weft::format::kFlagNotOwner),
                        destroy, true});
  // A refused deadline (flag Timed) is not this.
  tm.add(a, EventKind::MutexTryFailed, old, 0, use, std::uint8_t(refused | weft::format::kFlagTimed));
  auto found = tm.check().findings;
  REQUIRE(found.size() == 3);
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.title < y.title; });
  CHECK(found[0].title == "a locks cache_lock after b destroyed it at cache.c:5, at cache.c:9: refused (EINVAL) (2 times)");
  CHECK(found[1].title == "a unlocks cache_lock after b destroyed it at cache.c:5, at cache.c:5: refused (EINVAL)");
  CHECK(found[1].explanation.find("glibc refuses the call with EINVAL") != std::string::npos);
  CHECK(found[2].title.find("a's timed lock of cache_lock was refused") == 0);
}

TEST_CASE("a lock its dead owner's successor takes over (robust: EOWNERDEAD) was not left locked", "[misuse]") {
  // `worker` ends holding both locks. `robust` is taken next by main (glibc
  // told it EOWNERDEAD); `kept` nobody takes again, `gone` is destroyed by
  // its holder before it ends: one finding, for `kept` alone, at the
  // worker's own lock.
  TraceMaker tm;
  const auto main = tm.thread("main"), worker = tm.thread("worker");
  const auto robust = tm.object(ObjectKind::Mutex, "robust"), kept = tm.object(ObjectKind::Mutex, "kept");
  const auto gone = tm.object(ObjectKind::Mutex, "gone");
  const auto taken = tm.site("table.c", 12), recovered = tm.site("table.c", 30);
  tm.lock(worker, robust, taken);
  tm.lock(worker, kept, taken);
  tm.lock(worker, gone, taken);
  tm.add(worker, EventKind::ObjectDestroy, gone, static_cast<std::uint64_t>(weft::format::ObjectEnd::DestroyedInUse));
  tm.add(worker, EventKind::ThreadEnd, tm.thread_object(worker));
  tm.add(main, EventKind::MutexAcquired, robust, 1, recovered);
  tm.unlock(main, robust);
  tm.add(main, EventKind::ThreadEnd, tm.thread_object(main));
  auto found = tm.check().findings;
  REQUIRE(found.size() == 2);
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.title < y.title; });
  CHECK(found[0].title.find("worker destroys gone while it is locked") == 0);
  CHECK(found[1].title == "worker ends while holding kept (taken at table.c:12)");
}

TEST_CASE("workers of a main that left by pthread_exit are no leak: nobody was left to join them", "[misuse]") {
  TraceMaker tm;
  const auto main = tm.thread("main", weft::format::kThreadMain), worker = tm.thread("worker");
  const auto other = tm.thread("other");
  tm.start(main);
  tm.spawn(main, worker);
  tm.spawn(main, other);
  tm.add(main, EventKind::ThreadEnd, tm.thread_object(main));  // pthread_exit
  tm.add(worker, EventKind::ThreadEnd, tm.thread_object(worker));
  tm.add(other, EventKind::ThreadEnd, tm.thread_object(other));
  tm.end(weft::format::EndReason::Exit);
  CHECK(tm.check().findings.empty());
}

TEST_CASE("a thread its joiner waits for when the process ends is no leak: it called exit itself", "[misuse]") {
  // glibc's tst-exit1: main joins the worker, which ends the process with
  // exit(); the worker's end is recorded before main's last event (under
  // the scheduler, main's join began after it). A join with a deadline
  // that gave up, or a try, is no such wait.
  const auto made = [](std::uint8_t join_flags) {
    TraceMaker tm;
    const auto main = tm.thread("main", weft::format::kThreadMain), worker = tm.thread("worker");
    tm.start(main);
    tm.spawn(main, worker);
    tm.add(worker, EventKind::ThreadEnd, tm.thread_object(worker));
    tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(worker), worker, 0, join_flags);
    if (join_flags != 0) tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(worker), 0, 0, join_flags);
    tm.add(main, EventKind::ThreadEnd, tm.thread_object(main));
    tm.end(weft::format::EndReason::Exit);
    return tm.check().findings.size();
  };
  CHECK(made(0) == 0);
  CHECK(made(weft::format::kFlagTry) == 1);
  CHECK(made(weft::format::kFlagTimed) == 1);
}

TEST_CASE("a thread that ends with its process holding a lock is no misuse: it called exit", "[misuse]") {
  // A worker takes `kept` and ends the process (exit() on an error path):
  // its end, recorded as the process exits, is the process's last event.
  const auto made = [](bool more_after, weft::format::EndReason reason) {
    TraceMaker tm;
    const auto a = tm.thread("a"), b = tm.thread("b");
    const auto kept = tm.object(ObjectKind::Mutex, "kept");
    const auto other = tm.object(ObjectKind::Mutex, "other");
    tm.lock(b, kept);
    tm.add(b, EventKind::ThreadEnd, tm.thread_object(b));
    if (more_after) tm.lock(a, other);  // another thread went on after it: b returned holding `kept`
    tm.end(reason);
    return tm;
  };
  const auto ended_holding = [](const TraceMaker& tm) {
    const auto r = tm.check();
    return std::count_if(r.findings.begin(), r.findings.end(), [](const auto& f) {
      return f.kind == FindingKind::Misuse && f.title.find("ends while holding kept") != std::string::npos;
    });
  };
  CHECK(ended_holding(made(false, weft::format::EndReason::Exit)) == 0);
  CHECK(ended_holding(made(true, weft::format::EndReason::Exit)) == 1);
  // Not an exit: stopped or killed with the lock held is judged as before.
  CHECK(ended_holding(made(false, weft::format::EndReason::Signal)) == 1);
}

TEST_CASE("misuse repeated at one site is one finding with a count", "[misuse]") {
  TraceMaker tm;
  const auto a = tm.thread("a");
  const auto q = tm.object(ObjectKind::Queue, "jobs");
  const auto site = tm.site("p.cpp", 5);
  for (int i = 0; i < 3; ++i)
    tm.add(TraceMaker::Ev{a, EventKind::QueueTaskDone, q, 0, weft::format::kFlagRejected, site, true});
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].count == 3);
}

TEST_CASE("marks are checked against the expected pattern", "[ordering]") {
  auto trace_with = [](const std::string& letters) {
    TraceMaker tm;
    const auto a = tm.thread("a");
    for (char c : letters) {
      tm.t.texts.emplace_back(1, c);
      tm.add(a, EventKind::Mark, 0, tm.t.texts.size() - 1);
    }
    return tm;
  };
  weft::analysis::CheckOptions options;
  options.marks_pattern = "(A B C ){2}";
  CHECK(trace_with("ABCABC").check(options).findings.empty());
  const auto r = trace_with("ABCACB").check(options);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].kind == FindingKind::Ordering);
  CHECK(r.findings[0].explanation.find("A B C A C B") != std::string::npos);
  CHECK(r.findings[0].events.size() == 6);
  options.marks_pattern = "(unclosed";
  CHECK_THROWS_AS(trace_with("A").check(options), std::invalid_argument);
}

TEST_CASE("expectations: parsed from a scenario's JSON, compared by kind and subject", "[expect]") {
  const auto e = weft::analysis::parse_expectations(
      R"({"name": "x", "always": [{"kind": "data race", "about": "counter"}],
          "sometimes": [{"kind": "deadlock", "about": "lock_X, lock_Y"}], "marks": "(A ){3}"})");
  REQUIRE(e.always.size() == 1);
  CHECK(e.always[0].kind == FindingKind::DataRace);
  CHECK(e.marks == "(A ){3}");
  weft::analysis::Report r;
  r.findings.push_back({});
  r.findings.back().kind = FindingKind::DataRace;
  r.findings.back().about = "counter";
  CHECK(weft::analysis::compare(r, e).matches());
  r.findings.push_back({});
  r.findings.back().kind = FindingKind::Deadlock;
  r.findings.back().about = "lock_X, lock_Y";
  CHECK(weft::analysis::compare(r, e).matches());  // allowed: "sometimes"
  r.findings.push_back({});
  r.findings.back().kind = FindingKind::Hang;
  r.findings.back().about = "q";
  const auto c = weft::analysis::compare(r, e);
  REQUIRE(c.unexpected.size() == 1);
  CHECK(c.unexpected[0].about == "q");
  CHECK(weft::analysis::compare({}, e).missing.size() == 1);
  CHECK_THROWS_AS(weft::analysis::parse_expectations("{\"always\": [{\"kind\": \"gremlins\"}]}"), std::invalid_argument);
  CHECK_THROWS_AS(weft::analysis::parse_expectations("not json"), std::invalid_argument);
}
