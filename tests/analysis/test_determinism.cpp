#include <catch2/catch.hpp>

#include "trace_maker.hpp"

using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

// Same trace in, same findings out: in the same order, with the same words.
TEST_CASE("checking a trace twice gives identical findings", "[determinism]") {
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b");
  const auto x = tm.object(ObjectKind::Shared, "x"), y = tm.object(ObjectKind::Shared, "y");
  const auto l1 = tm.object(ObjectKind::Mutex, "l1"), l2 = tm.object(ObjectKind::Mutex, "l2");
  const auto s1 = tm.site("p.cpp", 1), s2 = tm.site("p.cpp", 2);
  for (int i = 0; i < 3; ++i) {
    tm.write(a, y, s1);
    tm.write(b, x, s2);
    tm.write(a, x, s1);
    tm.write(b, y, s2);
  }
  tm.lock(a, l1);
  tm.lock(a, l2);
  tm.unlock(a, l2);
  tm.unlock(a, l1);
  tm.lock(b, l2);
  tm.lock(b, l1);
  const auto first = tm.check(), second = tm.check();
  REQUIRE(first.findings.size() == second.findings.size());
  REQUIRE(first.findings.size() == 3);
  for (std::size_t i = 0; i < first.findings.size(); ++i) {
    CHECK(first.findings[i].title == second.findings[i].title);
    CHECK(first.findings[i].explanation == second.findings[i].explanation);
    CHECK(first.findings[i].events == second.findings[i].events);
  }
  // Races first (by first event), then the inversion.
  CHECK(first.findings[0].about == "y");
  CHECK(first.findings[1].about == "x");
  CHECK(first.findings[2].kind == weft::analysis::FindingKind::LockOrderInversion);
}
