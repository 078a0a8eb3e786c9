// Puts the events of all threads into one global order.
//
// Timestamps are for display only (DESIGN.md, "Order"): two threads' clocks
// can disagree by more than the gap between their events. The order is a
// linear extension of two partial orders the trace records exactly:
//  - program order: a thread's events in the order it recorded them;
//  - object order: events on one object by their sequence number, taken
//    inside the primitive's own critical section.
// Among the events both orders allow next, the earliest timestamp goes
// first, so the result also reads naturally by time.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::format {

// Raw clock ticks to nanoseconds since the trace began.
struct TickConversion {
  std::uint64_t start_ticks = 0;
  double ns_per_tick = 1.0;
  std::uint64_t operator()(std::uint64_t ticks) const noexcept {
    const double ns = ticks >= start_ticks ? double(ticks - start_ticks) * ns_per_tick + 0.5 : 0.0;
    // A damaged file's rate or ticks can take it to 2^64 and beyond (or NaN,
    // from an infinite rate): converting that is undefined, so it saturates.
    if (!(ns < 18446744073709551616.0)) return UINT64_MAX;
    return static_cast<std::uint64_t>(ns);  // ns >= 0: rounds as llround does, without the call
  }
};

// What the loader learnt while decoding, which saves the merge a pass over
// every event each (tens of millions of them: memory traffic is its cost).
struct MergeHints {
  // Each object's lowest sequence number (kNoSeq: none), by object id.
  const std::vector<std::uint64_t>* first_seq = nullptr;
  // If set, the events' times are raw ticks, converted as they are placed;
  // ticks order as their conversions do.
  const TickConversion* ticks = nullptr;
  // If set, called with each event as it is placed (its time converted):
  // a caller's walk over the merged events rides on the merge, where after
  // it it would be one more pass, unpacking every event again.
  const std::function<void(const Event&)>* placed = nullptr;
  // If set, `placed` hears only the events of the kinds this accepts (the
  // loader's wants three kinds of tens of millions of events).
  bool (*placed_wants)(EventKind) = nullptr;
};

// `per_thread[t]` holds thread t's events in program order. Objects ids are
// below `object_count`.
EventStore merge_in_order(std::vector<std::vector<Event>>& per_thread, std::size_t object_count,
                                  OrderStats& stats, const MergeHints& hints = {});

// What a loader learnt of a run's events as it decoded them: a merge in
// parts reads it instead of unpacking the run once more before merging it.
struct RunSummary {
  std::uint64_t earliest = ~std::uint64_t{0};  // the smallest time
  // Each object's lowest sequence number in the run, for every object one
  // of its events has a sequence number for (and an id below the merge's
  // object count), in no order.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> lowest;
};

// A thread's events kept as the file encodes them (a chunk's bytes, read in
// place), decoded again where the merge reads them: what a parallel load
// keeps instead of packing each thread's events for the merge to unpack
// (on a 10 M-event trace, that packing was a third of the load). Read
// front to back a few events at a time: decoding is a pure function of the
// bytes, so every reading gives the same events, and any number of threads
// may read at once, each with its own position.
class EncodedRun {
 public:
  // How far a reading has got: `index` events, and what the decoder needs
  // to go on from there (its own). A Position{} is the run's start.
  struct Position {
    std::size_t index = 0;
    std::uint64_t own[3] = {};
  };
  virtual ~EncodedRun() = default;
  virtual std::size_t size() const = 0;  // its events
  // The `n` events after `at` into out[0, n); `at` moves past them.
  virtual void decode(Position& at, std::size_t n, Event* out) const = 0;
  std::uint64_t first_time = 0, last_time = 0;  // its first event's time and its last's
};

// A run of a thread's events in a packed store, records [first, first +
// count); or, where `encoded` is set instead of `store`, events [first,
// first + count) of that encoded run, read from `from` (at or before
// `first`: where a cut found it, so a part need not decode the events
// before it again).
struct PackedRun {
  const EventStore* store = nullptr;
  std::size_t first = 0, count = 0;
  // If set, what these very records hold (not a part of them).
  const RunSummary* summary = nullptr;
  const EncodedRun* encoded = nullptr;
  EncodedRun::Position from;
};

// One thread's events in program order, wherever they are kept: an array
// of unpacked events, or runs of packed stores one after the other.
struct EventStream {
  const Event* data = nullptr;
  std::size_t size = 0;           // of `data`
  std::vector<PackedRun> packed;  // read after `data`
};

// The same merge over streams the caller owns, without holding two full
// copies of the events at once: `consumed(t, n)` is called as the merge
// moves on (every few thousand events of a thread, and at the end of each
// packed run) and says thread t's first n events will not be read again,
// so their memory can be given back. A packed run is read a block at a
// time: once `consumed` has passed its end, it is not read again.
// Same streams in, same order out as merge_in_order, event for event.
using ConsumedFn = std::function<void(std::uint32_t thread, std::size_t consumed)>;
EventStore merge_streams(std::span<const EventStream> per_thread, std::size_t object_count,
                                 OrderStats& stats, const MergeHints& hints, const ConsumedFn& consumed);

// The same order as merge_streams, made by merges side by side, each over
// the events between two times that cut them into `parts` about equal
// parts (0: about a million events a part, from 2 to 8), two at a time,
// joined end to end. Where that could differ from one merge (a thread's
// clock going back across a cut, an object's sequence numbers crossing
// it, lost sequence numbers), it is checked, and one merge runs instead:
// the result is merge_streams' either way. `*in_parts` says which ran.
// The streams' memory is not given back as it is read (the parts are read
// at once), and `hints.placed` must come with `placed_wants`: the events
// it wants are handed over once every part is done, in order.
EventStore merge_streams_in_parts(std::span<const EventStream> per_thread, std::size_t object_count,
                                  OrderStats& stats, const MergeHints& hints, bool* in_parts = nullptr,
                                  std::size_t parts = 0);

}  // namespace weft::format
