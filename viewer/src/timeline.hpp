// The timeline's content, laid out once when a trace is opened: one lane per
// thread (its waits as spans over its lifetime, its marks and logs as
// ticks) and one lane per sync object worth drawing (who held each lock
// when, how many waited on it; queue depth and semaphore value over time).
// Pure data laid out from the analysis model, which derived every wait, hold
// and value (the viewer derives no object state of its own); drawing it is
// elsewhere. Everything is sorted by time so that the visible part of a lane
// is found by binary search, whatever the trace's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "time_prefix_max.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/packed_store.hpp"
#include "weft/format/trace.hpp"
#include "weft/format/value_iterator.hpp"

namespace weft::viewer {

using analysis::kNoEvent;

// What a thread is doing during a span. Running is the lane's background:
// only the other states are stored as spans.
enum class State : std::uint8_t { Running, Lock, Condition, Event, Semaphore, Barrier, Queue, Join, Future, Sleep, Atomic };
State state_of(analysis::WaitCause cause);
const char* state_name(State s);  // "running", "blocked on a lock", ...

struct Span {
  std::uint64_t begin_ns = 0, end_ns = 0;
  std::uint64_t begin_event = kNoEvent;  // index in Trace::events
  std::uint64_t end_event = kNoEvent;    // kNoEvent: still open when the trace ends
  std::uint32_t object = 0;              // what it waited on / the lock held
  std::uint32_t who = 0;                 // holder thread (lock lanes); the thread itself (thread lanes)
  State state = State::Running;
  bool shared = false;                   // lock lanes: a stretch in which threads held it shared (`who`: the first)

  bool operator==(const Span&) const = default;
};

// A span as eight fields, for SpanList's packed store: a lock lane's span
// takes 6-9 bytes there instead of 48 (a hundred-million-event trace has
// fifty million). `end_event` is optional (kNoEvent: still open).
static_assert(kNoEvent == ~std::uint64_t{0});
using SpanCodec = format::MemberCodec<Span, 1u << 3, &Span::begin_ns, &Span::end_ns, &Span::begin_event,
                                      &Span::end_event, &Span::object, &Span::who, &Span::state, &Span::shared>;

using SpanStore = format::PackedStore<SpanCodec>;
// SpanCodec's fields by position, for SpanStore::field.
inline constexpr int kSpanBeginNs = SpanCodec::field_of<&Span::begin_ns>();
inline constexpr int kSpanEndNs = SpanCodec::field_of<&Span::end_ns>();

// A lock lane's span is the model's hold of that lock, as it is.
inline Span span_of(const analysis::Hold& h) {
  return Span{h.begin_ns, h.end_ns, h.first, h.end == analysis::HoldEnd::Open ? kNoEvent : h.last, h.lock, h.thread,
              State::Running, h.shared};
}

// The holds of many small lock lanes, in one table: each lane's holds (as
// indices into the model's HoldStore) in time order, and the running total
// of their durations, at the positions [from, from + room) the layout gave
// the lane. A trace with a mutex per element of a large array has millions
// of lanes of a few holds each: a list of their own for each was three
// packed stores a lane (280 bytes before any hold, and their allocations),
// where the table pays 12 bytes a hold. Filled while the lanes are laid
// out, read-only after; the Timeline keeps it (shared: a copy of the
// timeline reads the same one).
struct HoldLists {
  std::vector<std::uint32_t> hold;     // [p]: the hold at position p
  std::vector<std::uint64_t> covered;  // [p]: duration of its lane's holds up to and including position p
};

// A lane's spans, read by index as values, from one of three places: spans
// of its own, packed; or (a lock's lane) the model's holds of that lock,
// read through which holds they are. The model already keeps every hold
// packed; a copy of each as a span doubled a lock loop's layout (5 M
// holds: 35 MB more, all of it new memory, and a fifth of laying it out).
// Which holds: a run of consecutive ones (a program with one busy lock:
// all of them, and no list), then a list of the lane's own; or, for a
// lane placed in a HoldLists table, the table's. The holds read (and the
// table) must outlive the lane (a Document keeps the model and the
// timeline together, as for Series).
class Spans {
 public:
  using const_iterator = format::ValueIterator<Spans, Span>;

  Spans() = default;
  Spans(const Spans& other);
  Spans& operator=(const Spans& other);
  Spans(Spans&&) noexcept = default;
  Spans& operator=(Spans&&) noexcept = default;
  ~Spans() = default;

  Span operator[](std::size_t k) const { return holds_ ? span_of((*holds_)[hold_of(k)]) : own_->own[k]; }
  Span at(std::size_t k) const;  // std::out_of_range past the end
  // Span k's begin or end alone: what a frame's searches read.
  std::uint64_t begin_ns(std::size_t k) const {
    return holds_ ? holds_->field(hold_of(k), analysis::kHoldBeginNs) : own_->own.field(k, kSpanBeginNs);
  }
  std::uint64_t end_ns(std::size_t k) const {
    return holds_ ? holds_->field(hold_of(k), analysis::kHoldEndNs) : own_->own.field(k, kSpanEndNs);
  }
  // Calls visit(begin_ns of span k) for every span k, in order: a walk of
  // the packed spans or holds block by block, where begin_ns(k) for each k
  // looks up its block every time (a lock loop's lane has millions).
  template <class Visit>
  void for_each_begin(Visit&& visit) const {
    const auto begin_of_hold = [&](std::size_t, const analysis::Hold& h) __attribute__((always_inline)) {
      visit(h.begin_ns);
    };
    const auto begin_of_span = [&](std::size_t, const Span& s) __attribute__((always_inline)) { visit(s.begin_ns); };
    const auto begin_of_listed = [&](std::size_t, std::uint64_t hold) __attribute__((always_inline)) {
      visit(holds_->field(hold, analysis::kHoldBeginNs));
    };
    if (!holds_) {
      if (own_) own_->own.for_each(0, own_->own.size(), begin_of_span);
      return;
    }
    if (table_) {
      for (std::size_t k = 0; k < run_; ++k) visit(holds_->field(table_->hold[from_ + k], analysis::kHoldBeginNs));
      return;
    }
    holds_->for_each(from_, from_ + run_, begin_of_hold);
    if (own_) own_->which.for_each(0, own_->which.size(), begin_of_listed);
  }
  std::size_t size() const {
    if (holds_) return run_ + (own_ ? own_->which.size() : 0);
    return own_ ? own_->own.size() : 0;
  }
  bool empty() const { return size() == 0; }
  Span front() const { return (*this)[0]; }
  Span back() const { return (*this)[size() - 1]; }
  const_iterator begin() const;
  const_iterator end() const;
  // The heap bytes of the lane's own (the holds it reads are the model's,
  // a table's positions the timeline's).
  std::size_t memory_bytes() const { return own_ ? own_->own.memory_bytes() + own_->which.memory_bytes() : 0; }

 private:
  friend struct SpanList;
  // What a lane keeps of its own, allocated only for a lane that needs it:
  // most lanes of a trace of millions of locks have none.
  struct Own {
    SpanStore own;                                  // spans of its own (holds_ unset)
    format::PackedStore<format::UintCodec> which;   // the holds after the run (holds_ set, no table)
    format::PackedStore<format::UintCodec> covered_before;  // the SpanList's running total (no table)
  };
  std::size_t hold_of(std::size_t k) const {
    if (table_) return table_->hold[from_ + k];
    return k < run_ ? from_ + k : own_->which[k - run_];
  }
  Own& own() {
    if (!own_) own_ = std::make_unique<Own>();
    return *own_;
  }
  std::unique_ptr<Own> own_;
  // Set: the spans are holds. Without a table, the first run_ are
  // consecutive holds from from_, the rest as own_->which says; with one,
  // the run_ at the table's positions from from_.
  const analysis::HoldStore* holds_ = nullptr;
  HoldLists* table_ = nullptr;  // written only while the lane is laid out
  std::size_t from_ = 0, run_ = 0;
};

inline Spans::const_iterator Spans::begin() const { return {this, 0}; }
inline Spans::const_iterator Spans::end() const { return {this, size()}; }

// Spans of one lane, sorted and not overlapping, with the running total of
// their durations: the part of any time range they cover is two lookups,
// which is what lets a pixel stand for a million spans. Both are packed
// (or in a HoldLists table) and read by index in O(1): a frame reads a few
// keys per pixel column (lod.hpp), so plain arrays would buy it nothing,
// and at 16 bytes a span they were most of a large trace's layout, every
// page of it new memory an open has to fault in.
struct SpanList {
  Spans spans;

  // Total duration of spans [0, k), for k up to spans.size().
  std::uint64_t covered_before(std::size_t k) const {
    if (k == 0) return 0;
    if (spans.table_) return spans.table_->covered[spans.from_ + k - 1];
    return spans.own_->covered_before[k];
  }

  void add(const Span& s);  // in time order; clipped to start after the previous span
  // Hold k of `holds` (h, already read), in time order: read from there
  // rather than copied, unless it needs clipping (then this list copies
  // every span from here on, those before too). One `holds` per list.
  // Inline: a lock loop's lane takes millions, one after the other.
  __attribute__((always_inline)) void add_hold(const analysis::HoldStore& holds, std::size_t k,
                                               const analysis::Hold& h) {
    // The model starts a lock's exclusive hold no earlier than the last one
    // ended, and ends none before it began (LockTracker), so its holds need
    // no clipping and are read as they are. A list that met one that does
    // (or began with spans of its own) copies.
    const bool in_order = h.end_ns >= h.begin_ns && h.begin_ns >= last_end_;
    if (spans.holds_ == &holds && in_order) [[likely]] {
      if (spans.table_) {  // the next of the lane's positions in the table
        if (spans.run_ < room_) [[likely]] {
          covered_ += h.end_ns - h.begin_ns;
          spans.table_->hold[spans.from_ + spans.run_] = static_cast<std::uint32_t>(k);
          spans.table_->covered[spans.from_ + spans.run_] = covered_;
          ++spans.run_;
          last_end_ = h.end_ns;
          return;
        }
      } else if (!spans.own_->which.size() && k == spans.from_ + spans.run_) {
        ++spans.run_;  // the next of a run of consecutive holds
        last_end_ = h.end_ns;
        covered_ += h.end_ns - h.begin_ns;
        spans.own_->covered_before.push_back(covered_);
        return;
      }
    }
    add_hold_slowly(holds, k, h);
  }
  void reserve(std::size_t n);  // room for n spans of its own or holds, allocated once
  // The list's holds (of `holds`, at most n) go to the table's positions
  // [from, from + n), sized by the caller; a hold that needs clipping, or
  // one more than n, and the list copies its spans after all.
  void place(HoldLists& table, const analysis::HoldStore& holds, std::size_t from, std::size_t n);
  void seal();  // the list is complete: packs its last spans
  std::uint64_t begin_of(std::size_t k) const { return spans.begin_ns(k); }
  // Index of the first span ending after t (spans.size() if none).
  std::size_t first_ending_after(std::uint64_t t) const;
  // Index of the first span beginning at or after t.
  std::size_t first_beginning_at(std::uint64_t t, std::size_t from = 0) const;

 private:
  void add_hold_slowly(const analysis::HoldStore& holds, std::size_t k, const analysis::Hold& h);
  void own_all();  // the holds read so far, copied: the list's spans are its own from now on
  std::uint64_t covered_ = 0;   // covered_before(spans.size()), kept to spare a decode per add
  std::uint64_t last_end_ = 0;  // spans.back().end_ns, likewise
  std::size_t room_ = 0;        // the positions the list has in its table
};

struct Tick {
  std::uint64_t time_ns = 0;
  std::uint64_t event = 0;
  bool log = false;  // a log line; otherwise a mark
};

// A value over time (queue depth, semaphore value, waiters on a lock): the
// analysis model's steps.
using analysis::Step;

// A series' steps as the timeline reads them: a packed store someone else
// keeps (the model's, which outlives the timeline: a Document keeps both),
// or none. Steps come out by value.
class StepsView {
 public:
  StepsView() = default;
  StepsView(const analysis::Steps& steps) : steps_(&steps) {}  // NOLINT(google-explicit-constructor): a view of it

  std::size_t size() const { return steps_ ? steps_->size() : 0; }
  bool empty() const { return size() == 0; }
  Step operator[](std::size_t k) const { return (*steps_)[k]; }
  Step front() const { return steps_->front(); }
  Step back() const { return steps_->back(); }
  // Step k's time alone (a search by time unpacks one field).
  std::uint64_t time_ns(std::size_t k) const { return steps_->field(k, analysis::kStepTimeNs); }
  analysis::Steps::const_iterator begin() const { return steps_ ? steps_->begin() : analysis::Steps::const_iterator{}; }
  analysis::Steps::const_iterator end() const { return steps_ ? steps_->end() : analysis::Steps::const_iterator{}; }

 private:
  const analysis::Steps* steps_ = nullptr;
};

// Maximum of any index range of a series in O(levels * fanout): the pixel
// that stands for 10 000 steps shows their peak without visiting them. The
// values themselves are read from the steps it was built over, which must
// outlive it; only the blocks' maxima are its own.
class RangeMax {
 public:
  void build(StepsView steps);
  std::int64_t max(std::size_t begin, std::size_t end) const;  // begin < end <= the steps' size

 private:
  static constexpr std::size_t kFanout = 32;
  std::int64_t at(std::size_t level, std::size_t k) const { return level == 0 ? steps_[k].value : levels_[level - 1][k]; }
  StepsView steps_;
  std::vector<std::vector<std::int64_t>> levels_;  // [k]: max of each kFanout^(k+1) steps
};

struct Series {
  StepsView steps;
  std::int64_t peak = 0;
  RangeMax range_max;
  // Index of the last step at or before t, or steps.size() if none.
  std::size_t at(std::uint64_t t) const;
};

// Signal: a condition variable or an event (signal_lanes.hpp): who waited
// on it, its notifications, and which of them woke whom.
enum class LaneKind : std::uint8_t { Thread, Lock, Queue, Semaphore, Barrier, Signal };

struct SignalLane;  // signal_lanes.hpp

struct Lane {
  LaneKind kind = LaneKind::Thread;
  std::uint32_t id = 0;         // thread id for thread lanes, object id otherwise
  std::string label;
  std::uint64_t begin_ns = 0, end_ns = 0;  // a thread's life; the trace for objects
  SpanList spans;               // waits (thread), holds (lock)
  std::vector<Tick> ticks;      // thread lanes: marks and logs
  std::vector<Tick> anomalies;  // what the trace got wrong here (analysis/object_state.hpp): on the object's lane, or the thread's
  Series series;                // lock: waiters; queue: depth; semaphore: value; barrier: arrivals
  std::uint32_t process = 0;    // thread lanes: index into Trace::processes
  // Signal lanes: their waits (on sub-rows), notifications and waiter count.
  // Shared and immutable once built, so copying a Timeline stays cheap and
  // the count's series keeps pointing into its own SignalLane.
  std::shared_ptr<const SignalLane> signal;
};

struct Timeline {
  std::vector<Lane> lanes;      // threads (by id), then locks, queues, semaphores, barriers, then conditions and events
  std::uint64_t begin_ns = 0, end_ns = 0;
  // The running maximum of event times in trace order: "events up to time
  // t" is a binary search (for arrows and for the replay cursor). It reads
  // the trace's events: the trace must outlive the timeline.
  TimePrefixMax time_prefix_max;
  // The holds of the lock lanes placed in one table (HoldLists): those of
  // a few holds each. Lanes read it; it is built with them.
  std::shared_ptr<HoldLists> hold_lists;
  std::size_t lane_of_thread(std::uint32_t thread) const { return thread; }
  // Index of the lane of an object, lanes.size() if it has none.
  std::size_t lane_of_object(std::uint32_t object) const;
  // First event index whose time (as prefix max) is at or after t.
  std::uint64_t first_event_at(std::uint64_t t) const { return time_prefix_max.first_at(t); }
  std::vector<std::uint32_t> object_lane_index;  // object id -> lane index, ~0u if none
  // A run of several processes: one header per process ("worker-1 (pid
  // 124), exit 0"), drawn above its threads' lanes (which are consecutive:
  // a run's thread ids go process by process). Empty for one process, whose
  // layout stays as it always was.
  std::vector<std::string> process_headers;
};

// The layout, in two parts so that an open can lay out the first while the
// model is built: what the events alone say (the time index, each thread's
// lane with its life, marks and logs), then what the model adds to it
// (waits, lock holds, series, anomalies, the signal lanes).
Timeline timeline_of_events(const format::Trace& trace);
void add_model_lanes(Timeline& tl, const format::Trace& trace, const analysis::Model& model);
// Both, one after the other.
Timeline build_timeline(const format::Trace& trace, const analysis::Model& model);

}  // namespace weft::viewer
