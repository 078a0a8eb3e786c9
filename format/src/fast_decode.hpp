// The decoder of event chunks as the runtime writes them, for the files
// that decode events (decode.cpp, and the loader's first pass over a chunk
// it keeps encoded, which notes what the merge needs without storing the
// events). Inline: tens of millions of events go through it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "weft/format/bytes.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/schema.hpp"
#include "weft/format/trace.hpp"

namespace weft::format::detail {

// A varint as ByteReader::varint reads it; false where it would fail.
__attribute__((always_inline)) inline bool fast_varint(const unsigned char*& p, const unsigned char* end,
                                                      std::uint64_t& v) {
  if (p != end && *p < 0x80) {
    v = *p++;
    return true;
  }
  // Two to four bytes (a sequence number past 16,383, a larger time step),
  // unrolled where the bytes are surely there: the loop below paid a bound
  // and an overflow test for each byte.
  if (end - p >= 4) {
    std::uint64_t r = p[0] & 0x7fu;
    for (int k = 1; k < 4; ++k) {
      const std::uint64_t b = p[k];
      r |= (b & 0x7f) << (7 * k);
      if (b < 0x80) {
        v = r;
        p += k + 1;
        return true;
      }
    }
  }
  std::uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const unsigned char b = *p++;
    if (shift == 63 && b > 1) return false;
    r |= std::uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      v = r;
      return true;
    }
  }
  return false;
}

// decode_events_with without a ByteReader: the same fields in the same
// order, each check the same, but on the first thing the checking decoder
// would complain about it gives up (false) instead of composing a message.
// Decodes the `n` events after those `at` says were decoded, from where
// it says, and moves it on; `text(view)` gives a text event's arg, and
// emit(i, event) takes each event (i counted from the first of these n)
// as soon as it is decoded: into an array, or noted and let go.
template <class Text, class Emit>
__attribute__((always_inline)) inline bool decode_events_fast(std::span<const unsigned char> bytes,
                                                              const EventChunkHeader& h,
                                                              const std::vector<KindInfo>& kinds,
                                                              const IdLimits& limits, EventDecodePosition& at,
                                                              std::uint32_t n, Text&& text, Emit&& emit) {
  if (at.byte > bytes.size()) return false;
  const unsigned char* p = bytes.data() + at.byte;
  const unsigned char* const end = bytes.data() + bytes.size();
  std::uint64_t ticks = at.ticks;
  for (std::uint32_t i = 0; i < n; ++i) {
    Event e;
    e.thread = h.thread;
    if (p == end) return false;
    std::uint8_t code = *p++;
    if (code & kKindFlagsFollow) {
      code &= ~kKindFlagsFollow;
      if (p == end) return false;
      e.flags = *p++;
    }
    const KindInfo& kind = kinds[code];
    if (kind.name.empty()) return false;
    const std::uint8_t layout = kind.layout;
    e.kind = static_cast<EventKind>(code);
    std::uint64_t v = 0;
    if (!fast_varint(p, end, v)) return false;
    ticks += static_cast<std::uint64_t>(unzigzag(v));
    e.time_ns = ticks;
    if (layout & kLayoutObject) {
      if (!fast_varint(p, end, v) || v > UINT32_MAX || v == 0 || v >= limits.objects) return false;
      e.object = static_cast<std::uint32_t>(v);
    }
    if (layout & kLayoutSeq) {
      if (!fast_varint(p, end, v)) return false;
      e.seq = v == 0 ? kNoSeq : v - 1;
    }
    if (!fast_varint(p, end, v) || v > UINT32_MAX || v >= limits.sites) return false;
    e.site = static_cast<std::uint32_t>(v);
    if (layout & kLayoutArg) {
      if (!fast_varint(p, end, v)) return false;
      e.arg = v;
    }
    if (layout & kLayoutText) {
      if (!fast_varint(p, end, v) || v > static_cast<std::uint64_t>(end - p)) return false;
      const auto length = static_cast<std::size_t>(v);
      e.arg = text(std::string_view(reinterpret_cast<const char*>(p), length));
      p += length;
    }
    emit(i, e);
  }
  at.byte = static_cast<std::size_t>(p - bytes.data());
  at.ticks = ticks;
  at.index += n;
  return true;
}

}  // namespace weft::format::detail
