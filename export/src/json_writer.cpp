#include "weft/export/json_writer.hpp"

#include <charconv>
#include <ostream>
#include <stdexcept>

namespace weft::exporter {

JsonWriter::JsonWriter(std::ostream& out, std::size_t block) : out_(out), block_(block) { buf_.reserve(block + 4096); }

void JsonWriter::raw(std::string_view text) { buf_.append(text); }

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto cont = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  const unsigned char b = byte(i);
  if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    const unsigned char b1 = byte(i + 1);
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) return 0;
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const unsigned char b1 = byte(i + 1);
    if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

void JsonWriter::string(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  buf_.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // The common case, a run of printable ASCII, is appended in one piece.
    std::size_t run = i;
    while (run < text.size()) {
      const auto r = static_cast<unsigned char>(text[run]);
      if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') break;
      ++run;
    }
    if (run > i) {
      buf_.append(text.data() + i, run - i);
      i = run;
      if (i == text.size()) break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_length(text, i);
      if (n == 0) {
        buf_.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        buf_.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': buf_.append("\\\""); break;
      case '\\': buf_.append("\\\\"); break;
      case '\n': buf_.append("\\n"); break;
      case '\t': buf_.append("\\t"); break;
      case '\r': buf_.append("\\r"); break;
      default:
        if (c < 0x20) {
          buf_.append("\\u00");
          buf_.push_back(kHex[c >> 4]);
          buf_.push_back(kHex[c & 0xF]);
        } else {
          buf_.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  buf_.push_back('"');
}

void JsonWriter::uint(std::uint64_t value) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, value);
  buf_.append(digits, r.ptr);
}

void JsonWriter::micros(std::uint64_t ns) {
  uint(ns / 1000);
  const auto frac = static_cast<unsigned>(ns % 1000);
  const char text[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                        static_cast<char>('0' + frac % 10)};
  buf_.append(text, 4);
}

void JsonWriter::flush() {
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
  out_.flush();
  if (!out_) throw std::runtime_error("writing the JSON failed");
}

}  // namespace weft::exporter
