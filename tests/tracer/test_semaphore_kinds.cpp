// weft::semaphore and weft::bounded_semaphore are one implementation
// (detail::semaphore_base) under two kinds: each is created as its own
// kind, with its initial value and the creating line, and only the bounded
// one refuses a release above that value.
#include <string>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

namespace fmt = weft::format;

TEST_CASE("a semaphore and a bounded semaphore are created as their own kind at the caller's line", "[semaphore]") {
  weft::semaphore plain(2, "plain_kind"); const unsigned plain_line = __LINE__;
  weft::bounded_semaphore bounded(3, "bounded_kind"); const unsigned bounded_line = __LINE__;
  weft::semaphore unnamed; const unsigned unnamed_line = __LINE__;

  const auto probe = weft::test::Probe::take();
  const auto& p = probe.trace.object(plain.id());
  const auto& b = probe.trace.object(bounded.id());
  const auto& u = probe.trace.object(unnamed.id());
  CHECK(p.kind == fmt::ObjectKind::Semaphore);
  CHECK(b.kind == fmt::ObjectKind::BoundedSemaphore);
  CHECK(u.kind == fmt::ObjectKind::Semaphore);
  CHECK(p.extra == 2);
  CHECK(b.extra == 3);
  CHECK(u.extra == 1);
  CHECK(probe.trace.site(p.site).line == plain_line);
  CHECK(probe.trace.site(b.site).line == bounded_line);
  CHECK(probe.trace.site(u.site).line == unnamed_line);
  CHECK(probe.trace.site(u.site).file.find("test_semaphore_kinds.cpp") != std::string::npos);
}

TEST_CASE("only the bounded semaphore refuses a release above its initial value", "[semaphore][bounded]") {
  weft::semaphore plain(1);
  weft::bounded_semaphore bounded(1);
  plain.release();
  CHECK(plain.value() == 2);
  CHECK_THROWS_AS(bounded.release(), weft::semaphore_error);
  CHECK(bounded.value() == 1);
}
