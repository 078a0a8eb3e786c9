// Little-endian integers and LEB128 varints over plain byte buffers.
//
// ByteWriter fills a caller-owned buffer and never allocates: the tracer
// encodes chunks with it inside signal handlers. It reports overflow instead
// of growing, and the caller flushes and starts a new chunk.
//
// ByteReader is the other side: every read is bounds-checked and a short or
// malformed field throws format_error naming what was being read, so no
// input, however damaged, can make the reader walk off its buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace weft::format {

// Every problem with a trace's bytes. The message is one line, meant for
// the user as is ("chunk at byte 4096: checksum mismatch").
class format_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Signed values as varints: small magnitudes stay small either side of 0.
inline std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class ByteWriter {
 public:
  ByteWriter(unsigned char* data, std::size_t capacity) noexcept : data_(data), cap_(capacity) {}

  std::size_t size() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return cap_ - pos_; }
  bool overflowed() const noexcept { return overflow_; }
  unsigned char* data() const noexcept { return data_; }
  void rewind(std::size_t pos) noexcept { pos_ = pos; overflow_ = false; }

  void u8(std::uint8_t v) noexcept {
    if (!reserve(1)) return;
    data_[pos_++] = v;
  }
  void u32(std::uint32_t v) noexcept { fixed(v, 4); }
  void u64(std::uint64_t v) noexcept { fixed(v, 8); }
  void f64(double v) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    fixed(bits, 8);
  }
  void varint(std::uint64_t v) noexcept {
    if (!reserve(v < 0x80 ? 1 : 10)) return;
    while (v >= 0x80) {
      data_[pos_++] = static_cast<unsigned char>(v | 0x80);
      v >>= 7;
    }
    data_[pos_++] = static_cast<unsigned char>(v);
  }
  void bytes(const void* p, std::size_t n) noexcept {
    if (!reserve(n)) return;
    if (n) std::memcpy(data_ + pos_, p, n);
    pos_ += n;
  }
  void string(std::string_view s) noexcept {
    varint(s.size());
    bytes(s.data(), s.size());
  }

  // For hot encoders: room for up to `n` bytes written through the pointer
  // without per-field checks, then commit() what was used. nullptr if the
  // buffer has less room than that; unlike the checked writes, that does
  // not mark the writer overflowed (nothing was written).
  unsigned char* reserve_raw(std::size_t n) noexcept {
    return !overflow_ && cap_ - pos_ >= n ? data_ + pos_ : nullptr;
  }
  void commit_raw(const unsigned char* end) noexcept { pos_ = static_cast<std::size_t>(end - data_); }
  static unsigned char* put_varint(unsigned char* p, std::uint64_t v) noexcept {
    if (v < 0x80) {  // most ids, sites and deltas
      *p = static_cast<unsigned char>(v);
      return p + 1;
    }
    while (v >= 0x80) {
      *p++ = static_cast<unsigned char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<unsigned char>(v);
    return p;
  }

 private:
  bool reserve(std::size_t n) noexcept {
    if (overflow_ || cap_ - pos_ < n) {
      overflow_ = true;
      return false;
    }
    return true;
  }
  void fixed(std::uint64_t v, int n) noexcept {
    if (!reserve(std::size_t(n))) return;
    for (int i = 0; i < n; ++i) data_[pos_++] = static_cast<unsigned char>(v >> (8 * i));
  }

  unsigned char* data_;
  std::size_t cap_;
  std::size_t pos_ = 0;
  bool overflow_ = false;
};

// Untrusted text for an error message: at most `max` bytes, non-printable
// bytes escaped, so a message stays one line whatever the file holds.
inline std::string printable(std::string_view s, std::size_t max = 40) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

class ByteReader {
 public:
  // `what` names the buffer in error messages, e.g. "THRD chunk at byte 812".
  ByteReader(const unsigned char* data, std::size_t size, std::string what)
      : data_(data), size_(size), what_(std::move(what)) {}

  bool empty() const noexcept { return pos_ == size_; }
  std::size_t remaining() const noexcept { return size_ - pos_; }
  std::size_t position() const noexcept { return pos_; }

  std::uint8_t u8(const char* field) {
    need(1, field);
    return data_[pos_++];
  }
  std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(fixed(4, field)); }
  std::uint64_t u64(const char* field) { return fixed(8, field); }
  double f64(const char* field) {
    std::uint64_t bits = fixed(8, field);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::uint64_t varint(const char* field) {
    // Most varints in a trace (time deltas, ids, sites) are one byte.
    if (__builtin_expect(pos_ < size_ && data_[pos_] < 0x80, 1)) return data_[pos_++];
    return varint_long(field);
  }
  std::uint64_t varint_long(const char* field) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1, field);
      const unsigned char b = data_[pos_++];
      if (shift == 63 && b > 1) fail(field, "varint overflows 64 bits");
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail(field, "varint longer than 10 bytes");
  }
  // A varint that must fit `limit` (ids, counts, lengths).
  std::uint64_t varint_max(const char* field, std::uint64_t limit) {
    const std::uint64_t v = varint(field);
    if (v > limit) fail(field, "value " + std::to_string(v) + " out of range");
    return v;
  }
  std::string_view string(const char* field) {
    const std::uint64_t length = varint(field);  // first: the length's own bytes are not the string's
    if (length > remaining()) fail(field, "length " + std::to_string(length) + " runs past the end of its chunk");
    const auto n = static_cast<std::size_t>(length);
    const auto* p = reinterpret_cast<const char*>(data_ + pos_);
    pos_ += n;
    return {p, n};
  }
  [[noreturn]] void fail(const char* field, const std::string& why) const {
    throw format_error(what_ + ": " + field + ": " + why);
  }

 private:
  void need(std::size_t n, const char* field) const {
    if (size_ - pos_ < n) fail(field, "runs past the end of its chunk");
  }
  std::uint64_t fixed(int n, const char* field) {
    need(std::size_t(n), field);
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t(data_[pos_++]) << (8 * i);
    return v;
  }

  const unsigned char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace weft::format
