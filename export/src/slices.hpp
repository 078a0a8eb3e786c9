// The spans drawn on the threads' tracks: blocking waits and lock holds
// (both the analysis model's), and one-nanosecond "ticks" on the
// events that causal edges start or end at, for the flow arrows to bind to
// (a Chrome flow event attaches to the slice that encloses it).
//
// Chrome and Perfetto draw the slices of one track as a stack, so on a
// track they must nest. Waits never overlap on one thread and a wait inside
// a hold nests; holds taken hand over hand (lock A, lock B, unlock A) do
// not. Each thread therefore gets lanes: lane 0 is the thread's own track,
// and a slice that would cross another goes to the first lane where it
// nests, shown as an extra track under the thread.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "weft/analysis/causality.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/trace.hpp"

namespace weft::exporter {

enum class SliceType : std::uint8_t { Wait, Hold, Tick };

using analysis::kNoEvent;

struct Slice {
  std::uint64_t begin_ns = 0, end_ns = 0;
  std::uint64_t first = 0;           // the event that began it
  std::uint64_t last = kNoEvent;     // the event that ended it; kNoEvent: open at the end of the trace
  std::uint32_t thread = 0;
  std::uint32_t object = 0;
  std::uint32_t lane = 0;
  SliceType type{};
  analysis::WaitCause cause{};       // waits only
  bool timed = false;                // waits only
  bool shared = false;               // holds only: a shared hold of a shared mutex
  analysis::HoldEnd hold_end{};      // holds only: how it ended
};

struct Slices {
  // Ordered as they are written: by begin time, then longest first, so
  // that a parent comes before the slices it encloses when they begin at
  // the same nanosecond (viewers sort by time, keeping file order on ties).
  std::vector<Slice> slices;
  // lanes[thread]: how many lanes the thread uses (at least 1).
  std::vector<std::uint32_t> lanes;
  // (event index, lane) of every tick, by event index: where flows attach.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> ticks;

  std::uint32_t tick_lane(std::uint64_t event) const;
};

// Waits and holds are the model's; this only places them in lanes.
Slices build_slices(const format::Trace& trace, const analysis::Model& model,
                    std::span<const analysis::CausalEdge> edges);

}  // namespace weft::exporter
