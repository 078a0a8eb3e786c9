// ThreadSanitizer's reports, recorded in the trace by a TSan build's runtime,
// become findings of their own: marked as TSan's, with TSan's threads named
// as weft names them, and left out of the comparison with a scenario's
// declared verdict (the `tsan` test label judges them).
#include <catch2/catch.hpp>

#include "trace_maker.hpp"

using weft::analysis::FindingKind;
using weft::test::EventKind;
using weft::test::TraceMaker;

namespace {

std::uint64_t add_report(TraceMaker& tm, std::uint32_t thread, const std::string& json) {
  tm.t.texts.push_back(json);
  return tm.add(thread, EventKind::TsanReport, 0, tm.t.texts.size() - 1);
}

const char* kRace = R"({"type":"data-race","mops":[
  {"tid":2,"write":true,"size":8,"atomic":false,"addr":"0x7b0400000010","frames":["weft::shared<long>::set /src/tracer/include/weft/shared.hpp:48","worker /src/scenarios/counter_race.cpp:22"]},
  {"tid":1,"write":false,"size":8,"atomic":false,"addr":"0x7b0400000010","frames":["worker counter_race.cpp:23"]}],
  "mutexes":[],"threads":[{"tid":1,"os_tid":1001,"name":""},{"tid":2,"os_tid":1002,"name":""}],"stack":[]})";

}  // namespace

TEST_CASE("a TSan report is a finding of its own, with TSan's threads mapped to weft's", "[tsan]") {
  TraceMaker tm;
  tm.thread("main");
  const auto a = tm.thread("worker-a"), b = tm.thread("worker-b");
  tm.t.threads[a].os_tid = 1001;
  tm.t.threads[b].os_tid = 1002;
  const auto at = add_report(tm, b, kRace);

  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  const auto& f = r.findings[0];
  CHECK(f.kind == FindingKind::TsanReport);
  CHECK(weft::analysis::finding_kind_name(f.kind) == "tsan report");
  CHECK(f.about == "data-race");
  CHECK(f.events == std::vector<std::uint64_t>{at});
  CHECK(f.title.rfind("ThreadSanitizer: data-race: ", 0) == 0);
  // TSan's T2 (OS thread 1002) is worker-b, T1 is worker-a.
  CHECK(f.title.find("write of size 8 at 0x7b0400000010 by worker-b in worker counter_race.cpp:22") != std::string::npos);
  CHECK(f.title.find("read of size 8 at 0x7b0400000010 by worker-a") != std::string::npos);
  CHECK(f.threads == std::vector<std::uint32_t>{a, b});
  CHECK(f.explanation.find("second opinion") != std::string::npos);
}

TEST_CASE("a lock-order report names its mutexes, an unreadable one is still reported", "[tsan]") {
  TraceMaker tm;
  const auto main = tm.thread("main");
  add_report(tm, main, R"({"type":"lock-order-inversion","mops":[],"mutexes":[{"id":11,"addr":"0x1","frames":["f a.cpp:3"]},
    {"id":12,"addr":"0x2","frames":["g a.cpp:9"]}],"threads":[],"stack":[]})");
  add_report(tm, main, R"({"type":"data-ra)");  // cut short
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].about == "lock-order-inversion");
  CHECK(r.findings[0].title.find("mutexes M11 (taken in f a.cpp:3) M12 (taken in g a.cpp:9)") != std::string::npos);
  CHECK(r.findings[1].about == "unreadable");
  CHECK(r.findings[1].title.find("not valid JSON") != std::string::npos);
  CHECK(r.findings[1].threads == std::vector<std::uint32_t>{main});
}

TEST_CASE("a TSan report names the program's own frame, also in a directory named tracer", "[tsan]") {
  TraceMaker tm;
  const auto main = tm.thread("main");
  // weft's frames (its namespace, its headers), the standard library's, then
  // the program's, which lives in /home/u/tracer/ (a ray tracer, say).
  add_report(tm, main, R"({"type":"data-race","mops":[
    {"tid":1,"write":true,"size":4,"atomic":false,"addr":"0x10","frames":[
      "weft::detail::lock_core<std::mutex>::lock /opt/weft/include/weft/detail/lock_core.hpp:120",
      "void std::__invoke_impl<void> /usr/include/c++/12/bits/invoke.h:61",
      "render_rows /home/u/tracer/src/render.cpp:88",
      "main /home/u/tracer/src/main.cpp:12"]}],
    "mutexes":[],"threads":[],"stack":[]})");
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].title.find(" in render_rows render.cpp:88") != std::string::npos);
}

TEST_CASE("TSan's reports are not part of weft's verdict", "[tsan]") {
  TraceMaker tm;
  tm.thread("main");
  const auto a = tm.thread("worker-a");
  add_report(tm, a, kRace);
  // Declared clean: weft found nothing of its own, so it matches.
  CHECK(weft::analysis::compare(tm.check(), weft::analysis::Expectations{}).matches());
}
