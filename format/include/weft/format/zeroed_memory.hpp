// Zero-filled memory for the large arrays a trace is loaded into: a packed
// store's segments and the loader's undecoded payloads.
//
// Why not `new unsigned char[n]()`: a block of kHugeFrom bytes or more is
// a mapping of its own, aligned to and advised onto 2 MB pages. Loading a
// trace writes every page of these arrays once, and each first write to a
// 4 KB page is a page fault, which on a virtual machine costs microseconds:
// on a 10 M-event trace 48 thousand of them were a third of `weft check`'s
// time. With 2 MB pages there are 512 times fewer. A block freed is kept
// for the next (src/mapping_pool.hpp), zeroed where its pages were written.
// Smaller blocks come from calloc (a small store per lock or per chunk).
//
// If the kernel has no 2 MB pages to give (or transparent huge pages are
// off), the advice is ignored and the memory works as any other. It is not
// given on a virtual machine whose balloon reports free pages to the host:
// there a fresh 2 MB page is slower to get than 512 small ones
// (zeroed_memory.cpp, huge_pages_pay).
#pragma once

#include <cstddef>
#include <string>

namespace weft::format {

class ZeroedMemory {
 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kHugeFrom = kHugePage;

  ZeroedMemory() = default;
  explicit ZeroedMemory(std::size_t bytes);  // throws std::bad_alloc
  ~ZeroedMemory();
  ZeroedMemory(ZeroedMemory&& o) noexcept;
  ZeroedMemory& operator=(ZeroedMemory&& o) noexcept;
  ZeroedMemory(const ZeroedMemory&) = delete;
  ZeroedMemory& operator=(const ZeroedMemory&) = delete;

  unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  // Bytes [from, to) will not be read again: a mapping's whole pages among
  // them go back to the system now (they would read as zeros). A small
  // block keeps its memory until it is freed.
  void release(std::size_t from, std::size_t to);
  // The bytes the system has really given, when the first `used` have been
  // written: a mapping's pages are committed as they are written (a
  // commit_unit() at a time), so its unwritten rest costs nothing; a small
  // block is all given.
  std::size_t committed(std::size_t used) const;
  // The pages a mapping is committed in: 2 MB where they are asked for,
  // else the system's page (zeroed_memory.cpp, huge_pages_pay).
  static std::size_t commit_unit();

 private:
  // A block is a mapping of its own exactly when it is this large; the
  // mapping's length is its size rounded up to 2 MB.
  bool mapped() const { return size_ >= kHugeFrom; }
  void free() noexcept;

  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Whether a virtio memory balloon bound under `driver_dir` (its sysfs
// driver directory: one `virtioN/features` file per device, a '0' or '1'
// per feature bit, lowest first) reports free pages to the host
// (VIRTIO_BALLOON_F_REPORTING, bit 5). Where one does, large arrays are not
// advised onto 2 MB pages (zeroed_memory.cpp).
bool balloon_reports_free_pages(const std::string& driver_dir = "/sys/bus/virtio/drivers/virtio_balloon");

}  // namespace weft::format
