// Level-of-detail indexes, built once when a trace is opened, that let a
// frame find what it draws without walking the lanes' detail.
//
// A frame at full zoom-out asks, for every pixel column of every lane,
// "which is the first span (tick, step) that begins in the next column?".
// Answered by a binary search over millions of spans, each answer costs
// ~20 cache misses; that, not drawing, was the frame. A TimeIndex cuts
// time into equal power-of-two buckets holding a few keys each on average
// and remembers where each bucket starts: the answer is then one bucket
// lookup and a search among a handful of neighbouring keys (~3 misses).
//
// The index changes nothing of what is drawn: the rectangles, coverage and
// peaks come out bit for bit as the exact search gives them (tests/viewer/
// test_lod.cpp compares the two, and brute force, on random lanes).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "timeline.hpp"
#include "viewport.hpp"
#include "weft/analysis/causality.hpp"

namespace weft::viewer {

// An index over keys sorted ascending (times in ns). Invariant, for every
// bucket b: keys [first_[b], first_[b+1]) are exactly those in
// [origin + b << shift, origin + (b+1) << shift); first_.back() == n.
class TimeIndex {
 public:
  // About kPerBucket keys per bucket over the keys' range, at most one
  // bucket per key (a burst leaves most buckets empty, not the index big).
  static constexpr std::uint64_t kPerBucket = 4;

  template <typename Key>
  void build(std::size_t n, Key key);
  // The same, the keys read in one walk: walk(visit) calls visit(key(k))
  // for k = 0 .. n-1, in order (key itself is asked for the first and the
  // last). For keys that are cheaper walked than looked up one by one.
  template <typename Key, typename Walk>
  void build_walking(std::size_t n, Key key, Walk walk);
  void build(std::span<const std::uint64_t> keys) {
    build(keys.size(), [&](std::size_t k) { return keys[k]; });
  }

  // The first index k >= from with key(k) >= t (n if none), for the keys
  // the index was built on. Without an index (empty list) the plain search.
  template <typename Key>
  std::size_t lower_bound(std::uint64_t t, std::size_t from, Key key) const;

  bool empty() const { return first_.empty(); }
  std::size_t bytes() const { return first_.capacity() * sizeof(std::uint32_t); }

 private:
  std::uint64_t origin_ = 0;
  unsigned shift_ = 0;
  std::size_t n_ = 0;
  std::vector<std::uint32_t> first_;  // indices fit: a lane of 2^32 spans is not indexed (plain search)
};

// The indexes of one lane: its spans' begins, its ticks' times, its
// series' step times.
struct LaneLod {
  TimeIndex spans, ticks, steps;
};

// The indexes of a timeline's lanes, kept only for the lanes that have one:
// a lane of fewer than 2 * TimeIndex::kPerBucket spans, ticks and steps is
// searched plainly, and most of the lanes of a trace of two million locks
// are (an empty LaneLod for each was 144 bytes: 0.27 GB).
class Lod {
 public:
  // Lane n's indexes, or nullptr: the plain search.
  const LaneLod* of(std::size_t lane) const;
  std::size_t indexed() const { return lanes_.size(); }

 private:
  friend Lod build_lod(const Timeline& tl);
  std::vector<std::size_t> lanes_;  // ascending: the lanes with an index
  std::vector<LaneLod> lods_;       // theirs, in the same order
};

// Linear in the lanes' size, a few percent of building the timeline.
Lod build_lod(const Timeline& tl);
LaneLod build_lane_lod(const Lane& lane);

// The causality arrows a frame draws: the edges arriving at a visible event
// (`by_to`: ordered by `to`), then those leaving one for an event off screen
// (`from_order`: their positions in `by_to` ordered by `from`, as
// edges_by_source gives them). Where a pixel column holds more than
// `per_pixel` arrivals (or departures), only its first `per_pixel` are
// taken: past a few per pixel, arrows are a texture, and reading every
// edge's events is what made a zoomed-out frame slow. So a frame costs
// O(width * log edges), whatever the trace. Columns are found by the
// events' time as Timeline::time_prefix_max has it (monotone in event
// order). With fewer than `per_pixel` a column, every edge is taken. Of
// the departures, only the first 64 of a column are looked at (most stay on
// screen and are drawn arriving): a leaving arrow may be left out of a
// column crowded with others, never one of a column with few.
// `lod`, when given (build_arrow_lod of the same edges), finds each
// column's end by a bucket lookup instead of a binary search; the same
// arrows come out.
struct ArrowLod {
  TimeIndex arriving;  // over by_to, keyed by the time of `to`
  TimeIndex leaving;   // over from_order, keyed by the time of `from`
  bool built = false;  // false: edges and timeline do not match; not used
};
// `times`: the timeline's time_prefix_max, the only part of the timeline
// the index reads, so the open builds it beside the model's lanes, as soon
// as the events are laid out.
ArrowLod build_arrow_lod(std::span<const analysis::CausalEdge> by_to, const std::vector<std::uint32_t>& from_order,
                         const TimePrefixMax& times);
void pick_arrows(std::span<const analysis::CausalEdge> by_to, const std::vector<std::uint32_t>& from_order,
                 const Timeline& tl, const Viewport& view, std::size_t per_pixel,
                 std::vector<const analysis::CausalEdge*>& out, const ArrowLod* lod = nullptr);

// ---- template definitions ----

template <typename Key>
void TimeIndex::build(std::size_t n, Key key) {
  build_walking(n, key, [&](auto&& visit) {
    for (std::size_t k = 0; k < n; ++k) visit(key(k));
  });
}

template <typename Key, typename Walk>
void TimeIndex::build_walking(std::size_t n, Key key, Walk walk) {
  first_.clear();
  n_ = n;
  if (n < 2 * kPerBucket || n >= 0xffffffffu) return;  // a short lane: the plain search is as fast
  origin_ = key(0);
  const std::uint64_t range = key(n - 1) - origin_ + 1;
  // The smallest power of two giving at most n / kPerBucket buckets.
  const std::uint64_t want = std::max<std::uint64_t>(1, n / kPerBucket);
  shift_ = 0;
  while (shift_ < 63 && (range >> shift_) > want) ++shift_;
  const std::uint64_t buckets = (range >> shift_) + 1;
  first_.resize(buckets + 1);
  // Bucket b's first key is the first at or after its start: the keys
  // rise, so each key starts every bucket not yet started that begins at
  // or before it.
  std::uint64_t b = 0, start = origin_;
  std::uint32_t k = 0;
  walk([&](std::uint64_t t) __attribute__((always_inline)) {
    for (; b < buckets && start <= t; start = origin_ + (++b << shift_)) first_[b] = k;
    ++k;
  });
  for (; b <= buckets; ++b) first_[b] = static_cast<std::uint32_t>(n);
}

template <typename Key>
std::size_t TimeIndex::lower_bound(std::uint64_t t, std::size_t from, Key key) const {
  std::size_t lo = from, hi = n_;
  if (!first_.empty()) {
    if (t <= origin_) return from;
    const std::uint64_t b = (t - origin_) >> shift_;
    if (b + 1 >= first_.size()) return std::max(from, n_);
    lo = std::max<std::size_t>(from, first_[b]);
    hi = std::max<std::size_t>(lo, first_[b + 1]);
  }
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (key(mid) < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

}  // namespace weft::viewer
