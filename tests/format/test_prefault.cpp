// prefault and prefault_ahead, which map a large array's pages in bulk
// before it is written (the loader's payloads, packed stores' segments, the
// vectors on HugePageAllocator): the pages asked for are resident and
// zero, those past the step `to` enters are not touched, the bytes already
// written stay, and a range of zero bytes or one already mapped is harmless;
// reserve_prefaulted, which sizes a vector so.
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "weft/format/prefault.hpp"

using weft::format::kPrefaultStep;
using weft::format::prefault;
using weft::format::prefault_ahead;

namespace {

const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

// A fresh anonymous mapping, none of its pages resident yet.
struct Mapping {
  explicit Mapping(std::size_t n) : size(n) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    base = static_cast<unsigned char*>(p);
    // 4 KB pages, whatever the system's transparent huge pages say: one
    // 2 MB page would make a whole step resident at the first touch.
    (void)::madvise(p, n, MADV_NOHUGEPAGE);
  }
  ~Mapping() { ::munmap(base, size); }
  // How many of the pages of [from, to) are resident.
  std::size_t resident(std::size_t from, std::size_t to) const {
    std::vector<unsigned char> in((size + kPage - 1) / kPage);
    REQUIRE(::mincore(base, size, in.data()) == 0);
    std::size_t n = 0;
    for (std::size_t page = from / kPage; page < (to + kPage - 1) / kPage; ++page) n += in[page] & 1;
    return n;
  }
  unsigned char* base;
  std::size_t size;
};

// Whether this kernel maps pages on request (Linux 5.14 and later); where
// it does not, prefault is advice that does nothing, which is all it owes.
bool kernel_prefaults() {
  Mapping m(kPage);
  prefault(m.base, kPage);
  return m.resident(0, kPage) == 1;
}

}  // namespace

TEST_CASE("prefault maps the whole pages of a range, and only those", "[format][prefault]") {
  if (!kernel_prefaults()) {
    WARN("this kernel has no MADV_POPULATE_WRITE: prefault is a no-op here");
    return;
  }
  Mapping m(16 * kPage);
  // Bytes 1.5 pages in to 4.5 pages in: pages 1 to 4.
  prefault(m.base + kPage + kPage / 2, 3 * kPage);
  CHECK(m.resident(0, kPage) == 0);
  CHECK(m.resident(kPage, 5 * kPage) == 4);
  CHECK(m.resident(5 * kPage, 16 * kPage) == 0);
  for (std::size_t i = 0; i < 16 * kPage; ++i) REQUIRE(m.base[i] == 0);

  // Nothing asked: nothing mapped.
  Mapping empty(4 * kPage);
  prefault(empty.base + kPage, 0);
  CHECK(empty.resident(0, 4 * kPage) == 0);
}

TEST_CASE("prefault_ahead maps the steps an array written in order enters, and keeps its bytes", "[format][prefault]") {
  if (!kernel_prefaults()) {
    WARN("this kernel has no MADV_POPULATE_WRITE: prefault is a no-op here");
    return;
  }
  const std::size_t size = 3 * kPrefaultStep + 5 * kPage;  // the last step is short
  Mapping m(size);

  // The first write enters step 0: all of it is mapped, nothing after.
  prefault_ahead(m.base, size, 0, 100);
  std::memset(m.base, 0xab, 100);
  CHECK(m.resident(0, kPrefaultStep) == kPrefaultStep / kPage);
  CHECK(m.resident(kPrefaultStep, size) == 0);

  // Growing within step 0 maps nothing more.
  prefault_ahead(m.base, size, 100, kPrefaultStep - 1);
  CHECK(m.resident(kPrefaultStep, size) == 0);

  // A write that crosses into step 1 and ends in step 2 maps both, not 3.
  prefault_ahead(m.base, size, kPrefaultStep - 1, 2 * kPrefaultStep + 1);
  CHECK(m.resident(0, 3 * kPrefaultStep) == 3 * kPrefaultStep / kPage);
  CHECK(m.resident(3 * kPrefaultStep, size) == 0);

  // The short last step is mapped up to the array's end, never past it,
  // even when `to` is past the end (a reader's slack).
  prefault_ahead(m.base, size, 2 * kPrefaultStep + 1, size + 4096);
  CHECK(m.resident(0, size) == size / kPage);

  // What was written stays; the rest reads as zeros.
  for (std::size_t i = 0; i < 100; ++i) REQUIRE(m.base[i] == 0xab);
  for (std::size_t i = 100; i < size; i += 997) REQUIRE(m.base[i] == 0);

  // Again, over pages already mapped (a reused segment): harmless.
  prefault_ahead(m.base, size, 0, size);
  CHECK(m.base[0] == 0xab);
}

TEST_CASE("reserve_prefaulted gives room for n elements, mapped, and keeps those it moves", "[format][prefault]") {
  // Large enough that the move to a bigger allocation takes the path that
  // maps all of it first; strings, so that a move that lost one shows.
  std::vector<std::string> v;
  for (int i = 0; i < 20000; ++i) v.push_back("object number " + std::to_string(i) + (i % 3 ? "" : " with a longer name"));
  const std::vector<std::string> before = v;
  REQUIRE(v.size() * sizeof(std::string) >= weft::format::kPrefaultFrom);
  weft::format::reserve_prefaulted(v, 50000);
  CHECK(v.capacity() >= 50000);
  CHECK(v == before);
  if (kernel_prefaults()) {
    // Every page of the new allocation is resident: those the elements
    // moved to and the room past them.
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data()) / kPage * kPage;
    const auto end = reinterpret_cast<std::uintptr_t>(v.data() + 50000);
    std::vector<unsigned char> in((end - begin + kPage - 1) / kPage);
    REQUIRE(::mincore(reinterpret_cast<void*>(begin), end - begin, in.data()) == 0);
    std::size_t resident = 0;
    for (const unsigned char page : in) resident += page & 1;
    CHECK(resident == in.size());
  }
  // Room it already has, or a small vector: a plain reserve.
  const std::string* data = v.data();
  weft::format::reserve_prefaulted(v, 30000);
  CHECK(v.data() == data);
  CHECK(v == before);
  std::vector<std::string> small{"a", "b"};
  weft::format::reserve_prefaulted(small, 100);
  CHECK(small.capacity() >= 100);
  CHECK(small == std::vector<std::string>{"a", "b"});
}
