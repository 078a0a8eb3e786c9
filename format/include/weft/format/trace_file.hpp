// Reading a .weft file chunk by chunk: sequentially (streaming, constant
// memory) or by offset (random access). Checks the file header, every chunk
// header and every payload checksum.
//
// A file that ends inside a chunk is truncated, not corrupt: the program was
// killed while writing. next() then stops, and truncated() says where. Every
// other defect throws format_error with a one-line message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weft/format/bytes.hpp"
#include "weft/format/records.hpp"

namespace weft::format {

namespace detail {
class FileWindows;
}

struct ChunkRef {
  std::uint64_t offset = 0;  // of the chunk header
  std::uint32_t type = 0;
  std::uint32_t length = 0;  // payload bytes
  std::uint32_t crc = 0;     // of the payload
  std::uint64_t payload_offset() const { return offset + kChunkHeaderSize; }
  std::string describe() const;  // "EVTS chunk at byte 4096"
};

class TraceFile {
 public:
  // Opens and checks the file header. Throws format_error if the file cannot
  // be read or is not a weft trace of a version this build reads.
  explicit TraceFile(std::string path);
  ~TraceFile();
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  std::uint16_t minor_version() const { return minor_; }

  // The next chunk in file order, its payload checked, or false at the end
  // of the file (then see truncated()).
  bool next(ChunkRef& ref, std::vector<unsigned char>& payload);
  bool truncated() const { return !truncation_.empty(); }
  const std::string& truncation() const { return truncation_; }  // why, if truncated

  // A payload as next_in_place() gives it: read in place from a mapping of
  // the file (`in_place`: readable until release_before() passes it), or,
  // where the file could not be mapped, copied into `copy`, which the next
  // call writes over.
  struct PayloadView {
    std::span<const unsigned char> bytes;
    bool in_place = false;
    bool checked = true;  // its checksum verified
    std::vector<unsigned char> copy;
  };
  // The next chunk, checked as next() checks it, its payload not copied
  // (file_windows.hpp says why). With `leave_event_checksums`, an event
  // chunk's payload read in place is not checked (`checked` false): the
  // caller verifies it, and takes a mismatch to judge_bad_checksum(). Throws
  // format_error once the file is found to have shrunk under the mapping.
  bool next_in_place(ChunkRef& ref, PayloadView& payload, bool leave_event_checksums = false);
  // What a payload whose checksum is wrong means: the unwritten end a crash
  // leaves (returns; the file reads as ending there, truncation() says
  // why), else damage (throws format_error). For a chunk next_in_place()
  // left unchecked.
  void judge_bad_checksum(const ChunkRef& ref);
  // The payloads next_in_place() gave before `offset` are not read again.
  void release_before(std::uint64_t offset);
  // Throws format_error if another program shortened the file while its
  // payloads were read in place: what was read of it since is not the file.
  void check_not_shrunk() const;

  // Random access.
  std::vector<unsigned char> read_payload(const ChunkRef& ref) const;
  // The first `max` bytes of a payload (fewer if it is shorter), unchecked:
  // the checksum covers the whole payload. For fixed headers at the start of
  // a chunk (an event chunk's thread and count) without reading the rest.
  std::vector<unsigned char> read_payload_prefix(const ChunkRef& ref, std::size_t max) const;
  // nullopt: the file ends there, or inside the header. Past the end of the
  // file (a damaged index, say) is a format_error.
  std::optional<ChunkRef> read_header(std::uint64_t offset) const;
  // The END record and the chunk index, found from the end of the file
  // without a scan; nullopt if the file has no valid END chunk.
  std::optional<EndRecord> read_end() const;
  // Every complete chunk's header, by walking the headers (payloads are
  // skipped, not read).
  std::vector<ChunkRef> scan() const;
  // Where each thread's events are: one entry per EVTS chunk, in file order.
  // From the INDX chunks the END record points to; in a file without them
  // (a crash, a kill) by a scan that decodes each event chunk once.
  std::vector<IndexEntry> event_index() const;
  // The index a complete trace ends with, read without a scan; nullopt if
  // the file has none (it did not finish). Throws format_error if damaged.
  std::optional<std::vector<IndexEntry>> stored_index() const;

 private:
  void pread_exact(void* buf, std::size_t n, std::uint64_t offset) const;
  // next()'s steps: the next chunk's header, checked (false: the file ends,
  // truncation_ says why); then its payload, checked against the header's
  // checksum (false: a crash left the file's end unwritten).
  bool next_header(ChunkRef& ref);
  bool accept_payload(const ChunkRef& ref, std::span<const unsigned char> payload);
  // The weft version in the first chunk's META record, or "" (a trace of
  // another major version is refused, and the message names who wrote it).
  std::string writer_version() const;
  // Where the run of zero bytes that ends the file begins (size() if none).
  std::uint64_t zero_tail_start() const;
  // Damage in the bytes [begin, end) (a chunk, or a chunk header) that is
  // really a zero-filled tail reaching into them: the unwritten end a crash
  // can leave on some file systems. Then the why, else "".
  std::string zero_tail_truncation(std::uint64_t begin, std::uint64_t end, const std::string& where) const;

  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint16_t minor_ = 0;
  std::uint64_t cursor_ = kFileHeaderSize;
  std::string truncation_;
  mutable std::optional<std::uint64_t> zero_tail_;
  std::unique_ptr<detail::FileWindows> windows_;  // next_in_place's mappings, made on its first call
};

// Decoded END payload (fixed layout, see encode_end).
EndRecord decode_end(ByteReader& r);

}  // namespace weft::format
