#include "weft/format/crc32c.hpp"

#include <array>
#include <cstring>

#include "cpu_features.hpp"

namespace weft::format {
namespace {

constexpr std::uint32_t kPoly = 0x82f63b78u;  // reflected Castagnoli polynomial

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t s = 1; s < 8; ++s)
    for (std::size_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
}

constexpr Tables kTables = make_tables();

// a * b modulo the polynomial, over GF(2), both in the reflected order the
// checksum keeps its state in (bit 31 is the coefficient of x^0).
constexpr std::uint32_t multiply(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (int i = 0; i < 32; ++i) {
    if (a & (0x80000000u >> i)) product ^= b;  // a's x^i term: b * x^i
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;    // b *= x
  }
  return product;
}

constexpr std::uint32_t x_to_the(std::uint64_t n) {
  std::uint32_t result = 0x80000000u, square = 0x40000000u;  // 1, x
  for (; n != 0; n >>= 1) {
    if (n & 1) result = multiply(result, square);
    square = multiply(square, square);
  }
  return result;
}

// The state after kStripe more bytes of zeros, a byte of the state at a
// time: the state times x^(8 kStripe). What the checksum of one stripe
// after another is, from the stripes' own (see crc32c_sse42).
constexpr std::size_t kStripe = 1024;
using ShiftTables = std::array<std::array<std::uint32_t, 256>, 4>;
constexpr ShiftTables make_shift_tables() {
  ShiftTables t{};
  const std::uint32_t by = x_to_the(8 * kStripe);
  for (std::uint32_t k = 0; k < 4; ++k)
    for (std::uint32_t b = 0; b < 256; ++b) t[k][b] = multiply(b << (8 * k), by);
  return t;
}
constexpr ShiftTables kShift = make_shift_tables();

constexpr std::uint32_t past_a_stripe(std::uint32_t state) {
  return kShift[0][state & 0xff] ^ kShift[1][(state >> 8) & 0xff] ^ kShift[2][(state >> 16) & 0xff] ^
         kShift[3][state >> 24];
}

std::uint32_t crc32c_table(const unsigned char* p, std::size_t size, std::uint32_t crc) noexcept {
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian host assumed, as everywhere in weft
    word ^= crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^ kTables[5][(word >> 16) & 0xff] ^
          kTables[4][(word >> 24) & 0xff] ^ kTables[3][(word >> 32) & 0xff] ^
          kTables[2][(word >> 40) & 0xff] ^ kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
    p += 8;
    size -= 8;
  }
  while (size--) crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  return crc;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction computes exactly CRC-32C, 8 bytes at a time:
// an order of magnitude faster than the tables, which matters because the
// writer thread checksums every byte of the trace.
//
// The instruction takes 3 cycles and can start one every cycle: three
// stripes are summed at once, the second and third from a state of 0, and
// joined, since the state after stripes A, B, C is
// past_a_stripe(past_a_stripe(crc(A)) ^ crc(B)) ^ crc(C) (the checksum is
// linear). That pays on bytes in cache, as the writer's just-encoded chunk
// is (1 MB: 9 -> 22 GB/s); a loader reading a file from the page cache is
// bound by memory either way.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(const unsigned char* p, std::size_t size,
                                                             std::uint32_t crc) noexcept {
  std::uint64_t c = crc;
  for (; size >= 3 * kStripe; p += 3 * kStripe, size -= 3 * kStripe) {
    std::uint64_t c1 = 0, c2 = 0;
    for (std::size_t i = 0; i < kStripe; i += 8) {
      std::uint64_t a, b, d;
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, p + kStripe + i, 8);
      std::memcpy(&d, p + 2 * kStripe + i, 8);
      c = __builtin_ia32_crc32di(c, a);
      c1 = __builtin_ia32_crc32di(c1, b);
      c2 = __builtin_ia32_crc32di(c2, d);
    }
    const std::uint32_t ab = past_a_stripe(static_cast<std::uint32_t>(c)) ^ static_cast<std::uint32_t>(c1);
    c = past_a_stripe(ab) ^ static_cast<std::uint32_t>(c2);
  }
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
    p += 8;
    size -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  while (size--) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}

#endif

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (have_sse42()) return ~crc32c_sse42(p, size, ~crc);
#endif
  return ~crc32c_table(p, size, ~crc);
}

}  // namespace weft::format
