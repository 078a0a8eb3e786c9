// The holds under way at a replay cursor, found from checkpoints, are
// exactly those begun before it and not yet ended, wherever the cursor is
// and however many holds are open at once.
#include <algorithm>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/sanitized.hpp"
#include "active_holds.hpp"
#include "replay.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/model.hpp"

using namespace weft;
using namespace weft::viewer;
using analysis::Hold;
using analysis::HoldEnd;
using analysis::HoldStore;

namespace {

// Every hold under way after `applied` events, by looking at each.
std::vector<std::uint32_t> under_way(const HoldStore& holds, std::uint64_t applied) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t k = 0; k < holds.size(); ++k) {
    const Hold h = holds[k];
    const std::uint64_t until = h.end == HoldEnd::Open ? analysis::kNoEvent : h.last;
    if (h.first < applied && until >= applied) out.push_back(k);
  }
  return out;
}

// Holds by acquisition over `events` events: mostly short ones, some long
// ones that span many checkpoints, some never released, and one stretch
// where thousands are open at once (a program locking every bucket of a
// table before releasing them all).
HoldStore random_holds(std::uint64_t events, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  HoldStore holds;
  std::uint64_t first = 0;
  const std::uint64_t burst = events / 2;
  while (first + 2 < events) {
    Hold h;
    h.first = first;
    h.lock = static_cast<std::uint32_t>(rng() % 1000 + 1);
    h.thread = static_cast<std::uint32_t>(rng() % 8);
    h.shared = rng() % 5 == 0;
    const std::uint64_t kind = rng() % 1000;
    std::uint64_t length = 1 + rng() % 6;
    if (kind < 3) length = 1 + rng() % (events / 4);                        // long
    if (first >= burst && first < burst + 20000) length = burst + 20000 - first + rng() % 10;  // all open at once
    if (kind == 3) {
      h.end = HoldEnd::Open;  // never released
    } else {
      h.end = HoldEnd::Released;
      h.last = std::min(first + length, events - 1);
    }
    holds.push_back(h);
    first += 1 + rng() % 3;
  }
  holds.seal();
  return holds;
}

}  // namespace

TEST_CASE("active holds: exactly those begun and not ended at every cursor") {
  const std::uint64_t events = 150000;
  const HoldStore holds = random_holds(events, GENERATE(1u, 2u, 3u));
  const ActiveHolds active(holds);
  CHECK(active.checkpoints() > 10);
  // The sets keep at most one hold in kRatio, with the last set besides.
  CHECK(active.kept() <= holds.size() / ActiveHolds::kRatio + 20000);
  // Every 97th cursor; under a sanitizer every 97 * kSanitizedStride-th
  // (sanitized.hpp): the reference walks every hold at each.
  const std::uint64_t step = 97 * (weft::test::kSanitized ? weft::test::kSanitizedStride : 1);
  for (std::uint64_t applied = 0; applied <= events + 1; applied += step) {
    INFO("after " << applied << " events");
    REQUIRE(active.at(applied) == under_way(holds, applied));
  }
  CHECK(active.at(analysis::kNoEvent) == under_way(holds, analysis::kNoEvent));
}

TEST_CASE("active holds: none held and none begun") {
  const HoldStore none;
  const ActiveHolds active(none);
  CHECK(active.at(0).empty());
  CHECK(active.at(100).empty());
  const HoldStore one{Hold{5, 9, 0, 0, 1, 0, false, HoldEnd::Released}};
  const ActiveHolds single(one);
  CHECK(single.at(5).empty());  // not begun: event 5 is not applied yet
  CHECK(single.at(6) == std::vector<std::uint32_t>{0});
  CHECK(single.at(9) == std::vector<std::uint32_t>{0});  // its last event not applied yet
  CHECK(single.at(10).empty());
}

TEST_CASE("replay of many locks: a lock held all along is seen wherever the cursor is") {
  test::TraceMaker m;
  const std::uint32_t a = m.thread("A"), b = m.thread("B");
  const std::uint32_t outer = m.object(format::ObjectKind::Mutex, "outer");
  std::vector<std::uint32_t> buckets;
  for (int k = 0; k < 3000; ++k) buckets.push_back(m.object(format::ObjectKind::Mutex, "bucket"));
  m.start(a);
  m.start(b);
  const std::uint64_t taken = m.add(a, format::EventKind::MutexAcquired, outer, 1);
  // More holds than a checkpoint spacing, each bucket twice, by both threads.
  for (int round = 0; round < 2; ++round)
    for (const std::uint32_t bucket : buckets)
      for (const std::uint32_t t : {a, b}) {
        m.add(t, format::EventKind::MutexAcquired, bucket, 1);
        m.add(t, format::EventKind::MutexReleased, bucket, 0);
      }
  const std::uint64_t released = m.add(a, format::EventKind::MutexReleased, outer, 0);
  const analysis::Model model = analysis::build_model(m.t);
  REQUIRE(model.state.holds.size() > 2 * ActiveHolds::kSpacing);
  Replayer r(model);
  for (std::uint64_t applied = 0; applied <= m.t.events.size(); applied += 7) {
    INFO("after " << applied << " events");
    const ReplayState& s = r.seek(applied);
    const bool held = applied > taken && applied <= released;
    CHECK(s.holders.count(outer) == (held ? 1u : 0u));
    // At most the outer lock and the bucket being taken.
    CHECK(s.holders.size() <= 2);
  }
  const ReplayState& mid = r.seek(taken + 2);  // A holds outer and its first bucket
  REQUIRE(mid.holders.size() == 2);
  CHECK(mid.holders.at(outer).thread == a);
  CHECK(mid.holders.at(buckets.front()).thread == a);
}
