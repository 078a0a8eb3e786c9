// The viewer and the Chrome export show the same holds and counters, read
// from the analysis model, including where a trace is wrong (events lost, a
// lock misused) — the cases in which their own derivations used to differ.
#include <algorithm>
#include <utility>

#include <catch2/catch.hpp>

#include "timeline.hpp"
#include "trace_maker.hpp"
#include "views_agree.hpp"
#include "weft/analysis/model.hpp"

using namespace weft;
using test::TraceMaker;
using format::EventKind;

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

std::vector<analysis::AnomalyKind> anomalies(const TraceMaker& m) {
  std::vector<analysis::AnomalyKind> out;
  for (const analysis::Anomaly& a : analysis::build_model(m.t).state.anomalies) out.push_back(a.kind);
  return out;
}

}  // namespace

TEST_CASE("a lost release: the hold ends where the lock is taken again, in both views") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  m.start(a);
  m.start(b);
  const auto a_locks = m.add(a, EventKind::MutexAcquired, lock, 1);  // A's release is lost
  const auto b_locks = m.add(b, EventKind::MutexAcquired, lock, 1);
  m.add(b, EventKind::MutexReleased, lock, 0);
  INFO(joined(test::view_disagreements(m.t)));
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  REQUIRE(model.state.holds.size() == 2);
  CHECK(model.state.holds[0].first == a_locks);
  CHECK(model.state.holds[0].last == b_locks);
  CHECK(model.state.holds[0].end == analysis::HoldEnd::Lost);
  CHECK(model.state.holds[1].end == analysis::HoldEnd::Released);
  CHECK(anomalies(m) == std::vector<analysis::AnomalyKind>{analysis::AnomalyKind::HoldLost});
  // The viewer shows it on the lock's lane, where it happened.
  const viewer::Timeline tl = viewer::build_timeline(m.t, model);
  const auto& marks = tl.lanes[tl.lane_of_object(lock)].anomalies;
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].event == b_locks);
}

TEST_CASE("a get whose put was lost leaves the depth at 0 in both views, and says so") {
  TraceMaker m;
  const auto a = m.thread("A");
  const auto q = m.object(format::ObjectKind::Queue, "Q");
  m.start(a);
  m.add(a, EventKind::QueueGet, q, 5);  // its put was dropped
  m.add(a, EventKind::QueuePut, q, 6);
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  const viewer::Timeline tl = viewer::build_timeline(m.t, model);
  std::vector<std::int64_t> depth;
  for (const viewer::Step& s : tl.lanes[tl.lane_of_object(q)].series.steps) depth.push_back(s.value);
  CHECK(depth == std::vector<std::int64_t>{0, 1});
  CHECK(anomalies(m) == std::vector<analysis::AnomalyKind>{analysis::AnomalyKind::GetWithoutPut});
}

TEST_CASE("a release by another thread ends the holder's hold, and the lock is free, in both views") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  m.start(a);
  m.start(b);
  m.add(a, EventKind::MutexAcquired, lock, 1);
  const auto b_releases = m.add({b, EventKind::MutexReleased, lock, 0, format::kFlagNotOwner});
  m.add({b, EventKind::MutexReleased, lock, 0, format::kFlagNotOwner, 0, true});  // refused: nobody holds it
  m.lock(b, lock);
  m.unlock(b, lock);
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  REQUIRE(model.state.holds.size() == 2);
  CHECK(model.state.holds[0].last == b_releases);
  CHECK(model.state.holds[0].end == analysis::HoldEnd::ReleasedByOther);
  CHECK(anomalies(m).empty());  // a misuse, recorded as such: not a damaged trace
}

TEST_CASE("anomalies come in trace order, and at one event the lost wait's end before the lock's") {
  // One list, in trace order; at one event the waits are stepped first,
  // then the locks, then the counted values, and their anomalies say so.
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto l1 = m.object(format::ObjectKind::Mutex, "L1");
  const auto l2 = m.object(format::ObjectKind::Mutex, "L2");
  const auto q = m.object(format::ObjectKind::Queue, "Q");
  m.start(a);
  m.start(b);
  const auto b_releases = m.add(b, EventKind::MutexReleased, l2, 0);  // nobody holds it: its take was lost
  m.add(a, EventKind::MutexLockBegin, l1);
  // A records again while waiting for L1: that wait's end was lost. And it
  // releases L2, which nobody holds.
  const auto a_releases = m.add(a, EventKind::MutexReleased, l2, 0);
  const auto b_gets = m.add(b, EventKind::QueueGet, q, 1);  // its put was lost
  const analysis::Model model = analysis::build_model(m.t);
  std::vector<std::pair<std::uint64_t, analysis::AnomalyKind>> got;
  for (const analysis::Anomaly& x : model.state.anomalies) got.emplace_back(x.event, x.kind);
  CHECK(got == std::vector<std::pair<std::uint64_t, analysis::AnomalyKind>>{
                   {b_releases, analysis::AnomalyKind::ReleaseUnheld},
                   {a_releases, analysis::AnomalyKind::WaitUnended},
                   {a_releases, analysis::AnomalyKind::ReleaseUnheld},
                   {b_gets, analysis::AnomalyKind::GetWithoutPut},
               });
  // The series, by object then kind: L1's waiters (from the waits) and Q's
  // depth (from the counted values).
  std::vector<std::pair<std::uint32_t, analysis::SeriesKind>> series;
  for (const analysis::Series& x : model.state.series) series.emplace_back(x.object, x.kind);
  CHECK(std::is_sorted(series.begin(), series.end()));
  CHECK(std::find(series.begin(), series.end(), std::pair{l1, analysis::SeriesKind::LockWaiters}) != series.end());
  CHECK(std::find(series.begin(), series.end(), std::pair{q, analysis::SeriesKind::QueueDepth}) != series.end());
}

TEST_CASE("a condition wait splits the hold around it, in both views") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  const auto cond = m.object(format::ObjectKind::Condition, "C");
  m.start(a);
  m.start(b);
  m.lock(a, lock);
  const auto wait = m.add(a, EventKind::CondWaitBegin, cond, lock);
  m.add({a, EventKind::MutexReleased, lock, 0, format::kFlagCondition});
  m.lock(b, lock);
  m.add(b, EventKind::CondNotifyOne, cond, 1);
  m.unlock(b, lock);
  const auto retake = m.add({a, EventKind::MutexAcquired, lock, 1, format::kFlagCondition});
  const auto woke = m.add(a, EventKind::CondWaitEnd, cond, 0);
  m.unlock(a, lock);
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  REQUIRE(model.state.holds.size() == 3);
  CHECK(model.state.holds[0].end_ns == m.t.events[wait].time_ns);  // ends as the wait begins
  CHECK(model.state.holds[2].first == retake);
  CHECK(model.state.holds[2].begin_ns == m.t.events[woke].time_ns);  // resumes as it returns
}

TEST_CASE("a shared mutex: each reader's hold exported, one shared stretch on the viewer's lane") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B"), w = m.thread("W");
  const auto rw = m.object(format::ObjectKind::SharedMutex, "table");
  m.start(a);
  m.start(b);
  m.start(w);
  const auto a_reads = m.add(a, EventKind::MutexAcquiredShared, rw, 1);
  m.add(b, EventKind::MutexAcquiredShared, rw, 2);
  m.add(a, EventKind::MutexReleasedShared, rw, 1);
  const auto b_done = m.add(b, EventKind::MutexReleasedShared, rw, 0);
  const auto w_writes = m.add(w, EventKind::MutexAcquired, rw, 1);
  m.add(w, EventKind::MutexReleased, rw, 0);
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  const viewer::Timeline tl = viewer::build_timeline(m.t, model);
  const auto& spans = tl.lanes[tl.lane_of_object(rw)].spans.spans;
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].shared);
  CHECK(spans[0].begin_event == a_reads);
  CHECK(spans[0].end_event == b_done);
  CHECK_FALSE(spans[1].shared);
  CHECK(spans[1].begin_event == w_writes);
}

TEST_CASE("a recursive mutex is one hold, its depth a series from the first re-entry") {
  TraceMaker m;
  const auto a = m.thread("A");
  const auto lock = m.object(format::ObjectKind::RecursiveMutex, "R");
  m.start(a);
  m.add(a, EventKind::MutexAcquired, lock, 1);
  m.add(a, EventKind::MutexAcquired, lock, 2);
  m.add(a, EventKind::MutexReleased, lock, 1);
  m.add(a, EventKind::MutexReleased, lock, 0);
  CHECK(test::view_disagreements(m.t).empty());
  const analysis::Model model = analysis::build_model(m.t);
  CHECK(model.state.holds.size() == 1);
  REQUIRE(model.state.series.size() == 1);
  CHECK(model.state.series[0].kind == analysis::SeriesKind::LockDepth);
  std::vector<std::int64_t> depth;
  for (const analysis::Step& s : model.state.series[0].steps) depth.push_back(s.value);
  CHECK(depth == std::vector<std::int64_t>{1, 2, 1, 0});
}
