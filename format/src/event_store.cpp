// The one instantiation of the events' packed store, and its codec's
// vectorised first pass.
#include "weft/format/event_store.hpp"

#include <cstddef>

#include "cpu_features.hpp"
#include "weft/format/packed_store_impl.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace weft::format {

template class PackedStore<EventCodec>;

namespace {

#if defined(__x86_64__)
// The loads below read an Event as it is laid out: three 64-bit fields,
// then object, site and thread, then kind and flags in two bytes.
static_assert(offsetof(Event, time_ns) == 0 && offsetof(Event, seq) == 8 && offsetof(Event, arg) == 16 &&
              offsetof(Event, object) == 24 && offsetof(Event, site) == 28 && offsetof(Event, thread) == 32 &&
              offsetof(Event, kind) == 36 && offsetof(Event, flags) == 37 && sizeof(EventKind) == 1);

// The lower and the higher of each 64-bit lane, flipped (see below).
__attribute__((target("sse4.2"), always_inline)) inline __m128i lower(__m128i a, __m128i b) {
  return _mm_blendv_epi8(a, b, _mm_cmpgt_epi64(a, b));
}
__attribute__((target("sse4.2"), always_inline)) inline __m128i higher(__m128i a, __m128i b) {
  return _mm_blendv_epi8(a, b, _mm_cmpgt_epi64(b, a));
}

// SSE has signed 64-bit compares only: the 64-bit running values are kept
// with their top bit flipped, which orders them as unsigned numbers.
// `seq` is optional (~0: none). Its running maximum is of seq + 1, where a
// "none" becomes 0 and never wins; its minimum leaves "none" out by itself,
// being the largest value.
__attribute__((target("sse4.2"))) void ranges_sse42(const Event* events, std::size_t n, std::uint64_t (&lo)[8],
                                                     std::uint64_t (&hi)[8], bool (&any)[8]) {
  const __m128i flip = _mm_set1_epi64x(INT64_MIN);
  const __m128i seq_plus_one = _mm_set_epi64x(1, 0);  // lanes: time, seq
  // From object, site, thread, kind|flags: kind and flags into lanes of their own.
  const __m128i kind_and_flags = _mm_setr_epi8(12, -1, -1, -1, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  __m128i lo_ts = _mm_set1_epi64x(INT64_MAX), hi_ts = flip;         // time, seq: ~0 and 0, flipped
  __m128i lo_a = lo_ts, hi_a = flip;                                 // arg, in lane 0
  __m128i lo_ids = _mm_set1_epi32(-1), hi_ids = _mm_setzero_si128();  // object, site, thread
  __m128i lo_kind = lo_ids, hi_kind = hi_ids;                         // kind, flags
  const auto* p = reinterpret_cast<const unsigned char*>(events);
  for (std::size_t k = 0; k < n; ++k, p += sizeof(Event)) {
    const __m128i time_seq = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i arg = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), flip);
    const __m128i ids = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 24));
    lo_ts = lower(lo_ts, _mm_xor_si128(time_seq, flip));
    hi_ts = higher(hi_ts, _mm_xor_si128(_mm_add_epi64(time_seq, seq_plus_one), flip));
    lo_a = lower(lo_a, arg);
    hi_a = higher(hi_a, arg);
    lo_ids = _mm_min_epu32(lo_ids, ids);
    hi_ids = _mm_max_epu32(hi_ids, ids);
    const __m128i kinds = _mm_shuffle_epi8(ids, kind_and_flags);
    lo_kind = _mm_min_epu32(lo_kind, kinds);
    hi_kind = _mm_max_epu32(hi_kind, kinds);
  }
  // A 64-bit lane, unflipped (SSE2 only: a lambda does not take the function's target).
  const auto u64 = [&](__m128i v, int lane) {
    v = _mm_xor_si128(v, flip);
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(lane == 0 ? v : _mm_unpackhi_epi64(v, v)));
  };
  lo[0] = u64(lo_ts, 0);
  hi[0] = u64(hi_ts, 0);
  lo[1] = u64(lo_ts, 1);
  const std::uint64_t seq_high = u64(hi_ts, 1);  // the largest seq + 1; 0 if none has one
  any[1] = seq_high != 0;
  hi[1] = any[1] ? seq_high - 1 : 0;
  lo[2] = u64(lo_a, 0);
  hi[2] = u64(hi_a, 0);
  lo[3] = static_cast<std::uint32_t>(_mm_extract_epi32(lo_ids, 0));
  lo[4] = static_cast<std::uint32_t>(_mm_extract_epi32(lo_ids, 1));
  lo[5] = static_cast<std::uint32_t>(_mm_extract_epi32(lo_ids, 2));
  hi[3] = static_cast<std::uint32_t>(_mm_extract_epi32(hi_ids, 0));
  hi[4] = static_cast<std::uint32_t>(_mm_extract_epi32(hi_ids, 1));
  hi[5] = static_cast<std::uint32_t>(_mm_extract_epi32(hi_ids, 2));
  lo[6] = static_cast<std::uint32_t>(_mm_extract_epi32(lo_kind, 0));
  lo[7] = static_cast<std::uint32_t>(_mm_extract_epi32(lo_kind, 1));
  hi[6] = static_cast<std::uint32_t>(_mm_extract_epi32(hi_kind, 0));
  hi[7] = static_cast<std::uint32_t>(_mm_extract_epi32(hi_kind, 1));
  for (int f : {0, 2, 3, 4, 5, 6, 7}) any[f] = true;
}
#endif

}  // namespace

void EventCodec::ranges(const Event* events, std::size_t n, std::uint64_t (&lo)[kFields], std::uint64_t (&hi)[kFields],
                        bool (&any)[kFields]) {
  static_assert(kFields == 8 && kOptional == 1u << 1);
#if defined(__x86_64__)
  if (n > 0 && have_sse42()) return ranges_sse42(events, n, lo, hi, any);
#endif
  packed_store_detail::ranges_of<EventCodec>(events, n, lo, hi, any);
}

}  // namespace weft::format
