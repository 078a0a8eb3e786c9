// An opened document's report (document.hpp). The viewer's check reads the
// model the timeline is built from (check.hpp's ModelSource) instead of
// building one of its own: its findings must be weft check's, field for
// field, on every recorded scenario trace (tests/analysis/data/findings:
// races, deadlocks, lock-order inversions, lost wake-ups, hangs, misuse and
// runs of several processes), and its lock graph the check's too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "document.hpp"
#include "weft/analysis/check.hpp"

namespace {

namespace fs = std::filesystem;
using weft::analysis::Finding;

void check_same(const Finding& a, const Finding& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.severity == b.severity);
  CHECK(a.title == b.title);
  CHECK(a.explanation == b.explanation);
  CHECK(a.threads == b.threads);
  CHECK(a.objects == b.objects);
  CHECK(a.sites == b.sites);
  CHECK(a.events == b.events);
  CHECK(a.count == b.count);
  CHECK(a.about == b.about);
  CHECK(a.uncertain == b.uncertain);
  REQUIRE(a.accesses.size() == b.accesses.size());
  for (std::size_t k = 0; k < a.accesses.size(); ++k) {
    CHECK(a.accesses[k].event == b.accesses[k].event);
    CHECK(a.accesses[k].thread == b.accesses[k].thread);
    CHECK(a.accesses[k].site == b.accesses[k].site);
    CHECK(a.accesses[k].write == b.accesses[k].write);
    CHECK(a.accesses[k].last_sync == b.accesses[k].last_sync);
  }
  REQUIRE(a.cycle.size() == b.cycle.size());
  for (std::size_t k = 0; k < a.cycle.size(); ++k) {
    CHECK(a.cycle[k].from == b.cycle[k].from);
    CHECK(a.cycle[k].to == b.cycle[k].to);
    CHECK(a.cycle[k].thread == b.cycle[k].thread);
    CHECK(a.cycle[k].event == b.cycle[k].event);
  }
}

}  // namespace

TEST_CASE("an opened document's findings are weft check's, on every recorded scenario trace", "[document]") {
  std::vector<fs::path> traces;
  for (const auto& entry : fs::directory_iterator(WEFT_FINDINGS_DATA))
    if (entry.path().extension() == ".weft") traces.push_back(entry.path());
  std::sort(traces.begin(), traces.end());
  REQUIRE(traces.size() >= 40);
  std::size_t with_findings = 0;
  for (const fs::path& path : traces) {
    {
      INFO(path.filename().string());
      const auto doc = weft::viewer::open_document(path.string());
      const weft::format::Trace trace = weft::viewer::read_trace({path.string()});  // as open_document reads it
      weft::analysis::LockGraph graph;
      const weft::analysis::Report direct = weft::analysis::check(trace, {}, &graph);  // its own model
      with_findings += !direct.findings.empty();
      CHECK(doc->report.dropped == direct.dropped);
      REQUIRE(doc->report.findings.size() == direct.findings.size());
      for (std::size_t k = 0; k < direct.findings.size(); ++k) {
        INFO("finding " << k << ": " << direct.findings[k].title);
        check_same(doc->report.findings[k], direct.findings[k]);
      }
      CHECK(doc->lock_graph.locks == graph.locks);
      CHECK(doc->lock_graph.edges.size() == graph.edges.size());
    }
  }
  // The comparison is about real findings, not only clean reports.
  CHECK(with_findings >= 8);
}
