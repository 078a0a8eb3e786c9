// Memory of its own (an anonymous mapping), for the loader's large
// short-lived arrays: the event payloads it has read and the threads'
// decoded streams. Unlike a malloc'd block, any part of it can be given
// back to the system as soon as it has been read for the last time, so a
// load never holds two full copies of the events at once.
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
  // Bytes [from, to) are about to be written: their pages are mapped in one
  // call instead of one fault each (see prefault.hpp).
  void commit(std::size_t from, std::size_t to);
  // Bytes [from, to) will not be read again: the whole pages among them go
  // back to the system (they would read as zeros).
  void release(std::size_t from, std::size_t to);

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace weft::format
