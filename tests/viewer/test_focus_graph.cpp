// Selecting a finding (what it highlights and links) and the lock-order
// graph, from traces the detectors judge.
#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

#include "drawn_graph.hpp"
#include "focus.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/lock_graph.hpp"

using namespace weft;
using namespace weft::viewer;
using test::TraceMaker;

namespace {

// A takes X then Y; later B takes Y then X: an inversion, no deadlock.
struct Inversion {
  TraceMaker m;
  std::uint32_t a = 0, b = 0, x = 0, y = 0;
  Inversion() {
    a = m.thread("A");
    b = m.thread("B");
    x = m.object(format::ObjectKind::Mutex, "X");
    y = m.object(format::ObjectKind::Mutex, "Y");
    m.start(a);
    m.start(b);
    m.nested(a, x, y);
    m.nested(b, y, x);
  }
};

}  // namespace

TEST_CASE("a lock-order inversion's focus: both threads, both locks, its events, the cycle linked round") {
  Inversion s;
  const analysis::Report r = s.m.check();
  REQUIRE(r.findings.size() == 1);
  REQUIRE(r.findings[0].kind == analysis::FindingKind::LockOrderInversion);
  const Focus f = focus_of(r.findings[0], s.m.t);
  CHECK(f.threads == std::set<std::uint32_t>{s.a, s.b});
  CHECK(f.objects == std::set<std::uint32_t>{s.x, s.y});
  REQUIRE(f.events.size() == 2);  // A taking Y under X, B taking X under Y
  CHECK(s.m.t.events[f.events[0]].thread == s.a);
  CHECK(s.m.t.events[f.events[1]].thread == s.b);
  REQUIRE(f.links.size() == 2);
  CHECK(f.links[0] == std::make_pair(f.links[1].second, f.links[1].first));  // a circle of two
  CHECK(f.begin_ns == s.m.t.events[f.events[0]].time_ns);
  CHECK(f.end_ns == s.m.t.events[f.events[1]].time_ns);
}

TEST_CASE("a data race's focus links its two accesses") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto v = m.object(format::ObjectKind::Shared, "counter");
  const auto site = m.site("race.cpp", 7);
  m.start(a);
  m.start(b);
  const auto w1 = m.add(a, format::EventKind::SharedWrite, v, 1, site);
  const auto w2 = m.add(b, format::EventKind::SharedWrite, v, 2, site);
  const analysis::Report r = m.check();
  const auto race = std::find_if(r.findings.begin(), r.findings.end(),
                                 [](const auto& f) { return f.kind == analysis::FindingKind::DataRace; });
  REQUIRE(race != r.findings.end());
  const Focus f = focus_of(*race, m.t);
  REQUIRE(f.links.size() == 1);
  CHECK(f.links[0] == std::make_pair(w1, w2));
  CHECK(f.threads == std::set<std::uint32_t>{a, b});
}

TEST_CASE("the lock graph: every 'taken while holding' edge, cycles marked, plain chains not") {
  Inversion s;
  const auto z = s.m.object(format::ObjectKind::Mutex, "Z");
  s.m.lock(s.a, s.y);
  s.m.lock(s.a, z);  // Y -> Z: no way back from Z
  s.m.unlock(s.a, z);
  s.m.unlock(s.a, s.y);
  const analysis::LockGraph g = analysis::lock_graph(s.m.t);
  CHECK(g.locks == std::vector<std::uint32_t>{s.x, s.y, z});
  REQUIRE(g.edges.size() == 3);
  const auto edge = [&](std::uint32_t from, std::uint32_t to) {
    const auto it = std::find_if(g.edges.begin(), g.edges.end(),
                                 [&](const auto& e) { return e.from == from && e.to == to; });
    REQUIRE(it != g.edges.end());
    return *it;
  };
  CHECK(edge(s.x, s.y).in_cycle);
  CHECK(edge(s.y, s.x).in_cycle);
  CHECK_FALSE(edge(s.y, z).in_cycle);
  CHECK(edge(s.x, s.y).threads == std::vector<std::uint32_t>{s.a});
  CHECK(edge(s.y, s.x).threads == std::vector<std::uint32_t>{s.b});
  CHECK(edge(s.y, z).count == 1);

  // The check hands out the same graph from its own lock-order walk (what the viewer shows).
  analysis::LockGraph from_check;
  const analysis::Report r = analysis::check(s.m.t, {}, &from_check);
  CHECK(r.findings.size() == 1);
  CHECK(from_check.locks == g.locks);
  REQUIRE(from_check.edges.size() == g.edges.size());
  for (std::size_t k = 0; k < g.edges.size(); ++k) {
    const analysis::LockGraphEdge &want = g.edges[k], &got = from_check.edges[k];
    INFO("edge " << want.from << " -> " << want.to);
    CHECK(std::tie(got.from, got.to, got.count, got.threads, got.first_event, got.in_cycle) ==
          std::tie(want.from, want.to, want.count, want.threads, want.first_event, want.in_cycle));
  }
}

TEST_CASE("the lock graph: re-taking a recursive lock one holds is no edge") {
  TraceMaker m;
  const auto a = m.thread("A");
  const auto r = m.object(format::ObjectKind::RecursiveMutex, "R");
  m.start(a);
  m.add(a, format::EventKind::MutexAcquired, r, 1);
  m.add(a, format::EventKind::MutexAcquired, r, 2);
  m.add(a, format::EventKind::MutexReleased, r, 1);
  m.add(a, format::EventKind::MutexReleased, r, 0);
  const analysis::LockGraph g = analysis::lock_graph(m.t);
  CHECK(g.locks == std::vector<std::uint32_t>{r});
  CHECK(g.edges.empty());
}

TEST_CASE("the lock graph tab draws every lock of a few and of many the cycle's locks first") {
  analysis::LockGraph g;
  for (std::uint32_t lock = 1; lock <= 10; ++lock) g.locks.push_back(lock);
  const auto edge = [](std::uint32_t from, std::uint32_t to, bool cycle) {
    analysis::LockGraphEdge e;
    e.from = from;
    e.to = to;
    e.in_cycle = cycle;
    return e;
  };
  g.edges = {edge(1, 2, false), edge(3, 4, false), edge(7, 9, true), edge(9, 7, true)};

  const DrawnGraph all = drawn_graph(g, 10);
  CHECK(all.locks == g.locks);
  CHECK(all.left_out == 0);
  CHECK(all.edges == std::vector<std::size_t>{0, 1, 2, 3});

  // Room for three: the cycle's two, then the first edge's first end; by id.
  const DrawnGraph three = drawn_graph(g, 3);
  CHECK(three.locks == std::vector<std::uint32_t>{1, 7, 9});
  CHECK(three.left_out == 7);
  CHECK(three.edges == std::vector<std::size_t>{2, 3});  // 1 -> 2 has an end left out

  // Room for more than the edges' ends: locks on no edge are still left out.
  const DrawnGraph six = drawn_graph(g, 6);
  CHECK(six.locks == std::vector<std::uint32_t>{1, 2, 3, 4, 7, 9});
  CHECK(six.left_out == 4);
  CHECK(six.edges == std::vector<std::size_t>{0, 1, 2, 3});
}
