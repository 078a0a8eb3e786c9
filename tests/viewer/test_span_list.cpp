// A lock lane reads the model's holds instead of copying them: the spans
// it gives must be those a copy gives, clipping included.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <vector>

#include "lod.hpp"
#include "timeline.hpp"

using namespace weft::viewer;
using weft::analysis::Hold;
using weft::analysis::HoldEnd;
using weft::analysis::HoldStore;

namespace {

// Holds of `locks` locks taken in turn at random, each lock's after its
// last one ended; with `overlap`, now and then one starts a little early
// (what a list must clip) or ends before it began.
HoldStore random_holds(std::mt19937_64& rng, std::size_t n, std::uint32_t locks, bool overlap) {
  HoldStore holds;
  std::vector<std::uint64_t> last_end(locks + 1, 0);
  std::uint64_t now = 100, event = 0;
  for (std::size_t k = 0; k < n; ++k) {
    Hold h;
    h.lock = 1 + static_cast<std::uint32_t>(rng() % locks);
    h.thread = static_cast<std::uint32_t>(rng() % 4);
    h.first = event += 1 + rng() % 3;
    now += rng() % 50;
    h.begin_ns = std::max(now, last_end[h.lock]);
    h.end_ns = h.begin_ns + rng() % 200;
    if (overlap && rng() % 50 == 0) h.begin_ns -= std::min<std::uint64_t>(h.begin_ns, 1 + rng() % 30);
    if (overlap && rng() % 80 == 0) h.end_ns = h.begin_ns - std::min<std::uint64_t>(h.begin_ns, 1 + rng() % 5);
    const bool open = rng() % 100 == 0;
    h.end = open ? HoldEnd::Open : HoldEnd::Released;
    h.last = open ? weft::analysis::kNoEvent : h.first + 1 + rng() % 5;
    last_end[h.lock] = std::max(last_end[h.lock], h.end_ns);
    holds.push_back(h);
  }
  holds.seal();
  return holds;
}

void require_same(const SpanList& read, const SpanList& copied) {
  REQUIRE(read.spans.size() == copied.spans.size());
  REQUIRE(read.covered_before(0) == 0);
  std::size_t k = 0;
  for (const Span& s : read.spans) {  // through the iterator
    REQUIRE(s == copied.spans[k]);
    REQUIRE(read.spans[k] == s);
    REQUIRE(read.covered_before(k + 1) == copied.covered_before(k + 1));
    ++k;
  }
  // The walk of the begins (what a lane's index is built from) gives each
  // span's begin, in order: a run of holds, a list of them, or spans of its own.
  std::vector<std::uint64_t> begins;
  read.spans.for_each_begin([&](std::uint64_t t) { begins.push_back(t); });
  REQUIRE(begins.size() == copied.spans.size());
  for (std::size_t j = 0; j < begins.size(); ++j) REQUIRE(begins[j] == copied.begin_of(j));
  // So the index built walking is the one built looking each begin up.
  const auto key = [&](std::size_t j) { return copied.begin_of(j); };
  TimeIndex walked, looked_up;
  walked.build_walking(read.spans.size(), key, [&](auto&& visit) { read.spans.for_each_begin(visit); });
  looked_up.build(copied.spans.size(), key);
  if (!copied.spans.empty()) {
    const std::uint64_t end = copied.spans.back().end_ns;
    for (std::uint64_t t : {std::uint64_t{0}, end / 3, end / 2, end}) {
      REQUIRE(read.first_ending_after(t) == copied.first_ending_after(t));
      REQUIRE(read.first_beginning_at(t) == copied.first_beginning_at(t));
    }
    for (std::uint64_t t = 0; t <= end + 1; t += 1 + end / 500)
      REQUIRE(walked.lower_bound(t, 0, key) == looked_up.lower_bound(t, 0, key));
  }
}

// Lock `lock`'s holds as a lane reads them and as a copy, not sealed.
struct Lists {
  SpanList read, copied;
};
Lists lists_of(const HoldStore& holds, std::uint32_t lock) {
  Lists l;
  for (std::size_t k = 0; k < holds.size(); ++k) {
    const Hold h = holds[k];
    if (h.lock != lock) continue;
    l.read.add_hold(holds, k, h);
    l.copied.add(span_of(h));
  }
  return l;
}

}  // namespace

TEST_CASE("a lock lane reading the model's holds gives the spans a copy gives") {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 40; ++round) {
    const std::uint32_t locks = 1 + static_cast<std::uint32_t>(rng() % 3);
    const bool overlap = round % 2 == 1;
    const HoldStore holds = random_holds(rng, rng() % 3000, locks, overlap);
    for (std::uint32_t lock = 1; lock <= locks; ++lock) {
      Lists l = lists_of(holds, lock);
      l.read.seal();
      l.copied.seal();
      require_same(l.read, l.copied);
    }
  }
}

TEST_CASE("lock lanes placed in one table give the spans copies give, clipping and overflow included") {
  std::mt19937_64 rng(6);
  for (int round = 0; round < 40; ++round) {
    const std::uint32_t locks = 1 + static_cast<std::uint32_t>(rng() % 60);
    const bool overlap = round % 2 == 1;
    const HoldStore holds = random_holds(rng, rng() % 3000, locks, overlap);
    std::vector<std::size_t> count(locks + 1, 0);
    for (const Hold h : holds) ++count[h.lock];
    // Each lock's places, one after the other; every fifth lock is given
    // one place too few (a list that overflows its room copies).
    HoldLists table;
    std::vector<std::size_t> from(locks + 1, 0), room(locks + 1, 0);
    std::size_t total = 0;
    for (std::uint32_t lock = 1; lock <= locks; ++lock) {
      room[lock] = lock % 5 == 0 && count[lock] > 0 ? count[lock] - 1 : count[lock];
      from[lock] = total;
      total += room[lock];
    }
    table.hold.resize(total);
    table.covered.resize(total);
    std::vector<SpanList> read(locks + 1), copied(locks + 1);
    for (std::uint32_t lock = 1; lock <= locks; ++lock) read[lock].place(table, holds, from[lock], room[lock]);
    for (std::size_t k = 0; k < holds.size(); ++k) {  // the locks' holds interleaved, as a layout adds them
      const Hold h = holds[k];
      read[h.lock].add_hold(holds, k, h);
      copied[h.lock].add(span_of(h));
    }
    for (std::uint32_t lock = 1; lock <= locks; ++lock) {
      read[lock].seal();
      copied[lock].seal();
      require_same(read[lock], copied[lock]);
      // A list that kept to its room owns nothing: the table holds it.
      if (!overlap && room[lock] == count[lock]) CHECK(read[lock].spans.memory_bytes() == 0);
    }
  }
}

TEST_CASE("a span list is placed in a table only while empty, and only within it") {
  std::mt19937_64 rng(7);
  const HoldStore holds = random_holds(rng, 20, 1, false);
  HoldLists table;
  table.hold.resize(8);
  table.covered.resize(8);
  SpanList list;
  CHECK_THROWS_AS(list.place(table, holds, 4, 5), std::logic_error);
  list.add_hold(holds, 0, holds[0]);
  CHECK_THROWS_AS(list.place(table, holds, 0, 4), std::logic_error);
}

TEST_CASE("a lane of one busy lock reads all the model's holds without a list") {
  std::mt19937_64 rng(4);
  const HoldStore holds = random_holds(rng, 5000, 1, false);
  Lists l = lists_of(holds, 1);
  l.read.seal();
  l.copied.seal();
  require_same(l.read, l.copied);
  // No list of which holds: the lane's spans cost it nothing.
  CHECK(l.read.spans.memory_bytes() < 1024);
  CHECK(l.read.spans.memory_bytes() < l.copied.spans.memory_bytes() / 10);
}

TEST_CASE("a span of its own after holds read: the list copies them and goes on") {
  std::mt19937_64 rng(5);
  const HoldStore holds = random_holds(rng, 600, 1, false);
  Lists l = lists_of(holds, 1);
  SpanList& mixed = l.read;
  SpanList& copied = l.copied;
  const Span extra{copied.spans.back().end_ns + 10, copied.spans.back().end_ns + 90, 7000, 7001, 1, 2};
  mixed.add(extra);
  copied.add(extra);
  mixed.seal();
  copied.seal();
  require_same(mixed, copied);
  CHECK(mixed.spans.at(mixed.spans.size() - 1) == extra);
  CHECK_THROWS_AS(mixed.spans.at(mixed.spans.size()), std::out_of_range);
}
