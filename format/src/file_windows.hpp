// A file's bytes read in place, through read-only mappings of parts of it
// ("windows"), instead of copied out with pread.
//
// Why: a copy needs memory to copy into, and on a virtual machine the first
// write to each new page of it costs far more than reading the bytes (about
// 1.4 ms a MB on the PVM guest of prefault.hpp's figures, against 0.12 ms a
// MB to read a file's mapped pages from the page cache). The loader kept
// every event chunk's payload in such memory until its batch was decoded:
// a 10 M-event trace's first batch alone wrote 36 MB of new pages, on the
// one thread that reads the file while the other core waits.
//
// A file that shrinks while mapped (another program truncates it) turns a
// read of its lost pages into SIGBUS, which would kill the process. A
// handler, installed with the first window, catches those that fall inside
// a live window: it maps a page of zeros over the lost one, notes that the
// window's file shrank, and lets the read go on. The reader asks shrank()
// and reports the file as shrunk; what it read from such a window is thrown
// away. A SIGBUS anywhere else goes to the handler there was before (or
// kills the process, as it would have).
//
// Invariants:
//  - each window is mapped read-only over [offset, offset + length) of the
//    file, its pages read in when mapped; a reader that goes front to back
//    (the loader) maps each part of the file once;
//  - a window is registered with the handler for as long as it is mapped,
//    and what the handler noted is collected before it is unmapped;
//  - nothing here runs in the recorder: weft_format is linked into the
//    preload library too, but only a trace being read makes a window, and
//    only then is the handler installed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace weft::format::detail {

class FileWindows {
 public:
  // `fd` stays the caller's, open while this lives; `file_size`: what the
  // file held when opened (nothing past it is mapped); `window_bytes`: the
  // least a window maps (tests make it small).
  FileWindows(int fd, std::uint64_t file_size, std::size_t window_bytes = kWindow);
  ~FileWindows();  // unmaps every window
  FileWindows(const FileWindows&) = delete;
  FileWindows& operator=(const FileWindows&) = delete;

  // [offset, offset + length) of the file, readable until release_before()
  // passes it or this dies; nullptr when it cannot be mapped (out of
  // address space, a file system without mappings, every handler slot
  // taken): the caller reads it with pread as before.
  const unsigned char* view(std::uint64_t offset, std::size_t length);
  // The caller reads nothing before `offset` again: the windows that end
  // there or before are unmapped.
  void release_before(std::uint64_t offset);
  // A read of a window found the file shorter than when it was mapped.
  bool shrank() const;

  // Each window maps at least this much: a few calls a batch of the
  // loader's, and a resident set of at most a batch and a window beyond
  // what the loader holds.
  static constexpr std::size_t kWindow = std::size_t{16} << 20;
  // How many windows can be mapped at once, by all FileWindows together.
  static constexpr int kMostWindows = 256;

 private:
  struct Window {
    std::uint64_t offset;  // in the file: a multiple of the page size
    std::size_t length;
    unsigned char* data;
    int slot;  // the handler's slot
  };
  void unmap(const Window& w);

  int fd_;
  std::uint64_t file_size_;
  std::size_t window_bytes_;
  std::deque<Window> windows_;
  bool shrank_ = false;  // noted by the handler for a window since unmapped
};

}  // namespace weft::format::detail
