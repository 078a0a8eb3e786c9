// detail::shared_region (process_sync.hpp): the anonymous MAP_SHARED mapping
// under every inter-process primitive of weft and weft::shared_memory.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "weft/process_sync.hpp"
#include "weft/shared_memory.hpp"

namespace weft::detail {

namespace {
void* map_shared(std::size_t bytes) {
  // MAP_SHARED | MAP_ANONYMOUS: zero-filled, and the same pages in every
  // child forked after (a MAP_PRIVATE mapping would be copied on write).
  void* p = ::mmap(nullptr, bytes == 0 ? 1 : bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "weft: mmap of shared memory");
  return p;
}
}  // namespace

shared_region::shared_region(std::size_t bytes) : data_(map_shared(bytes)), size_(bytes == 0 ? 1 : bytes), creator_(::getpid()) {}

shared_region::~shared_region() { ::munmap(data_, size_); }

bool shared_region::creator() const noexcept { return ::getpid() == creator_; }

}  // namespace weft::detail
