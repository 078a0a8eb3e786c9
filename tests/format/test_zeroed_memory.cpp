// ZeroedMemory, what packed stores and the loader's payloads live in: small
// and large blocks read as zeros until written, hold what is written to
// their last byte, move without copying, and a large block's released pages
// read as zeros again while the rest keeps its bytes. And HugePageAllocator,
// what packed stores' frames and the loader's events live in: a vector
// on it behaves as any vector across the 2 MB line. And where 2 MB pages
// are not asked for: a VM whose memory balloon reports free pages.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/temp_dir.hpp"
#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/zeroed_memory.hpp"

using weft::format::HugePageAllocator;
using weft::format::ZeroedMemory;

namespace {

bool all_zero(const unsigned char* p, std::size_t n) {
  return std::all_of(p, p + n, [](unsigned char c) { return c == 0; });
}

}  // namespace

TEST_CASE("zeroed memory: small and large blocks start as zeros and keep what is written", "[format][zeroed]") {
  for (const std::size_t bytes : {std::size_t{1}, std::size_t{4096}, ZeroedMemory::kHugeFrom - 1, ZeroedMemory::kHugeFrom,
                                  ZeroedMemory::kHugeFrom * 3 + 12345}) {
    INFO("bytes " << bytes);
    ZeroedMemory m(bytes);
    REQUIRE(m.size() == bytes);
    REQUIRE(m.data() != nullptr);
    REQUIRE(all_zero(m.data(), bytes));
    for (std::size_t i = 0; i < bytes; i += 997) m.data()[i] = static_cast<unsigned char>(i % 251 + 1);
    m.data()[bytes - 1] = 0x5a;
    for (std::size_t i = 0; i + 1 < bytes; i += 997) REQUIRE(m.data()[i] == static_cast<unsigned char>(i % 251 + 1));
    REQUIRE(m.data()[bytes - 1] == 0x5a);
  }
}

TEST_CASE("zeroed memory: a large block starts on a 2 MB boundary", "[format][zeroed]") {
  // Where a 2 MB page can back it: the reason the large blocks are mapped.
  ZeroedMemory m(ZeroedMemory::kHugeFrom * 2);
  REQUIRE(reinterpret_cast<std::uintptr_t>(m.data()) % ZeroedMemory::kHugePage == 0);
}

TEST_CASE("zeroed memory: moving hands the bytes over", "[format][zeroed]") {
  for (const std::size_t bytes : {std::size_t{100}, ZeroedMemory::kHugeFrom + 1}) {
    ZeroedMemory a(bytes);
    a.data()[bytes - 1] = 7;
    unsigned char* const p = a.data();
    ZeroedMemory b(std::move(a));
    REQUIRE(b.data() == p);
    REQUIRE(b.size() == bytes);
    REQUIRE(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty
    REQUIRE(a.size() == 0);
    ZeroedMemory c(16);
    c = std::move(b);
    REQUIRE(c.data() == p);
    REQUIRE(c.data()[bytes - 1] == 7);
  }
}

TEST_CASE("zeroed memory: released pages of a large block read as zeros, the rest is kept", "[format][zeroed]") {
  const std::size_t bytes = ZeroedMemory::kHugeFrom * 2;
  ZeroedMemory m(bytes);
  std::fill(m.data(), m.data() + bytes, 0xab);
  // Not page-aligned at either end: only the whole pages inside go.
  const std::size_t from = 100'000, to = 1'500'000;
  m.release(from, to);
  REQUIRE(m.data()[from] == 0xab);  // shares its page with kept bytes
  REQUIRE(m.data()[to - 1] == 0xab);
  REQUIRE(all_zero(m.data() + 0x20000, 0x100000));  // whole pages well inside the range
  REQUIRE(std::all_of(m.data(), m.data() + from, [](unsigned char c) { return c == 0xab; }));
  REQUIRE(std::all_of(m.data() + to, m.data() + bytes, [](unsigned char c) { return c == 0xab; }));
  // A small block keeps its bytes: it is freed whole.
  ZeroedMemory small(1000);
  std::fill(small.data(), small.data() + 1000, 0xcd);
  small.release(0, 1000);
  REQUIRE(small.data()[500] == 0xcd);
}

TEST_CASE("zeroed memory: what counts as given is a small block whole, a large one's written pages", "[format][zeroed]") {
  // What a store's memory_bytes() reports: a generous mapping written in
  // part costs only the pages written.
  const ZeroedMemory small(1000);
  CHECK(small.committed(0) == 1000);
  CHECK(small.committed(10) == 1000);
  // Written 2 MB at a time where 2 MB pages are asked for, else a page.
  const std::size_t page = ZeroedMemory::commit_unit();
  CHECK((page == ZeroedMemory::kHugePage || page == static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))));
  const ZeroedMemory large(ZeroedMemory::kHugePage * 3 + 5);
  CHECK(large.committed(0) == 0);
  CHECK(large.committed(1) == page);
  CHECK(large.committed(page) == page);
  CHECK(large.committed(page + 1) == 2 * page);
  CHECK(large.committed(ZeroedMemory::kHugePage * 3 + 5) == (ZeroedMemory::kHugePage * 3 + 5 + page - 1) / page * page);
  // Never more than the mapping's whole length.
  CHECK(large.committed(ZeroedMemory::kHugePage * 10) == 4 * ZeroedMemory::kHugePage);
  CHECK(ZeroedMemory().committed(0) == 0);
}

TEST_CASE("huge page allocator: a vector grows past 2 MB and keeps its elements", "[format][zeroed]") {
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> v;
  const std::size_t n = 3 * ZeroedMemory::kHugeFrom / sizeof(std::uint64_t) + 7;
  for (std::size_t i = 0; i < n; ++i) v.push_back(i * 3);
  REQUIRE(v.size() == n);
  for (std::size_t i = 0; i < n; i += 4093) REQUIRE(v[i] == i * 3);
  REQUIRE(v.back() == (n - 1) * 3);
  // Its large block is a mapping of its own on a 2 MB boundary.
  REQUIRE(reinterpret_cast<std::uintptr_t>(v.data()) % ZeroedMemory::kHugePage == 0);
  // Shrinking below the line moves it back to operator new; copies compare equal.
  const auto copy = v;
  REQUIRE(copy == v);
  v.resize(10);
  v.shrink_to_fit();
  REQUIRE(v.size() == 10);
  REQUIRE(v[9] == 27);
  // An impossible size is refused, not wrapped around.
  HugePageAllocator<std::uint64_t> a;
  REQUIRE_THROWS_AS(a.allocate(~std::size_t{0} / 4), std::bad_array_new_length);
}

TEST_CASE("zeroed memory: 2 MB pages are not asked for where a memory balloon reports free pages", "[format][zeroed]") {
  // The balloon driver's sysfs directory, as Linux lays it out: a features
  // file per bound device, one '0' or '1' per feature bit, lowest first.
  weft::test::TempDir dir;
  const auto device = [&](const std::string& name, const std::string& bits) {
    std::filesystem::create_directories(dir.path() / name);
    std::ofstream(dir.path() / name / "features") << bits << "\n";
  };
  using weft::format::balloon_reports_free_pages;
  SECTION("no balloon driver at all") { CHECK_FALSE(balloon_reports_free_pages(dir.file("absent"))); }
  SECTION("a driver with no device bound") {
    std::ofstream(dir.path() / "bind") << "";
    CHECK_FALSE(balloon_reports_free_pages(dir.path().string()));
  }
  SECTION("a balloon without free page reporting (bit 5 clear)") {
    device("virtio0", "0110000100000000");
    CHECK_FALSE(balloon_reports_free_pages(dir.path().string()));
  }
  SECTION("a balloon that reports free pages (bit 5 set), as Firecracker's") {
    device("virtio0", "01100101000000000000000000000000100000000000000000000000000000000000000000000000");
    CHECK(balloon_reports_free_pages(dir.path().string()));
  }
  SECTION("a second device that reports, beside one that does not") {
    device("virtio0", "0000000000000000");
    device("virtio3", "0000010000000000");
    CHECK(balloon_reports_free_pages(dir.path().string()));
  }
  SECTION("a features file too short to say") {
    device("virtio0", "0110");
    CHECK_FALSE(balloon_reports_free_pages(dir.path().string()));
  }
}
