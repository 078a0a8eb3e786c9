// A small streaming JSON writer: appends to a buffer and hands it to an
// std::ostream in large blocks, so that exporting a trace of millions of
// events never holds its whole JSON text in memory. It writes values, not
// structure: callers put the braces and commas themselves, which keeps the
// per-event cost to a few appends.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace weft::exporter {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, std::size_t block = 1 << 20);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void raw(std::string_view text);  // as is: punctuation, keys known to need no escaping
  void raw(char c) { buf_.push_back(c); }
  // A quoted JSON string. Control characters are escaped, and bytes that are
  // not valid UTF-8 become U+FFFD: marks and names come from the traced
  // program, and a strict parser refuses invalid UTF-8.
  void string(std::string_view text);
  void uint(std::uint64_t value);
  // Nanoseconds as microseconds with exactly three decimals ("1234.567"),
  // printed from the integer quotient and remainder: no rounding through a
  // double, so nanosecond order survives.
  void micros(std::uint64_t ns);

  // Hands the buffer to the stream when it has grown past the block size.
  void maybe_flush() {
    if (buf_.size() >= block_) flush();
  }
  // Hands everything over and flushes the stream; throws std::runtime_error
  // if the stream failed (a full disk, a closed pipe).
  void flush();

 private:
  std::ostream& out_;
  std::size_t block_;
  std::string buf_;
};

}  // namespace weft::exporter
