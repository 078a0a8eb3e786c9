// Whether an address is in memory shared with other processes, as the
// futex wrapper asks before it lets the watchdog count a wait as a hang.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "shared_mappings.hpp"

using weft::preload::in_shared_mapping;

namespace {
int g_global = 0;
}

TEST_CASE("shared mappings: shared anonymous and shared file memory are shared, private memory is not",
          "[preload][mappings]") {
  const long page = ::sysconf(_SC_PAGESIZE);
  void* shared = ::mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  void* priv = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(shared != MAP_FAILED);
  REQUIRE(priv != MAP_FAILED);
  CHECK(in_shared_mapping(shared));
  CHECK(in_shared_mapping(static_cast<char*>(shared) + 3 * page - 4));  // its last word
  CHECK_FALSE(in_shared_mapping(priv));
  ::munmap(shared, 3 * page);
  ::munmap(priv, page);

  // A memfd mapped shared (a file mapping, as shm_open's).
  const int fd = ::memfd_create("weft-test", 0);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, page) == 0);
  void* file = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  REQUIRE(file != MAP_FAILED);
  CHECK(in_shared_mapping(file));
  ::munmap(file, page);
  ::close(fd);

  const auto heap = std::make_unique<int>(0);
  int stack = 0;
  CHECK_FALSE(in_shared_mapping(heap.get()));
  CHECK_FALSE(in_shared_mapping(&stack));
  CHECK_FALSE(in_shared_mapping(&g_global));
  CHECK_FALSE(in_shared_mapping(nullptr));  // in no mapping at all
}

TEST_CASE("shared mappings: found past the first read of a long maps file", "[preload][mappings]") {
  // Many mappings, alternating in protection so the kernel cannot merge
  // them, push the shared one far into /proc/self/maps (beyond the 4 KB the
  // reader takes at a time).
  const long page = ::sysconf(_SC_PAGESIZE);
  constexpr int kMappings = 400;
  char* area = static_cast<char*>(::mmap(nullptr, (kMappings + 1) * page, PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  REQUIRE(area != MAP_FAILED);
  for (int i = 0; i < kMappings; i += 2) REQUIRE(::mprotect(area + i * page, page, PROT_READ) == 0);
  void* shared = ::mmap(area + kMappings * page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
                        -1, 0);
  REQUIRE(shared != MAP_FAILED);
  CHECK(in_shared_mapping(shared));
  CHECK_FALSE(in_shared_mapping(area + (kMappings - 1) * page));
  ::munmap(area, (kMappings + 1) * page);
}
