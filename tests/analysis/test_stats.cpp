#include <catch2/catch.hpp>

#include "trace_maker.hpp"
#include "weft/analysis/stats.hpp"

using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

TEST_CASE("lock statistics count acquisitions, contention, waits and holds", "[stats]") {
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b");
  const auto m = tm.object(ObjectKind::Mutex, "m");
  tm.start(a);                                                                // t=1us
  tm.start(b);                                                                // 2
  tm.lock(a, m);                                                              // 3
  tm.add(b, EventKind::MutexLockBegin, m);                                    // 4
  tm.unlock(a, m);                                                            // 5: held 2us
  tm.add(b, EventKind::MutexAcquired, m, 1, 0, weft::format::kFlagContended);  // 6: waited 2us
  tm.unlock(b, m);                                                            // 7: held 1us
  const auto model = weft::analysis::build_model(tm.t);
  const auto s = weft::analysis::compute_stats(model);
  REQUIRE(s.locks.size() == 1);
  const auto& l = s.locks[0];
  CHECK(l.acquisitions == 2);
  CHECK(l.contended == 1);
  CHECK(l.wait_total_ns == 2000);
  CHECK(l.wait_max_ns == 2000);
  CHECK(l.hold_total_ns == 3000);
  CHECK(l.hold_max_ns == 2000);
  CHECK(l.max_waiters == 1);
  // Thread b spent 2us of its life (2us to 7us, the end) waiting for the lock.
  CHECK(s.threads[b].blocked_ns.at(weft::analysis::WaitCause::Lock) == 2000);
  CHECK(s.threads[b].lifetime_ns == 5000);
  CHECK(s.threads[b].running_ns == 3000);
}
