#include "weft/format/trace_file.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "file_windows.hpp"
#include "weft/format/crc32c.hpp"
#include "weft/format/decode.hpp"

namespace weft::format {

std::string ChunkRef::describe() const {
  std::string_view name = chunk_type_name(type);
  return std::string(name.empty() ? "chunk" : name) + (name.empty() ? "" : " chunk") + " at byte " +
         std::to_string(offset);
}

namespace {

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

// A file with no name to spool a stream into: in $TMPDIR (or /tmp), else
// in memory.
int anonymous_file() {
  const char* dir = std::getenv("TMPDIR");
  int fd = ::open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) fd = ::memfd_create("weft-trace", MFD_CLOEXEC);
  return fd;
}

// How long a FIFO may wait for its writer: a FIFO nobody opens for writing
// is refused, not waited on forever.
constexpr int kFifoWriterWaitMs = 5000;

// A FIFO opened without waiting (O_NONBLOCK) reads as empty until a writer
// opens it, and as empty again once it has written and closed. Until the
// first byte, an empty read means "no writer yet": waited for, up to
// kFifoWriterWaitMs. Then the FIFO blocks as usual. False: nobody wrote.
bool wait_for_writer(int fd) {
  for (int waited = 0; waited < kFifoWriterWaitMs; waited += 10) {
    struct pollfd p {fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      return true;
    }
    const timespec pause{0, 10'000'000};
    ::nanosleep(&pause, nullptr);
  }
  return false;
}

// A pipe (standard input, a FIFO) copied into an anonymous file, which is
// then read as a trace file is. The first bytes must be a weft trace's
// magic, or nothing more is read. Returns the file, positioned anywhere.
int spool(int from, const std::string& name) {
  const int to = anonymous_file();
  if (to < 0) throw format_error("cannot make a temporary file to read " + name + " into: " + std::strerror(errno));
  fd_closer guard{to};
  std::vector<unsigned char> buf(1 << 16);
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t got = ::read(from, buf.data(), buf.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw format_error(name + ": read error: " + std::strerror(errno));
    if (got == 0) break;
    const std::size_t head = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof kMagic, total));
    const std::size_t n = std::min<std::size_t>(sizeof kMagic - head, static_cast<std::size_t>(got));
    if (head < sizeof kMagic && std::memcmp(buf.data(), kMagic + head, n) != 0)
      throw format_error(name + ": not a weft trace (bad magic)");
    for (std::size_t done = 0; done < static_cast<std::size_t>(got);) {
      const ssize_t put = ::write(to, buf.data() + done, static_cast<std::size_t>(got) - done);
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) throw format_error("cannot copy " + name + " into a temporary file: " + std::strerror(errno));
      done += static_cast<std::size_t>(put);
    }
    total += static_cast<std::uint64_t>(got);
  }
  guard.fd = -1;
  return to;
}

// Which weft to read a trace of another major version with, in one line.
std::string other_version(unsigned major, const std::string& writer) {
  const std::string ours = "weft " WEFT_TOOL_VERSION " reads trace format " + std::to_string(kVersionMajor);
  const std::string is = writer.empty() ? " is " : ", written by weft " + writer + ", is ";
  const std::string with = writer.empty() ? "the weft that wrote it" : "weft " + writer;
  if (major > kVersionMajor)
    return "trace format " + std::to_string(major) + is + "newer than this weft reads (" + ours + "): read it with " +
           with + " or later";
  return "trace format " + std::to_string(major) + is + "older than this weft reads (" + ours + "): read it with " +
         with;
}

// The trace at `path`: a regular file as it is; a FIFO or `-` (standard
// input) read to its end as a stream. A FIFO waits for its writer a few
// seconds at most, never forever. Anything else (a directory, a device) is
// refused.
int open_trace(const std::string& path) {
  if (path == "-") return spool(0, "standard input");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw format_error("cannot open " + path + ": " + std::strerror(errno));
  fd_closer guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw format_error("cannot read " + path + ": " + std::strerror(errno));
  if (S_ISFIFO(st.st_mode)) {
    if (!wait_for_writer(fd))
      throw format_error(path + ": a FIFO nobody wrote to within " + std::to_string(kFifoWriterWaitMs / 1000) +
                         " s, not a trace");
    return spool(fd, path);
  }
  if (S_ISDIR(st.st_mode)) throw format_error(path + ": not a regular file (a directory)");
  if (!S_ISREG(st.st_mode)) throw format_error(path + ": not a regular file (a device, or a socket)");
  guard.fd = -1;
  return fd;
}

}  // namespace

TraceFile::TraceFile(std::string path) : path_(std::move(path)) {
  fd_ = open_trace(path_);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw format_error("cannot read " + path_ + ": " + std::strerror(e));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd_);
    fd_ = -1;
    throw format_error(path_ + ": empty file, not a weft trace");
  }
  unsigned char header[kFileHeaderSize] = {};
  const std::size_t have = static_cast<std::size_t>(std::min<std::uint64_t>(size_, kFileHeaderSize));
  try {
    pread_exact(header, have, 0);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  const bool magic_ok = have >= sizeof kMagic && std::memcmp(header, kMagic, sizeof kMagic) == 0;
  std::string problem;
  if (!magic_ok) {
    problem = "not a weft trace (bad magic)";
  } else if (have < kFileHeaderSize) {
    problem = "truncated inside the file header";
  } else {
    const unsigned major = header[8] | unsigned(header[9]) << 8;
    minor_ = static_cast<std::uint16_t>(header[10] | unsigned(header[11]) << 8);
    if (major != kVersionMajor) problem = other_version(major, writer_version());
  }
  if (!problem.empty()) {
    ::close(fd_);
    fd_ = -1;
    throw format_error(path_ + ": " + problem);
  }
}

std::string TraceFile::writer_version() const {
  // Best effort, for a message: a file of another major version may not be
  // framed as this one expects, so any surprise just means "not known".
  try {
    const std::optional<ChunkRef> meta = read_header(kFileHeaderSize);
    if (!meta || meta->type != static_cast<std::uint32_t>(ChunkType::Meta) || meta->length > 65536) return "";
    const std::vector<unsigned char> payload = read_payload(*meta);
    ByteReader r(payload.data(), payload.size(), "META");
    TraceInfo info;
    decode_meta(r, info);
    // Printable ASCII only: it goes into a one-line message.
    for (const char c : info.weft_version)
      if (c < 0x20 || c > 0x7e) return "";
    return info.weft_version.size() <= 64 ? info.weft_version : "";
  } catch (const format_error&) {
    return "";
  }
}

TraceFile::~TraceFile() {
  if (fd_ >= 0) ::close(fd_);
}

void TraceFile::pread_exact(void* buf, std::size_t n, std::uint64_t offset) const {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw format_error(path_ + ": read error at byte " + std::to_string(offset) + ": " + std::strerror(errno));
    }
    if (got == 0) throw format_error(path_ + ": file shrank while being read (at byte " + std::to_string(offset) + ")");
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
}

// Where the run of zeros at the end of the file begins. A sparse tail (a
// hole) is skipped without reading it; the rest is read backwards in large
// blocks, each compared whole with zeros (memcmp is vectorized) and only the
// last one with data scanned byte by byte: a gigabyte of written zeros is
// a fraction of a second, not the seconds a byte loop took.
std::uint64_t TraceFile::zero_tail_start() const {
  if (!zero_tail_) {
    std::uint64_t start = size_;
    // Where the file system knows holes (SEEK_DATA works, or says ENXIO:
    // no data at all), the data ends where the last hole begins.
    off_t data = ::lseek(fd_, 0, SEEK_DATA);
    if (data >= 0 || errno == ENXIO) {
      start = 0;
      while (data >= 0) {
        const off_t hole = ::lseek(fd_, data, SEEK_HOLE);
        if (hole < 0) {
          start = size_;  // unsure: read it all
          break;
        }
        start = std::min<std::uint64_t>(size_, static_cast<std::uint64_t>(hole));
        data = ::lseek(fd_, hole, SEEK_DATA);
      }
    }
    static unsigned char zeros[1 << 20];  // in .bss, never written: zero pages, never cleared
    // No larger than the file, and not cleared: a small damaged file is
    // read many times over by tests and fuzzers, and under a sanitizer
    // clearing a megabyte for each costs more than the whole load.
    const std::size_t block_size = static_cast<std::size_t>(std::min<std::uint64_t>(start, sizeof zeros));
    const auto block = std::make_unique_for_overwrite<unsigned char[]>(block_size);
    while (start > 0) {
      const std::uint64_t n = std::min<std::uint64_t>(start, block_size);
      pread_exact(block.get(), static_cast<std::size_t>(n), start - n);
      if (std::memcmp(block.get(), zeros, static_cast<std::size_t>(n)) == 0) {
        start -= n;
        continue;
      }
      std::uint64_t i = n;
      while (i > 0 && block[i - 1] == 0) --i;
      start -= n - i;
      break;
    }
    zero_tail_ = start;
  }
  return *zero_tail_;
}

// A crash can leave a file whose end was never written: its size grew but
// its last blocks read as zeros. Such zeros run to the end of the file and
// start where the file system's blocks do (a multiple of 512) or, when the
// writes stopped between chunks, at a chunk header. Zeros anywhere else are
// damage like any other, and so is a bad chunk the zeros do not reach: the
// file went on being written after it, so it was written whole.
std::string TraceFile::zero_tail_truncation(std::uint64_t begin, std::uint64_t end, const std::string& where) const {
  // Bytes just before the unwritten part may be zero as data, so the run can
  // begin before the chunk or off a boundary: what counts is that it covers
  // the chunk's start or a block boundary inside the chunk.
  std::uint64_t zeros = std::max(zero_tail_start(), begin);
  if (zeros != begin) zeros = (zeros + 511) / 512 * 512;
  if (zeros >= std::min(end, size_)) return {};
  return "the file ends in " + std::to_string(size_ - zeros) + " zero bytes from byte " + std::to_string(zeros) +
         ", " + where + " (a crash left its end unwritten)";
}

std::optional<ChunkRef> TraceFile::read_header(std::uint64_t offset) const {
  if (offset > size_)
    throw format_error(path_ + ": no chunk at byte " + std::to_string(offset) + ": the file has only " +
                       std::to_string(size_) + " bytes");
  if (size_ - offset < kChunkHeaderSize) return std::nullopt;
  unsigned char h[kChunkHeaderSize];
  pread_exact(h, sizeof h, offset);
  ByteReader r(h, sizeof h, "chunk header");
  ChunkRef ref;
  ref.offset = offset;
  ref.type = r.u32("type");
  ref.length = r.u32("length");
  ref.crc = r.u32("crc");
  const std::uint32_t header_crc = r.u32("header crc");
  if (crc32c(h, 12) != header_crc) {
    if (!zero_tail_truncation(offset, offset + kChunkHeaderSize, "").empty()) return std::nullopt;  // next() says why
    throw format_error(path_ + ": chunk at byte " + std::to_string(offset) + ": damaged header (checksum mismatch)");
  }
  if (ref.length > kMaxChunkPayload)
    throw format_error(path_ + ": " + ref.describe() + ": impossible length " + std::to_string(ref.length));
  return ref;
}

std::vector<unsigned char> TraceFile::read_payload(const ChunkRef& ref) const {
  std::vector<unsigned char> payload(ref.length);
  pread_exact(payload.data(), payload.size(), ref.payload_offset());
  if (crc32c(payload.data(), payload.size()) != ref.crc)
    throw format_error(path_ + ": " + ref.describe() + ": checksum mismatch (the file is damaged)");
  return payload;
}

std::vector<unsigned char> TraceFile::read_payload_prefix(const ChunkRef& ref, std::size_t max) const {
  std::vector<unsigned char> prefix(std::min<std::size_t>(ref.length, max));
  pread_exact(prefix.data(), prefix.size(), ref.payload_offset());
  return prefix;
}

bool TraceFile::next_header(ChunkRef& ref) {
  if (cursor_ >= size_ || !truncation_.empty()) return false;
  const std::optional<ChunkRef> header = read_header(cursor_);
  if (!header) {
    truncation_ = zero_tail_truncation(cursor_, cursor_ + kChunkHeaderSize,
                                       "where the chunk at byte " + std::to_string(cursor_) + " should be");
    if (truncation_.empty()) truncation_ = "the file ends inside a chunk header at byte " + std::to_string(cursor_);
    return false;
  }
  if (header->payload_offset() + header->length > size_) {
    truncation_ = "the file ends inside the " + header->describe() + " (" +
                  std::to_string(size_ - header->payload_offset()) + " of " + std::to_string(header->length) +
                  " payload bytes present)";
    return false;
  }
  ref = *header;
  return true;
}

bool TraceFile::accept_payload(const ChunkRef& ref, std::span<const unsigned char> payload) {
  if (crc32c(payload.data(), payload.size()) != ref.crc) {
    judge_bad_checksum(ref);
    return false;
  }
  cursor_ = ref.payload_offset() + ref.length;
  return true;
}

void TraceFile::judge_bad_checksum(const ChunkRef& ref) {
  check_not_shrunk();  // zeros read where a shortened file's bytes were are neither damage nor a torn end
  std::string why = zero_tail_truncation(ref.offset, ref.payload_offset() + ref.length, "inside the " + ref.describe());
  if (why.empty()) throw format_error(path_ + ": " + ref.describe() + ": checksum mismatch (the file is damaged)");
  truncation_ = std::move(why);
}

bool TraceFile::next(ChunkRef& ref, std::vector<unsigned char>& payload) {
  if (!next_header(ref)) return false;
  payload.resize(ref.length);
  pread_exact(payload.data(), payload.size(), ref.payload_offset());
  return accept_payload(ref, payload);
}

bool TraceFile::next_in_place(ChunkRef& ref, PayloadView& payload, bool leave_event_checksums) {
  if (!next_header(ref)) return false;
  if (!windows_) windows_ = std::make_unique<detail::FileWindows>(fd_, size_);
  const unsigned char* mapped = windows_->view(ref.payload_offset(), ref.length);
  payload.in_place = mapped != nullptr;
  if (!payload.in_place) {
    payload.copy.resize(ref.length);
    pread_exact(payload.copy.data(), payload.copy.size(), ref.payload_offset());
    mapped = payload.copy.data();
  }
  payload.bytes = {mapped, ref.length};
  payload.checked = !(leave_event_checksums && payload.in_place && ref.type == static_cast<std::uint32_t>(ChunkType::Events));
  if (!payload.checked) {
    cursor_ = ref.payload_offset() + ref.length;
    return true;
  }
  return accept_payload(ref, payload.bytes);  // a wrong checksum is judged with the file's size in mind
}

void TraceFile::release_before(std::uint64_t offset) {
  if (windows_) windows_->release_before(offset);
}

void TraceFile::check_not_shrunk() const {
  if (!windows_) return;  // nothing was read in place: pread says when a file shrank
  // A read past the file's new end raised SIGBUS (the handler noted it);
  // one within its last page read zeros and raised nothing: the size says.
  struct stat st {};
  const bool shorter = ::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < size_;
  if (windows_->shrank() || shorter)
    throw format_error(path_ + ": the file shrank while being read (another program truncated or rewrote it)");
}

EndRecord decode_end(ByteReader& r) {
  EndRecord e;
  const std::uint8_t reason = r.u8("end reason");
  if (reason > static_cast<std::uint8_t>(EndReason::Watchdog)) r.fail("end reason", "unknown value " + std::to_string(reason));
  e.reason = static_cast<EndReason>(reason);
  e.status = r.u64("status");
  e.events = r.u64("event count");
  e.dropped = r.u64("dropped count");
  e.index_offset = r.u64("index offset");
  return e;
}

std::optional<EndRecord> TraceFile::read_end() const {
  if (size_ < kFileHeaderSize + kEndChunkSize) return std::nullopt;
  const std::uint64_t offset = size_ - kEndChunkSize;
  unsigned char h[kChunkHeaderSize];
  pread_exact(h, sizeof h, offset);
  ByteReader r(h, sizeof h, "end header");
  const std::uint32_t type = r.u32("type");
  const std::uint32_t length = r.u32("length");
  r.u32("crc");
  if (type != static_cast<std::uint32_t>(ChunkType::End) || length != kEndPayloadSize ||
      crc32c(h, 12) != r.u32("header crc"))
    return std::nullopt;
  const std::optional<ChunkRef> ref = read_header(offset);
  const std::vector<unsigned char> payload = read_payload(*ref);
  ByteReader pr(payload.data(), payload.size(), path_ + ": " + ref->describe());
  return decode_end(pr);
}

std::vector<ChunkRef> TraceFile::scan() const {
  std::vector<ChunkRef> refs;
  std::uint64_t offset = kFileHeaderSize;
  while (offset < size_) {
    const std::optional<ChunkRef> ref = read_header(offset);
    if (!ref || ref->payload_offset() + ref->length > size_) break;  // truncated tail
    refs.push_back(*ref);
    offset = ref->payload_offset() + ref->length;
  }
  return refs;
}

std::optional<std::vector<IndexEntry>> TraceFile::stored_index() const {
  const std::optional<EndRecord> end = read_end();
  if (!end || !end->index_offset) return std::nullopt;
  // Consecutive INDX chunks, up to the END chunk.
  std::vector<IndexEntry> index;
  std::uint64_t offset = end->index_offset;
  while (const std::optional<ChunkRef> ref = read_header(offset)) {
    if (ref->type != static_cast<std::uint32_t>(ChunkType::Index)) break;
    const std::vector<unsigned char> payload = read_payload(*ref);
    ByteReader r(payload.data(), payload.size(), path_ + ": " + ref->describe());
    while (!r.empty()) index.push_back(decode_index_entry(r));
    offset = ref->payload_offset() + ref->length;
  }
  return index;
}

std::vector<IndexEntry> TraceFile::event_index() const {
  if (std::optional<std::vector<IndexEntry>> stored = stored_index()) return std::move(*stored);
  std::vector<IndexEntry> index;
  // No index: find the event chunks and read their extent off the events.
  std::vector<KindInfo> kinds;
  for (const ChunkRef& ref : scan()) {
    if (ref.type == static_cast<std::uint32_t>(ChunkType::Kinds)) {
      const std::vector<unsigned char> payload = read_payload(ref);
      ByteReader r(payload.data(), payload.size(), path_ + ": " + ref.describe());
      kinds = decode_kind_table(r);
    }
    if (ref.type != static_cast<std::uint32_t>(ChunkType::Events) || kinds.empty()) continue;
    const std::vector<unsigned char> payload = read_payload(ref);
    ByteReader r(payload.data(), payload.size(), path_ + ": " + ref.describe());
    const EventChunkHeader h = decode_event_chunk_header(r);
    std::vector<std::string> texts;
    TextTable text_table(texts);
    std::vector<Event> events;
    // Ids are checked against the metadata by the loader; here only the
    // extent matters.
    decode_events(r, h, kinds, IdLimits{UINT32_MAX, UINT32_MAX}, text_table, events);
    index.push_back({ref.offset, h.thread, h.count, h.first_ticks, events.empty() ? h.first_ticks : events.back().time_ns});
  }
  return index;
}

}  // namespace weft::format
