// A process that died of a fatal signal or an uncaught exception is a
// finding (a crash), on the thread it died on, at its last place: a failed
// assert in a run of weft explore is what the run found. A requested end
// (SIGTERM) or a normal exit is none.
#include <csignal>

#include <catch2/catch.hpp>

#include "trace_maker.hpp"

using weft::analysis::FindingKind;
using weft::format::EndReason;
using weft::test::TraceMaker;

namespace {

// main starts a consumer, which locks at consumer.c:9 and then dies (or
// does not) as `end` says; the runtime recorded the signal on it.
TraceMaker consumer_that_ends(EndReason reason, std::uint64_t status) {
  TraceMaker tm;
  const auto main = tm.thread("main");
  const auto consumer = tm.thread("consumer");
  const auto m = tm.object(weft::format::ObjectKind::Mutex, "queue_lock");
  const auto where = tm.site("consumer.c", 9);
  tm.start(main);
  tm.spawn(main, consumer);
  tm.lock(consumer, m, where);
  if (reason == EndReason::Signal) tm.add(consumer, weft::format::EventKind::ProcessSignal, 0, status);
  tm.end(reason);
  tm.t.end->status = status;
  return tm;
}

}  // namespace

TEST_CASE("a process killed by a fatal signal is a crash on the thread it died on, at its last place") {
  const TraceMaker tm = consumer_that_ends(EndReason::Signal, SIGABRT);
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  const auto& f = r.findings[0];
  CHECK(f.kind == FindingKind::Crash);
  CHECK(f.about == "SIGABRT");
  CHECK(f.title == "crash: the program was killed by SIGABRT (signal 6) in consumer, after its last event at consumer.c:9");
  CHECK(f.threads == std::vector<std::uint32_t>{1});
  CHECK(f.sites.size() == 1);
  CHECK(f.explanation.find("a failed assert") != std::string::npos);

  const auto segv = consumer_that_ends(EndReason::Signal, SIGSEGV).check();
  REQUIRE(segv.findings.size() == 1);
  CHECK(segv.findings[0].about == "SIGSEGV");
}

TEST_CASE("a process that died of an uncaught exception is a crash that says what was thrown") {
  TraceMaker tm = consumer_that_ends(EndReason::UncaughtException, 0);
  tm.t.texts.push_back("uncaught exception of type std::runtime_error: queue empty");
  tm.add(1, weft::format::EventKind::UncaughtException, 0, tm.t.texts.size() - 1);
  // The runtime ends the thread as it completes the trace, the lock still
  // held: the crash is the finding, not "ends while holding".
  tm.add(1, weft::format::EventKind::ThreadEnd, tm.thread_object(1));
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].kind == FindingKind::Crash);
  CHECK(r.findings[0].about == "uncaught exception");
  CHECK(r.findings[0].title ==
        "crash: the program ended in std::terminate in consumer, after its last event at consumer.c:9: uncaught "
        "exception of type std::runtime_error: queue empty");
}

TEST_CASE("an exit, a requested end and the watchdog's stop are no crash") {
  CHECK(consumer_that_ends(EndReason::Exit, 3).check().findings.empty());
  CHECK(consumer_that_ends(EndReason::Signal, SIGTERM).check().findings.empty());
  CHECK(consumer_that_ends(EndReason::Signal, SIGINT).check().findings.empty());
  // The watchdog's stop ends the trace as its own reason (a hang is found from the waits).
  CHECK(consumer_that_ends(EndReason::Watchdog, 86).check().findings.empty());
}
