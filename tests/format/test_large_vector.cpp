// LargeVector, what the model's waits and series and the causal edges live
// in, and resize_huge_pages, how it grows: elements are kept across every
// change of size, small and large; a large block grows by moving its pages
// (no page is written, so none is faulted in), onto a kept range when one
// fits (whose other pages the process already has).
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/kept_memory.hpp"
#include "weft/format/large_vector.hpp"
#include "weft/format/zeroed_memory.hpp"

namespace {

using weft::format::LargeVector;
using weft::format::ZeroedMemory;

struct Item {
  std::uint64_t a = 0;
  std::uint32_t b = 0;
  bool c = false;
  bool operator==(const Item&) const = default;
};

// Page faults this thread has taken so far.
long faults() {
  rusage usage{};
  ::getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

}  // namespace

TEST_CASE("large vector: keeps every element as it grows past 2 MB and shrinks back", "[format][large_vector]") {
  LargeVector<Item> v;
  REQUIRE(v.empty());
  REQUIRE(v.data() == nullptr);
  const std::size_t n = 3 * ZeroedMemory::kHugeFrom / sizeof(Item) + 7;
  for (std::size_t i = 0; i < n; ++i) v.push_back({i * 3, static_cast<std::uint32_t>(i), i % 2 == 0});
  REQUIRE(v.size() == n);
  REQUIRE(v.capacity() >= n);
  for (std::size_t i = 0; i < n; ++i) REQUIRE(v[i] == Item{i * 3, static_cast<std::uint32_t>(i), i % 2 == 0});
  // Its large block is a mapping of its own on a 2 MB boundary.
  REQUIRE(reinterpret_cast<std::uintptr_t>(v.data()) % ZeroedMemory::kHugePage == 0);
  const LargeVector<Item> copy = v;
  REQUIRE(copy == v);
  REQUIRE(copy.data() != v.data());
  // Shrunk below the line, it is malloc's again, its elements kept.
  v.resize(10);
  v.shrink_to_fit();
  REQUIRE(v.size() == 10);
  REQUIRE(v.capacity() == 10);
  REQUIRE(v[9] == Item{27, 9, false});
  REQUIRE_FALSE(copy == v);
  // Moved from, it is empty and owns nothing.
  LargeVector<Item> moved = std::move(v);
  REQUIRE(moved.size() == 10);
  REQUIRE(v.empty());  // NOLINT(bugprone-use-after-move): what a move leaves is part of the contract
  REQUIRE(v.capacity() == 0);
}

TEST_CASE("large vector: reads and writes as a vector does", "[format][large_vector]") {
  LargeVector<Item> v = {{1, 2, true}, {3, 4, false}};
  REQUIRE(v.size() == 2);
  REQUIRE(v.front() == Item{1, 2, true});
  REQUIRE(v.back() == Item{3, 4, false});
  Item& made = v.emplace_back(std::uint64_t{5}, std::uint32_t{6}, true);  // an aggregate, built in place
  REQUIRE(made == Item{5, 6, true});
  REQUIRE(v.at(2) == made);
  REQUIRE_THROWS_AS(v.at(3), std::out_of_range);
  v.pop_back();
  REQUIRE(v.size() == 2);
  std::uint64_t sum = 0;
  for (const Item& item : v) sum += item.a;
  REQUIRE(sum == 4);
  v.resize(5, Item{9, 9, true});
  REQUIRE(v[4] == Item{9, 9, true});
  v.clear();
  REQUIRE(v.empty());
  // An element of its own, pushed when full: copied before the block moves.
  LargeVector<std::uint64_t> own{7};
  for (int i = 0; i < 20; ++i) own.push_back(own.front());
  for (const std::uint64_t x : own) REQUIRE(x == 7);
  // An impossible size is refused, not wrapped around.
  REQUIRE_THROWS_AS(own.reserve(~std::size_t{0} / 4), std::bad_array_new_length);
}

TEST_CASE("large vector: growing a large block writes none of its pages", "[format][large_vector]") {
  weft::format::give_back_kept_memory();  // nothing kept: the block grows where it is, or moves
  LargeVector<std::uint64_t> v;
  const std::size_t n = 4 * ZeroedMemory::kHugePage / sizeof(std::uint64_t);  // 8 MB, 2048 4 KB pages
  for (std::size_t i = 0; i < n; ++i) v.push_back(i);
  const long before = faults();
  v.reserve(n * 16);  // a copy would write 8 MB of new pages: two thousand faults at least
  // A quarter of them leaves room for a sanitizer's own shadow pages.
  CHECK(faults() - before < static_cast<long>(n * sizeof(std::uint64_t) / 4096 / 4));
  REQUIRE(v.capacity() >= n * 16);
  for (std::size_t i = 0; i < n; i += 511) REQUIRE(v[i] == i);
  REQUIRE(v.back() == n - 1);
}

TEST_CASE("resize huge pages: a block grows onto a kept range, keeping its bytes and the range's pages", "[format][large_vector]") {
  using namespace weft::format;
  give_back_kept_memory();
  const std::size_t small = 2 * ZeroedMemory::kHugePage, large = 8 * ZeroedMemory::kHugePage;
  auto* block = static_cast<unsigned char*>(map_huge_pages_unzeroed(small));
  std::memset(block, 0x5a, small);
  // A larger block, written, then freed: kept for the next request it fits.
  auto* freed = static_cast<unsigned char*>(map_huge_pages_unzeroed(large));
  std::memset(freed, 0x11, large);
  unmap_huge_pages(freed, large);
  auto* grown = static_cast<unsigned char*>(resize_huge_pages(block, small, large, small));
  REQUIRE(grown == freed);
  // Its own bytes moved over the front of the kept range; the rest of the
  // kept range's pages are still the process's: reading them faults none.
  const long before = faults();
  std::size_t own = 0, kept = 0;
  for (std::size_t at = 0; at < large; at += 4096) (grown[at] == 0x5a ? own : kept) += 1;
  CHECK(faults() - before < static_cast<long>(large / 4096 / 4));  // room for a sanitizer's shadow pages
  REQUIRE(own == small / 4096);
  REQUIRE(kept == (large - small) / 4096);
  // Shrunk, it stays where it is with its first bytes.
  REQUIRE(resize_huge_pages(grown, large, small, small) == grown);
  REQUIRE(grown[small - 1] == 0x5a);
  unmap_huge_pages(grown, small);
  give_back_kept_memory();
}
