// Opening a trace on a worker thread (async_load.hpp): the same document as
// opening it directly, progress that only moves forward and ends at done,
// a cancel that stops the load (no leak under ASan, no hang), and a bad
// file's one-line error handed over by take().
#include <catch2/catch.hpp>

#include <fstream>
#include <mutex>

#include "../support/temp_dir.hpp"
#include "async_load.hpp"
#include "document.hpp"
#include "weft/format/bytes.hpp"

using namespace weft::viewer;

namespace {

const std::string kTrace = std::string(WEFT_TEST_DATA) + "/lock-chain-mutex-2026-12-01.weft";

// Every progress the worker published, in order.
struct Recorder {
  std::mutex m;
  std::vector<LoadProgress> seen;
  AsyncLoad::Observer observer() {
    return [this](const LoadProgress& p) {
      std::lock_guard lock(m);
      seen.push_back(p);
    };
  }
};

}  // namespace

TEST_CASE("a trace opened on a worker thread is the document opened directly") {
  Recorder rec;
  AsyncLoad load({kTrace}, rec.observer());
  load.wait();
  REQUIRE(load.finished());
  const auto doc = load.take();
  REQUIRE(doc);
  CHECK(load.take() == nullptr);  // handed over once
  const auto direct = open_document(kTrace);
  CHECK(doc->path == kTrace);
  CHECK(doc->trace.events.size() == direct->trace.events.size());
  REQUIRE(doc->report.findings.size() == direct->report.findings.size());
  for (std::size_t k = 0; k < doc->report.findings.size(); ++k)
    CHECK(doc->report.findings[k].title == direct->report.findings[k].title);
  CHECK(doc->edges.size() == direct->edges.size());
  REQUIRE(doc->timeline.lanes.size() == direct->timeline.lanes.size());
  for (std::size_t k = 0; k < doc->timeline.lanes.size(); ++k) {
    CHECK(doc->timeline.lanes[k].label == direct->timeline.lanes[k].label);
    CHECK(doc->timeline.lanes[k].spans.spans.size() == direct->timeline.lanes[k].spans.spans.size());
  }
  CHECK(doc->lod.indexed() == direct->lod.indexed());
  CHECK(doc->lane_stack.size() == doc->timeline.lanes.size());
  CHECK(doc->lane_stack.height() == direct->lane_stack.height());
  CHECK(doc->serial != direct->serial);
}

TEST_CASE("a load's progress moves forward through its stages and ends at done") {
  Recorder rec;
  AsyncLoad load({kTrace}, rec.observer());
  const LoadProgress first = load.progress();
  CHECK(first.fraction >= 0);
  CHECK(first.fraction <= 1);
  load.wait();
  const LoadProgress last = load.progress();
  CHECK(last.stage == OpenStage::Done);
  CHECK_FALSE(last.failed);
  CHECK(last.fraction == 1);
  REQUIRE(rec.seen.size() == 1 + kAnalysisParts + kLayoutParts + 1);  // analysis starts, each part, the end
  for (std::size_t k = 1; k < rec.seen.size(); ++k) {
    CHECK(rec.seen[k].fraction > rec.seen[k - 1].fraction);
    CHECK(rec.seen[k].stage >= rec.seen[k - 1].stage);  // reading, analysing, laying out, done: in that order
  }
  CHECK(rec.seen.front().stage == OpenStage::Analysing);
  CHECK(rec.seen.back().stage == OpenStage::Done);
  CHECK(rec.seen.back().fraction == 1);
  for (const LoadProgress& p : rec.seen) CHECK((p.fraction < 1 || p.stage == OpenStage::Done));
}

TEST_CASE("a load cancelled in the middle stops with open_cancelled, and leaves nothing behind") {
  // Cancelled when the first analysis part finishes: the parts not yet
  // begun never run (the model's thread always has some left).
  AsyncLoad* self = nullptr;
  std::mutex m;
  AsyncLoad load({kTrace}, [&](const LoadProgress& p) {
    std::lock_guard lock(m);
    if (p.stage != OpenStage::Reading && p.parts_done == 1 && self) self->cancel();
  });
  {
    std::lock_guard lock(m);
    self = &load;
  }
  load.wait();
  const LoadProgress last = load.progress();
  CHECK(last.stage == OpenStage::Done);
  CHECK(last.fraction == 1);
  // The first part may have finished before `self` was set: then the load
  // ran to its end, which is what a late cancel does.
  try {
    const auto doc = load.take();
    CHECK(doc);
  } catch (const open_cancelled&) {
    CHECK(last.failed);
  }
}

TEST_CASE("a load dropped while under way is cancelled and waited for") {
  for (int k = 0; k < 5; ++k) {
    auto load = std::make_unique<AsyncLoad>(std::vector<std::string>{kTrace});
    load->cancel();
    load.reset();  // joins; ASan reports the document if it leaked
  }
  AsyncLoad load({kTrace});
  load.cancel();
  load.wait();
  CHECK_THROWS_AS(load.take(), open_cancelled);
}

TEST_CASE("a bad file's error comes through the worker as the loader's one line") {
  weft::test::TempDir dir;
  const std::string junk = dir.write_text("junk.weft", "this is not a trace, just some text long enough to have a header\n");
  AsyncLoad load({junk});
  load.wait();
  CHECK(load.progress().failed);
  CHECK(load.progress().fraction == 1);
  try {
    load.take();
    FAIL("no error");
  } catch (const weft::format::format_error& e) {
    const std::string what = e.what();
    CHECK(what.find("junk.weft") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
  AsyncLoad missing({dir.file("missing.weft")});
  missing.wait();
  CHECK_THROWS_AS(missing.take(), weft::format::format_error);
}

TEST_CASE("what can be told at once is told before a load: no file, not a trace") {
  weft::test::TempDir dir;
  const std::string junk = dir.write_text("junk.weft", "this is not a trace, just some text long enough to have a header\n");
  CHECK_NOTHROW(check_readable({kTrace}));
  CHECK_THROWS_AS(check_readable({junk}), weft::format::format_error);
  CHECK_THROWS_AS(check_readable({kTrace, dir.file("missing.weft")}), weft::format::format_error);
  CHECK_NOTHROW(check_readable({dir.path().string()}));  // a directory is a run's: the load looks into it
}
