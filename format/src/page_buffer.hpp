// Memory of its own (an anonymous mapping), for the loader's largest
// short-lived array: the event payloads it has read, waiting to be decoded.
// Unlike a malloc'd block, any part of it can be given back to the system
// as soon as it has been read for the last time.
#pragma once

#include <cstddef>

namespace weft::format {

class PageBuffer {
 public:
  PageBuffer() = default;
  explicit PageBuffer(std::size_t bytes);  // throws std::bad_alloc; pages are committed as they are written
  ~PageBuffer();
  PageBuffer(PageBuffer&& o) noexcept;
  PageBuffer& operator=(PageBuffer&& o) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  // Bytes [from, to) will not be read again: the whole pages among them go
  // back to the system (they would read as zeros).
  void release(std::size_t from, std::size_t to);

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace weft::format
