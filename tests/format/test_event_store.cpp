// EventStore: the packed events every trace holds. Whatever goes in comes
// out field for field, however the values are spread, and a lock loop's
// events take a few bytes each.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "weft/format/event_store.hpp"

using weft::format::Event;
using weft::format::EventKind;
using weft::format::EventStore;
using weft::format::kNoSeq;

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kMax32 = std::numeric_limits<std::uint32_t>::max();

// Random events; `spread` picks how far apart their values are, from a
// lock loop's (close) to anything at all (extremes included).
std::vector<Event> random_events(std::mt19937_64& rng, std::size_t n, int spread) {
  std::vector<Event> out(n);
  std::uint64_t time = rng() % 1000, seq = rng() % 100;
  const auto any = [&]() -> std::uint64_t {
    switch (rng() % 5) {
      case 0: return 0;
      case 1: return kMax;
      case 2: return kMax - 1 - rng() % 3;
      default: return rng();
    }
  };
  for (Event& e : out) {
    if (spread == 0) {
      time += rng() % 200;
      e.time_ns = time;
      e.seq = rng() % 3 == 0 ? kNoSeq : seq++;
      e.arg = rng() % 2;
      e.object = 1 + static_cast<std::uint32_t>(rng() % 2);
      e.site = 1 + static_cast<std::uint32_t>(rng() % 4);
      e.thread = static_cast<std::uint32_t>(rng() % 4);
      e.kind = static_cast<EventKind>(rng() % 40);
      e.flags = static_cast<std::uint8_t>(rng() % 2);
    } else {
      e.time_ns = any();
      e.seq = rng() % 4 == 0 ? kNoSeq : any();
      if (e.seq == kNoSeq && rng() % 2) e.seq = kNoSeq - 1;  // the largest real one
      e.arg = any();
      e.object = static_cast<std::uint32_t>(any());
      e.site = static_cast<std::uint32_t>(any());
      e.thread = static_cast<std::uint32_t>(any());
      e.kind = static_cast<EventKind>(any() & 0xff);
      e.flags = static_cast<std::uint8_t>(any());
    }
  }
  return out;
}

void check_same(const EventStore& s, const std::vector<Event>& want) {
  REQUIRE(s.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("event " << i);
    REQUIRE(s[i] == want[i]);
  }
  std::size_t i = 0;
  for (const Event e : s) REQUIRE(e == want[i++]);
  CHECK(s.to_vector() == want);
  // Each field alone, as a search over one field reads it (optional ones as the codec gives them).
  for (std::size_t k = 0; k < want.size(); ++k) {
    std::uint64_t fields[weft::format::EventCodec::kFields];
    weft::format::EventCodec::split(want[k], fields);
    for (int f = 0; f < weft::format::EventCodec::kFields; ++f) REQUIRE(s.field(k, f) == fields[f]);
  }
  // for_each: every event of the range once, in order, with its index;
  // ranges that start and end inside blocks, in the unpacked tail, or are
  // empty.
  const std::size_t n = want.size();
  for (const auto& [first, last] : {std::pair{std::size_t{0}, n}, std::pair{n / 3, n - n / 4}, std::pair{n, n},
                                    std::pair{n / 2, n / 2}, std::pair{n > 0 ? n - 1 : 0, n}}) {
    INFO("for_each from " << first << " to " << last);
    std::size_t next = first;
    s.for_each(first, last, [&](std::size_t k, const Event& e) {
      REQUIRE(k == next);
      REQUIRE(e == want[k]);
      ++next;
    });
    CHECK(next == last);
  }
}

}  // namespace

TEST_CASE("event store: every event reads back field for field, close values or extremes, sealed or not",
          "[event_store]") {
  for (int spread = 0; spread <= 1; ++spread)
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{257},
                                std::size_t{3000}}) {
      std::mt19937_64 rng(n * 31 + static_cast<std::size_t>(spread));
      const std::vector<Event> events = random_events(rng, n, spread);
      INFO("spread " << spread << ", " << n << " events");
      EventStore s;
      for (const Event& e : events) s.push_back(e);
      check_same(s, events);
      s.seal();
      check_same(s, events);
      // Growing again after a seal unpacks the partial block first.
      std::vector<Event> more = events;
      for (const Event& e : random_events(rng, 300, spread)) {
        s.push_back(e);
        more.push_back(e);
      }
      check_same(s, more);
    }
}

TEST_CASE("event store: the codec's ranges of a block are each field's smallest and largest, a missing seq left out",
          "[event_store]") {
  using weft::format::EventCodec;
  std::mt19937_64 rng(17);
  for (int round = 0; round < 400; ++round) {
    const int spread = round % 2;
    std::vector<Event> block = random_events(rng, 1 + rng() % 256, spread);
    if (round % 7 == 0)
      for (Event& e : block) e.seq = kNoSeq;  // no event with a sequence number
    if (round % 11 == 0) block.front().seq = kNoSeq - 1;  // the largest one there is
    // Worked out here, one field at a time, as the definition says.
    std::uint64_t want_lo[8], want_hi[8];
    bool want_any[8];
    for (int f = 0; f < 8; ++f) {
      want_lo[f] = kMax;
      want_hi[f] = 0;
      want_any[f] = false;
    }
    for (const Event& e : block) {
      std::uint64_t v[8];
      EventCodec::split(e, v);
      for (int f = 0; f < 8; ++f) {
        if (f == 1 && v[f] == kNoSeq) continue;
        want_lo[f] = std::min(want_lo[f], v[f]);
        want_hi[f] = std::max(want_hi[f], v[f]);
        want_any[f] = true;
      }
    }
    std::uint64_t lo[8], hi[8];
    bool any[8];
    EventCodec::ranges(block.data(), block.size(), lo, hi, any);
    INFO("round " << round << ", " << block.size() << " events");
    for (int f = 0; f < 8; ++f) {
      INFO("field " << f);
      REQUIRE(any[f] == want_any[f]);
      REQUIRE(lo[f] == want_lo[f]);  // ~0 and 0 for a range of nothing
      REQUIRE(hi[f] == want_hi[f]);
    }
  }
}

TEST_CASE("event store: a field that is the same across a block takes no bits, a lock loop a few bytes per event",
          "[event_store]") {
  EventStore s;
  std::uint64_t time = 1'000'000;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    Event e;
    time += 40 + i % 7;
    e.time_ns = time;
    e.seq = i;
    e.object = 3;
    e.site = 2 + static_cast<std::uint32_t>(i % 2);
    e.thread = 1;
    e.kind = i % 2 ? EventKind::MutexReleased : EventKind::MutexAcquired;
    s.push_back(e);
  }
  s.seal();
  const double per_event = double(s.memory_bytes()) / double(s.size());
  INFO(per_event << " bytes per event");
  CHECK(per_event < 4.0);
  CHECK(s[99'999].seq == 99'999);
  CHECK(s.back().time_ns == time);
}

TEST_CASE("event store: set and modify replace one event, also with a value its block could not hold",
          "[event_store]") {
  std::mt19937_64 rng(7);
  std::vector<Event> want = random_events(rng, 1000, 0);
  EventStore s;
  for (const Event& e : want) s.push_back(e);
  // Fits its block's frame: written in place.
  Event small = want[10];
  small.arg = want[11].arg;
  s.set(10, small);
  want[10] = small;
  // Does not: the block is packed anew.
  Event big = want[300];
  big.time_ns = kMax;
  big.seq = 0;
  big.object = kMax32;
  s.set(300, big);
  want[300] = big;
  // No sequence number where the block's others have one, and back.
  s.modify(301, [](Event& e) { e.seq = kNoSeq; });
  want[301].seq = kNoSeq;
  s.modify(302, [](Event& e) { e.seq = kNoSeq - 1; });
  want[302].seq = kNoSeq - 1;
  // In the unpacked tail.
  s.modify(999, [](Event& e) { e.flags = 0xff; });
  want[999].flags = 0xff;
  check_same(s, want);
  CHECK_THROWS_AS(s.at(1000), std::out_of_range);
  CHECK_THROWS_AS(s.set(1000, big), std::out_of_range);
}

TEST_CASE("event store: copies are independent, clear gives the memory back", "[event_store]") {
  std::mt19937_64 rng(11);
  const std::vector<Event> events = random_events(rng, 5000, 1);
  EventStore s{events[0], events[1]};
  CHECK(s.size() == 2);
  s.clear();
  for (const Event& e : events) s.push_back(e);
  s.seal();
  EventStore copy = s;
  copy.modify(0, [](Event& e) { e.arg = 42; });
  CHECK(s[0] == events[0]);
  CHECK(copy[0].arg == 42);
  CHECK(copy != s);
  copy.set(0, events[0]);
  CHECK(copy == s);
  EventStore moved = std::move(copy);
  check_same(moved, events);
  s.clear();
  CHECK(s.empty());
  CHECK(s.memory_bytes() == 0);
}

TEST_CASE("event store: iterators walk it as a random-access range", "[event_store]") {
  std::mt19937_64 rng(3);
  const std::vector<Event> events = random_events(rng, 700, 0);
  EventStore s;
  for (const Event& e : events) s.push_back(e);
  CHECK(s.end() - s.begin() == 700);
  CHECK((s.begin() + 300)->time_ns == events[300].time_ns);
  CHECK(s.begin()[699] == events[699]);
  const auto found = std::find_if(s.begin(), s.end(), [&](const Event& e) { return e == events[450]; });
  CHECK(found.index() <= 450);
  CHECK(std::count_if(s.begin(), s.end(), [](const Event& e) { return e.seq == kNoSeq; }) ==
        std::count_if(events.begin(), events.end(), [](const Event& e) { return e.seq == kNoSeq; }));
}

TEST_CASE("event store: may_hold is true for every kind pushed or set, false for one never seen", "[event_store]") {
  EventStore s;
  CHECK_FALSE(s.may_hold(EventKind::MutexAcquired));
  Event e;
  e.kind = EventKind::MutexAcquired;
  for (int i = 0; i < 600; ++i) s.push_back(e);
  CHECK(s.may_hold(EventKind::MutexAcquired));
  CHECK_FALSE(s.may_hold(EventKind::TsanReport));
  CHECK_FALSE(s.may_hold(EventKind::TraceDropped));
  e.kind = EventKind::TsanReport;
  s.set(10, e);
  CHECK(s.may_hold(EventKind::TsanReport));
  const EventStore copy = s;
  CHECK(copy.may_hold(EventKind::TsanReport));
  s.clear();
  CHECK_FALSE(s.may_hold(EventKind::MutexAcquired));
}

TEST_CASE("event store: append moves another store's events after a block-aligned store's, kinds included",
          "[event_store]") {
  std::mt19937_64 rng(11);
  std::vector<Event> a = random_events(rng, 3 * EventStore::kBlock, 1);
  std::vector<Event> b = random_events(rng, 2 * EventStore::kBlock + 17, 1);
  for (Event& e : a)
    if (e.kind == EventKind::Mark) e.kind = EventKind::MutexAcquired;
  b[5].kind = EventKind::Mark;  // a kind only the appended store holds
  EventStore front, back;
  for (const Event& e : a) front.push_back(e);
  front.seal();
  CHECK_FALSE(front.may_hold(EventKind::Mark));
  for (const Event& e : b) back.push_back(e);
  back.seal();
  front.append(std::move(back));
  CHECK(back.empty());
  REQUIRE(front.size() == a.size() + b.size());
  bool same = true;
  for (std::size_t i = 0; i < a.size() && same; ++i) same = front[i] == a[i];
  for (std::size_t i = 0; i < b.size() && same; ++i) same = front[a.size() + i] == b[i];
  CHECK(same);
  CHECK(front.may_hold(EventKind::Mark));
  // It grows on as any store does: the last, partial block is unpacked again.
  front.push_back(a[0]);
  CHECK(front.back() == a[0]);
  CHECK(front[a.size() + b.size() - 1] == b.back());

  EventStore odd;
  odd.push_back(a[0]);
  EventStore more;
  more.push_back(a[1]);
  CHECK_THROWS_AS(odd.append(std::move(more)), std::logic_error);  // would leave a partial block inside
  EventStore none;
  odd.append(std::move(none));  // nothing to move: allowed anywhere
  CHECK(odd.size() == 1);
}
