#include "lod.hpp"

#include <algorithm>
#include <cmath>

namespace weft::viewer {

LaneLod build_lane_lod(const Lane& lane) {
  LaneLod lod;
  lod.spans.build_walking(
      lane.spans.spans.size(), [&](std::size_t k) { return lane.spans.begin_of(k); },
      [&](auto&& visit) { lane.spans.spans.for_each_begin(visit); });
  lod.ticks.build(lane.ticks.size(), [&](std::size_t k) { return lane.ticks[k].time_ns; });
  lod.steps.build(lane.series.steps.size(), [&](std::size_t k) { return lane.series.steps.time_ns(k); });
  return lod;
}

Lod build_lod(const Timeline& tl) {
  Lod out;
  for (std::size_t n = 0; n < tl.lanes.size(); ++n)
    if (LaneLod lod = build_lane_lod(tl.lanes[n]); !lod.spans.empty() || !lod.ticks.empty() || !lod.steps.empty()) {
      out.lanes_.push_back(n);
      out.lods_.push_back(std::move(lod));
    }
  return out;
}

const LaneLod* Lod::of(std::size_t lane) const {
  const auto it = std::lower_bound(lanes_.begin(), lanes_.end(), lane);
  return it != lanes_.end() && *it == lane ? &lods_[static_cast<std::size_t>(it - lanes_.begin())] : nullptr;
}


namespace {

std::uint64_t to_ns(double t) {
  if (!(t > 0)) return 0;
  if (t >= 1.8e19) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(t);
}

// Edges [first, last) of a list (edge(k): its k-th), ordered by the event
// `end_of` names; their events' times (prefix max) rise with it. Takes up
// to `per_pixel` from each pixel column, skipping what `skip` rejects: a
// search per column, through `index` (over the whole list) when given.
template <typename Edge, typename End, typename Skip>
void per_column(Edge edge, std::size_t first, std::size_t last, const Timeline& tl, const Viewport& view,
                std::size_t per_pixel, const TimeIndex* index, End end_of, Skip skip,
                std::vector<const analysis::CausalEdge*>& out) {
  const auto time_of = [&](std::size_t k) { return tl.time_prefix_max[end_of(edge(k))]; };
  while (first < last) {
    // This column: from the first edge's pixel to the next pixel's start.
    const double x = std::floor(view.x_of(static_cast<double>(time_of(first))));
    const std::uint64_t next = to_ns(std::ceil(view.t_of(x + 1)));
    std::size_t column_end = last;
    if (last - first > per_pixel) {
      if (index) {
        column_end = std::min(last, index->lower_bound(next, first, time_of));
      } else {
        std::size_t lo = first, hi = last;
        while (lo < hi) {
          const std::size_t mid = lo + (hi - lo) / 2;
          if (time_of(mid) < next)
            lo = mid + 1;
          else
            hi = mid;
        }
        column_end = lo;
      }
    }
    if (column_end == first) ++column_end;  // a time that does not map forward: move on anyway
    // At most kLooked edges looked at per column: departures mostly stay on
    // screen (skipped: drawn arriving), and walking all of them is the
    // per-frame pass over every edge this avoids.
    constexpr std::size_t kLooked = 64;
    std::size_t taken = 0;
    const std::size_t stop = std::min(column_end, first + std::max(kLooked, per_pixel));
    for (std::size_t e = first; e < stop && taken < per_pixel; ++e)
      if (const analysis::CausalEdge& picked = edge(e); !skip(picked)) {
        out.push_back(&picked);
        ++taken;
      }
    first = column_end;
  }
}

std::uint64_t edge_to(const analysis::CausalEdge& e) { return e.to; }
std::uint64_t edge_from(const analysis::CausalEdge& e) { return e.from; }

// Whether `from_order` is an order of `by_to`'s edges (edges_by_source's):
// as many, each a position among them.
bool from_order_fits(std::span<const analysis::CausalEdge> by_to, const std::vector<std::uint32_t>& from_order) {
  return from_order.size() == by_to.size() &&
         std::all_of(from_order.begin(), from_order.end(), [&](std::uint32_t k) { return k < by_to.size(); });
}

}  // namespace

ArrowLod build_arrow_lod(std::span<const analysis::CausalEdge> by_to, const std::vector<std::uint32_t>& from_order,
                         const TimePrefixMax& times) {
  ArrowLod lod;
  const std::size_t n = times.size();
  // Edges name events of the trace the timeline was laid out from; a
  // mismatch gets no index (the plain search, which does not look).
  const bool fits = std::all_of(by_to.begin(), by_to.end(),
                                [n](const analysis::CausalEdge& e) { return e.to < n && e.from < n; });
  if (!fits || !from_order_fits(by_to, from_order)) return lod;
  lod.built = true;
  // Each list is in the order of the event its key is read at (`to`, then
  // `from`): read in one walk, not searched for each edge (1.2 M edges: 55
  // ms searched, 25 walked).
  const auto build = [&times](TimeIndex& index, std::size_t count, auto edge, auto event_of) {
    index.build_walking(
        count, [&](std::size_t k) { return times[event_of(edge(k))]; },
        [&](auto&& visit) {
          TimePrefixMax::Ascending time_at(times);
          for (std::size_t k = 0; k < count; ++k) visit(time_at(event_of(edge(k))));
        });
  };
  build(lod.arriving, by_to.size(), [&](std::size_t k) -> const analysis::CausalEdge& { return by_to[k]; }, edge_to);
  build(lod.leaving, from_order.size(),
        [&](std::size_t k) -> const analysis::CausalEdge& { return by_to[from_order[k]]; }, edge_from);
  return lod;
}

void pick_arrows(std::span<const analysis::CausalEdge> by_to, const std::vector<std::uint32_t>& from_order,
                 const Timeline& tl, const Viewport& view, std::size_t per_pixel,
                 std::vector<const analysis::CausalEdge*>& out, const ArrowLod* lod) {
  out.clear();
  if (tl.time_prefix_max.empty() || per_pixel == 0) return;
  const std::uint64_t e0 = tl.first_event_at(to_ns(view.t0_ns));
  const std::uint64_t e1 = std::min<std::uint64_t>(tl.first_event_at(to_ns(view.t1_ns()) + 1), tl.time_prefix_max.size());
  const auto by_to_less = [](const analysis::CausalEdge& e, std::uint64_t v) { return e.to < v; };
  const auto by_from_less = [&by_to](std::uint32_t k, std::uint64_t v) { return by_to[k].from < v; };
  const auto arriving = [&by_to](std::size_t k) -> const analysis::CausalEdge& { return by_to[k]; };
  const auto leaving = [&](std::size_t k) -> const analysis::CausalEdge& { return by_to[from_order[k]]; };
  const std::size_t a = static_cast<std::size_t>(std::lower_bound(by_to.begin(), by_to.end(), e0, by_to_less) - by_to.begin());
  const std::size_t b = static_cast<std::size_t>(std::lower_bound(by_to.begin(), by_to.end(), e1, by_to_less) - by_to.begin());
  const bool indexed = lod && lod->built;
  per_column(arriving, a, b, tl, view, per_pixel, indexed ? &lod->arriving : nullptr, edge_to,
             [](const analysis::CausalEdge&) { return false; }, out);
  // An order of other edges gives no departures (build_arrow_lod checks
  // each position; a frame only the count).
  if (from_order.size() != by_to.size()) return;
  const auto fa = static_cast<std::size_t>(
      std::lower_bound(from_order.begin(), from_order.end(), e0, by_from_less) - from_order.begin());
  const auto fb = static_cast<std::size_t>(
      std::lower_bound(from_order.begin(), from_order.end(), e1, by_from_less) - from_order.begin());
  // Leaving for an event off screen (the others were taken arriving).
  per_column(leaving, fa, fb, tl, view, per_pixel, indexed ? &lod->leaving : nullptr, edge_from,
             [&](const analysis::CausalEdge& e) { return e.to >= e0 && e.to < e1; }, out);
}

}  // namespace weft::viewer
