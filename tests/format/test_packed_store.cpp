// PackedStore with codecs other than the events': whatever goes in comes
// out, whole or one field at a time, "none" in an optional field at any
// position included, and a store is as small as the spread of its values
// allows. (test_event_store.cpp tries the events' codec, and the store's
// writing and copying, at length.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "weft/format/packed_store.hpp"
#include "weft/format/packed_store_impl.hpp"

// Named, not anonymous: the store is instantiated for it below, and its
// functions must not have internal linkage.
namespace packed_store_test {

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

// Three fields, the first and the last optional: "none" at either end of a record.
struct Triple {
  std::uint64_t a = 0, b = 0, c = 0;
  bool operator==(const Triple&) const = default;
};
using TripleCodec = weft::format::MemberCodec<Triple, 1u << 0 | 1u << 2, &Triple::a, &Triple::b, &Triple::c>;

}  // namespace packed_store_test

template class weft::format::PackedStore<packed_store_test::TripleCodec>;

using packed_store_test::kNone;
using packed_store_test::Triple;
using Triples = weft::format::PackedStore<packed_store_test::TripleCodec>;
using Numbers = weft::format::PackedStore<weft::format::UintCodec>;

TEST_CASE("packed store: optional fields keep none apart from every value, wherever they are in a record") {
  std::mt19937_64 rng(5);
  for (const std::size_t n : {0u, 1u, 255u, 256u, 257u, 2000u}) {
    for (const bool close : {true, false}) {
      std::vector<Triple> in(n);
      std::uint64_t at = rng() % 1000;
      for (Triple& t : in) {
        const auto value = [&]() -> std::uint64_t {
          if (rng() % 3 == 0) return kNone;
          if (close) return at += rng() % 50;
          return rng() % 2 ? kNone - 1 - rng() % 2 : rng() % 3 == 0 ? 0 : rng();
        };
        t = Triple{value(), close ? at : rng(), value()};
      }
      Triples store;
      for (const Triple& t : in) store.push_back(t);
      CHECK(store.to_vector() == in);
      // One field alone, the others left packed (a full 64-bit spread value
      // straddles nine bytes), before and after the last records are packed.
      const auto fields_read_alone = [&] {
        for (std::size_t k = 0; k < n; ++k) {
          INFO("record " << k << " of " << n << (close ? ", close" : ", spread"));
          REQUIRE(store.field(k, 0) == in[k].a);
          REQUIRE(store.field(k, 1) == in[k].b);
          REQUIRE(store.field(k, 2) == in[k].c);
        }
      };
      fields_read_alone();
      store.seal();
      REQUIRE(store.size() == n);
      for (std::size_t k = 0; k < n; ++k) {
        INFO("record " << k << " of " << n << (close ? ", close" : ", spread"));
        REQUIRE(store[k] == in[k]);
      }
      fields_read_alone();
    }
  }
}

TEST_CASE("packed store: set turns none into a value and back, packing the block anew when it must") {
  Triples store;
  for (std::uint64_t k = 0; k < 600; ++k) store.push_back(Triple{kNone, k, 10 + k % 3});
  store.seal();
  store.set(3, Triple{7, 3, kNone});  // the first field had no value in its block: packed anew
  store.set(300, Triple{kNone, 300, kNone});
  store.modify(599, [](Triple& t) { t.a = kNone - 1; });
  for (std::uint64_t k = 0; k < 600; ++k) {
    INFO("record " << k);
    const Triple want = k == 3     ? Triple{7, 3, kNone}
                        : k == 300 ? Triple{kNone, 300, kNone}
                        : k == 599 ? Triple{kNone - 1, 599, 10 + 599 % 3}
                                   : Triple{kNone, k, 10 + k % 3};
    REQUIRE(store[k] == want);
  }
}

TEST_CASE("packed store: a record built in place and closed after the next is pushed reads back as closed across blocks") {
  // The model's lock holds: each pushed open (its first field "none"),
  // filled in where it is kept, and closed one push later with values past
  // its block's range.
  Triples store;
  const auto closed = [](std::uint64_t k) { return Triple{1'000'000 + 7 * k, k, 1u << 20 | k}; };
  for (std::uint64_t k = 0; k < 1000; ++k) {
    Triple& t = store.emplace_back();
    CHECK(t == Triple{});
    t.a = kNone;
    t.b = k;
    if (k > 0) store.modify(k - 1, [&](Triple& prev) { prev = closed(k - 1); });
    REQUIRE(store.size() == k + 1);
    REQUIRE(store[k] == Triple{kNone, k, 0});
  }
  store.modify(999, [&](Triple& last) { last = closed(999); });
  for (std::uint64_t k = 0; k < 1000; ++k) {
    INFO("record " << k);
    REQUIRE(store[k] == closed(k));
  }
  store.seal();
  CHECK(store.to_vector() == Triples(store).to_vector());
  for (std::uint64_t k = 0; k < 1000; ++k) REQUIRE(store.field(k, 2) == (1u << 20 | k));
}

TEST_CASE("packed store: a store of exactly whole blocks is appended to and sealed and grown in order") {
  for (const bool seal_first : {false, true}) {
    INFO((seal_first ? "sealed" : "as pushed"));
    Triples front, back;
    for (std::uint64_t k = 0; k < 512; ++k) front.push_back(Triple{k, k, k});  // its last block not yet packed
    for (std::uint64_t k = 512; k < 700; ++k) back.push_back(Triple{k, k, k});
    if (seal_first) front.seal();
    front.append(std::move(back));
    CHECK(back.empty());
    front.push_back(Triple{700, 700, 700});
    REQUIRE(front.size() == 701);
    for (std::uint64_t k = 0; k < 701; ++k) REQUIRE(front[k] == Triple{k, k, k});
    front.seal();
    std::vector<Triple> all(701);
    front.decode(0, 701, all.data());
    for (std::uint64_t k = 0; k < 701; ++k) REQUIRE(all[k] == Triple{k, k, k});
  }
}

TEST_CASE("packed store: a running maximum of event times takes a byte or two a number, and is searched as a sorted range") {
  std::mt19937_64 rng(8);
  Numbers times;
  std::vector<std::uint64_t> plain;
  std::uint64_t t = 1'000'000'000'000;  // ns since the trace began: large, but close to each other
  for (int k = 0; k < 100'000; ++k) {
    t += rng() % 100;
    times.push_back(t);
    plain.push_back(t);
  }
  times.seal();
  CHECK(times.memory_bytes() < 2 * times.size());
  CHECK(times.to_vector() == plain);
  for (int probe = 0; probe < 1000; ++probe) {
    const std::uint64_t at = plain.front() + rng() % (plain.back() - plain.front() + 10);
    REQUIRE(std::lower_bound(times.begin(), times.end(), at) - times.begin() ==
            std::lower_bound(plain.begin(), plain.end(), at) - plain.begin());
  }
}

TEST_CASE("packed store: a store reserved for more records than it gets holds the same, in no more memory than grown") {
  // The loader reserves a worker's store for all of a thread's events in a
  // batch, about twice what the worker gets: the room it never writes must
  // cost nothing, and a reserved store reads exactly as one grown record by
  // record, whether its first segment was large enough or not.
  std::mt19937_64 rng(11);
  for (const std::size_t reserve : {std::size_t{1'000}, std::size_t{4'000'000}}) {
    Triples reserved, grown;
    reserved.reserve(reserve);
    std::uint64_t at = 0;
    for (int k = 0; k < 300'000; ++k) {
      at += rng() % 20;
      // Wider after the first block than in it: the estimate from the first block is too small.
      const std::uint64_t spread = k < 256 ? 4 : 1'000'000;
      const Triple t{rng() % 5 == 0 ? kNone : at + rng() % spread, at, k % 7 == 0 ? kNone : rng() % 100};
      reserved.push_back(t);
      grown.push_back(t);
    }
    reserved.seal();
    grown.seal();
    INFO("reserved for " << reserve);
    REQUIRE(reserved == grown);
    CHECK(reserved.memory_bytes() <= grown.memory_bytes() + weft::format::ZeroedMemory::kHugePage);
  }
}

TEST_CASE("packed store: a store of a few records is sealed unpacked and reads and grows as any other") {
  // A lane of a lock taken four times, among millions: no block, no frame.
  const std::vector<std::uint64_t> few{7, 3, ~std::uint64_t{0} - 1, 12};
  Numbers store;
  store.reserve(few.size());
  for (const std::uint64_t v : few) store.push_back(v);
  store.seal();
  CHECK(store.to_vector() == few);
  for (std::size_t k = 0; k < few.size(); ++k) {
    CHECK(store[k] == few[k]);
    CHECK(store.field(k, 0) == few[k]);
  }
  // What reads a store block by block reads it too.
  std::vector<std::uint64_t> walked;
  store.for_each(1, few.size(), [&](std::size_t, std::uint64_t v) { walked.push_back(v); });
  CHECK(walked == std::vector<std::uint64_t>(few.begin() + 1, few.end()));
  store.modify(2, [](std::uint64_t& v) { v = 5; });
  CHECK(store[2] == 5);
  // Grown past a block after it was sealed: packed as it comes, in order.
  std::vector<std::uint64_t> all = store.to_vector();
  for (std::uint64_t v = 0; v < 600; ++v) {
    store.push_back(v * 3);
    all.push_back(v * 3);
  }
  store.seal();
  CHECK(store.to_vector() == all);
  CHECK(store.field(300, 0) == all[300]);
}

TEST_CASE("packed store: a member codec names a member's field by the member, in the order listed") {
  // Listed out of declaration order: the field is the member's place in the list.
  using Listed = weft::format::MemberCodec<Triple, 0, &Triple::c, &Triple::a, &Triple::b>;
  static_assert(Listed::field_of<&Triple::c>() == 0 && Listed::field_of<&Triple::a>() == 1 &&
                Listed::field_of<&Triple::b>() == 2);
  Triples store;
  for (std::uint64_t i = 0; i < 600; ++i) store.push_back({i, 1000 + i, kNone});
  store.seal();
  constexpr int b = packed_store_test::TripleCodec::field_of<&Triple::b>();
  for (std::uint64_t i = 0; i < 600; i += 37) {
    CHECK(store.field(i, b) == 1000 + i);
    CHECK(store.field(i, packed_store_test::TripleCodec::field_of<&Triple::c>()) == kNone);
  }
}
