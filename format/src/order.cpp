#include "weft/format/order.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <queue>
#include <span>
#include <thread>


namespace weft::format {
namespace {

constexpr std::uint32_t kNone = ~std::uint32_t{0};

struct Head {
  std::uint64_t time;
  std::uint32_t thread;
  bool operator>(const Head& o) const { return time != o.time ? time > o.time : thread > o.thread; }
};

// How often the merge reports a thread's consumed events: a few MB apart.
constexpr std::size_t kConsumedStep = std::size_t{1} << 16;

// A merge in parts cuts about this many events a part, into at most
// kMostParts: enough for two workers to even out parts that merge at
// different speeds; each part after the first reads its cut runs once more.
constexpr std::size_t kEventsPerPart = std::size_t{1} << 20, kMostParts = 8;

// Decodes encoded run r's events from r.from on, a block at a time into
// `block`, and calls visit(position, events) with each block's events and
// the position before them (its index: the first one's), while it returns
// true. The events before r.first (after r.from) are among them.
template <class Visit>
void walk_encoded(const PackedRun& r, std::vector<Event>& block, Visit&& visit) {
  block.resize(EventStore::kBlock);
  EncodedRun::Position at = r.from;
  const std::size_t end = r.first + r.count;
  while (at.index < end) {
    const EncodedRun::Position before = at;
    const std::size_t n = std::min(EventStore::kBlock, end - at.index);
    r.encoded->decode(at, n, block.data());
    if (!visit(before, std::span<const Event>(block.data(), n))) return;
  }
}

// The time of event i of `r` (i < r.count).
std::uint64_t run_time(const PackedRun& r, std::size_t i) {
  if (!r.encoded) return r.store->time_ns(r.first + i);
  const std::size_t at = r.first + i;
  if (at == 0) return r.encoded->first_time;
  if (at + 1 == r.encoded->size()) return r.encoded->last_time;
  std::uint64_t time = 0;
  std::vector<Event> block;
  walk_encoded(r, block, [&](const EncodedRun::Position& before, std::span<const Event> events) {
    if (at >= before.index + events.size()) return true;
    time = events[at - before.index].time_ns;
    return false;
  });
  return time;
}

// Reads one thread's stream front to back: the unpacked array in place,
// each packed store a block at a time into a buffer of its own, and each
// encoded run as many events at a time. The buffer holds no more than the
// stream's largest run: a program that starts a thread per task has tens
// of thousands of threads of a few events each, and a block's room for
// each (10 KB, cleared) was most of its load.
class Cursor {
 public:
  explicit Cursor(const EventStream& s) : s_(&s), at_(s.data), end_(s.data + s.size) {
    std::size_t room = 0;
    // (An encoded run a cut began inside passes its first events through it too.)
    for (const PackedRun& run : s.packed)
      room = std::max(room, std::min(run.encoded ? run.encoded->size() : run.count, EventStore::kBlock));
    if (room) buffer_ = std::make_unique_for_overwrite<Event[]>(room);
    if (at_ == end_) refill();
  }
  bool done() const { return at_ == end_; }
  const Event& head() const { return *at_; }
  std::size_t consumed() const { return consumed_; }
  // Moves past the head; true if that finished a packed run.
  bool advance() {
    ++consumed_;
    if (++at_ != end_) return false;
    const bool run_done = part_ > 0 && next_ >= s_->packed[part_ - 1].count;
    refill();
    return run_done;
  }

 private:
  void refill() {
    while (part_ <= s_->packed.size()) {
      if (part_ > 0) {
        const PackedRun& run = s_->packed[part_ - 1];
        if (next_ < run.count && run.encoded) {
          // A run a cut began inside is decoded from where the cut found
          // it, a block at most before its first event: those are passed over.
          if (next_ == 0) {
            position_ = run.from;
            while (position_.index < run.first) {
              const std::size_t n = std::min(run.first - position_.index, EventStore::kBlock);
              run.encoded->decode(position_, n, buffer_.get());
            }
          }
          const std::size_t n = std::min(EventStore::kBlock, run.count - next_);
          run.encoded->decode(position_, n, buffer_.get());
          next_ += n;
          at_ = buffer_.get();
          end_ = buffer_.get() + n;
          return;
        }
        if (next_ < run.count) {
          // Up to the end of the store's block, so that each decode reads one block.
          const std::size_t at = run.first + next_;
          const std::size_t n = std::min(EventStore::kBlock - at % EventStore::kBlock, run.count - next_);
          run.store->decode(at, n, buffer_.get());
          next_ += n;
          at_ = buffer_.get();
          end_ = buffer_.get() + n;
          return;
        }
      }
      if (part_ == s_->packed.size()) break;
      ++part_;
      next_ = 0;
    }
    at_ = end_ = buffer_.get();
  }

  const EventStream* s_;
  const Event* at_;
  const Event* end_;
  std::size_t part_ = 0;  // 1 + the packed run being read; 0: the array
  std::size_t next_ = 0;  // its next event to decode, counted from the run's first
  std::size_t consumed_ = 0;
  EncodedRun::Position position_;  // in the encoded run being read
  std::unique_ptr<Event[]> buffer_;  // where at_ and end_ point while a packed run is read: moving the cursor keeps it
};

// What a merge of one part of the streams (merge_streams_in_parts) hands
// back besides its store; the whole merge uses none of it.
struct PartIo {
  // The first `lead` events placed go here instead of the store: the part
  // after another then starts its store on a block's boundary.
  std::size_t lead = 0;
  std::vector<Event>* lead_events = nullptr;
  // Events the placed hook wants are kept here, for the caller to hand
  // over in order once every part is done, instead of calling the hook.
  std::vector<Event>* placed_log = nullptr;
  // Each object's next sequence number once the part is merged.
  std::vector<std::uint64_t>* final_next_seq = nullptr;
  // The largest raw time among the part's events.
  std::uint64_t* max_time = nullptr;
};

std::size_t stream_size(const EventStream& s) {
  std::size_t n = s.size;
  for (const PackedRun& r : s.packed) n += r.count;
  return n;
}

// Where streams start: their objects' lowest sequence numbers and their
// earliest time, read before they are merged (a part after the first, or
// the whole merge when the loader noted no lowest numbers): from the runs'
// summaries where the loader left them (a run a cut went through has
// none), else a pass over the events (on a 10 M-event trace, 40 ms before
// a part's merge of 150 ms could start).
struct PartStart {
  std::vector<std::uint64_t> lowest;
  std::uint64_t earliest = ~std::uint64_t{0};
};

PartStart part_start(std::span<const EventStream> part, std::size_t object_count) {
  PartStart out;
  out.lowest.assign(object_count, kNoSeq);
  std::vector<Event> block(EventStore::kBlock);
  const auto note = [&](const Event& e) {
    out.earliest = std::min(out.earliest, e.time_ns);
    if (e.seq != kNoSeq && e.object < object_count) out.lowest[e.object] = std::min(out.lowest[e.object], e.seq);
  };
  for (const EventStream& s : part) {
    for (const Event& e : std::span<const Event>(s.data, s.size)) note(e);
    for (const PackedRun& r : s.packed) {
      if (r.summary) {
        out.earliest = std::min(out.earliest, r.summary->earliest);
        for (const auto& [object, seq] : r.summary->lowest)
          if (object < object_count) out.lowest[object] = std::min(out.lowest[object], seq);
        continue;
      }
      if (r.encoded) {
        walk_encoded(r, block, [&](const EncodedRun::Position& before, std::span<const Event> events) {
          const std::size_t skip = before.index < r.first ? r.first - before.index : 0;
          for (std::size_t k = skip; k < events.size(); ++k) note(events[k]);
          return true;
        });
        continue;
      }
      for (std::size_t i = 0; i < r.count;) {
        const std::size_t n = std::min(r.count - i, EventStore::kBlock - (r.first + i) % EventStore::kBlock);
        r.store->decode(r.first + i, n, block.data());
        for (std::size_t k = 0; k < n; ++k) note(block[k]);
        i += n;
      }
    }
  }
  return out;
}

EventStore merge(std::span<const EventStream> per_thread, std::size_t object_count, OrderStats& stats,
                 const MergeHints& hints, const ConsumedFn* consumed, const PartIo& part = {}) {
  std::size_t total = 0;
  for (const EventStream& s : per_thread) total += stream_size(s);

  // An object's order starts at its lowest recorded sequence number: events
  // lost before it (dropped, or never written) must not stall the merge.
  std::vector<std::uint64_t> next_seq;
  if (hints.first_seq) {
    next_seq.assign(object_count, kNoSeq);
    std::copy_n(hints.first_seq->begin(), std::min(object_count, hints.first_seq->size()), next_seq.begin());
  } else {
    next_seq = part_start(per_thread, object_count).lowest;
  }

  std::vector<Cursor> cursor;
  cursor.reserve(per_thread.size());
  for (const EventStream& s : per_thread) cursor.emplace_back(s);
  std::vector<std::size_t> report_at(per_thread.size(), kConsumedStep);
  // Threads whose next event waits for its turn on an object, by object,
  // with the sequence number each waits for: releasing them reads these,
  // not the threads' cursors (a lock's waiters are looked at on each of
  // its events). A thread waits on one object at most, so no more lists
  // than threads are ever in use: an object names its list while it has
  // one (list_of), and an emptied list is used again. A list of its own
  // for every object was a vector header each, and an allocation for every
  // one a thread ever waited on: a program's millions of mutexes.
  // A list keeps the lowest number its threads wait for: every event of a
  // contended lock would otherwise scan its waiters for the one whose turn
  // came, and no waiter's can come while the object's next number is below
  // that lowest.
  struct Parked {
    std::uint64_t seq;
    std::uint32_t thread;
  };
  struct ParkedList {
    std::vector<Parked> waiting;
    std::uint64_t lowest = kNoSeq;
  };
  std::vector<std::uint32_t> list_of(object_count, kNone);
  std::vector<ParkedList> lists;
  std::vector<std::uint32_t> free_lists;
  std::vector<std::uint32_t> parked_on(per_thread.size(), kNone);
  std::priority_queue<Head, std::vector<Head>, std::greater<>> ready;

  auto is_ready = [&](const Event& e) { return e.seq == kNoSeq || e.object >= object_count || e.seq == next_seq[e.object]; };
  auto offer = [&](std::uint32_t t) {  // queue thread t's next event, or park it
    if (cursor[t].done()) return;
    const Event& e = cursor[t].head();
    if (is_ready(e)) {
      ready.push({e.time_ns, t});
      return;
    }
    if (list_of[e.object] == kNone) {
      if (free_lists.empty()) {
        free_lists.push_back(static_cast<std::uint32_t>(lists.size()));
        lists.emplace_back();
      }
      list_of[e.object] = free_lists.back();
      free_lists.pop_back();
    }
    ParkedList& list = lists[list_of[e.object]];
    list.waiting.push_back({e.seq, t});
    list.lowest = std::min(list.lowest, e.seq);
    parked_on[t] = e.object;
  };
  // Entry i of the list of `object` (which is `list`) goes: its thread is ready.
  auto unpark = [&](std::uint32_t object, ParkedList& list, std::size_t i) {
    std::vector<Parked>& waiting = list.waiting;
    const std::uint32_t w = waiting[i].thread;
    waiting[i] = waiting.back();
    waiting.pop_back();
    list.lowest = kNoSeq;
    for (const Parked& p : waiting) list.lowest = std::min(list.lowest, p.seq);
    if (waiting.empty()) {
      free_lists.push_back(list_of[object]);
      list_of[object] = kNone;
    }
    parked_on[w] = kNone;
    ready.push({cursor[w].head().time_ns, w});
  };
  // An object's next sequence number (`next`) came: the threads parked on
  // it may go.
  auto release_parked = [&](std::uint32_t object, std::uint64_t next) {
    if (list_of[object] == kNone) return;
    ParkedList& list = lists[list_of[object]];
    if (next < list.lowest) return;
    for (std::size_t i = 0; i < list.waiting.size();) {
      if (list.waiting[i].seq == next) unpark(object, list, i);
      else ++i;
    }
  };
  for (std::uint32_t t = 0; t < per_thread.size(); ++t) offer(t);

  // Which kinds the placed hook hears, asked once per kind rather than
  // through a call for each of tens of millions of events.
  std::array<bool, 256> heard{};
  if (hints.placed)
    for (unsigned k = 0; k < heard.size(); ++k)
      heard[k] = !hints.placed_wants || hints.placed_wants(static_cast<EventKind>(k));

  EventStore out;
  out.reserve(total);
  std::size_t placed = 0;
  std::uint64_t latest = 0;  // the largest raw time placed (kept here, not through part.max_time, for each event)
  while (placed < total) {
    if (ready.empty()) {
      // Every next event waits for a sequence number that never comes (lost
      // events, or a damaged trace): release the earliest one by time.
      std::uint32_t best = kNone;
      for (std::uint32_t t = 0; t < per_thread.size(); ++t) {
        if (parked_on[t] == kNone) continue;
        if (best == kNone || cursor[t].head().time_ns < cursor[best].head().time_ns) best = t;
      }
      const std::uint32_t object = parked_on[best];
      ParkedList& list = lists[list_of[object]];
      const auto at = std::find_if(list.waiting.begin(), list.waiting.end(), [&](const Parked& p) { return p.thread == best; });
      unpark(object, list, static_cast<std::size_t>(at - list.waiting.begin()));
      ++stats.fallbacks;
    }
    const std::uint32_t t = ready.top().thread;
    ready.pop();
    Cursor& c = cursor[t];
    // Thread t keeps the lead while its next event is ready and still the
    // earliest: a run of it goes out without a trip through the heap.
    for (;;) {
      // The head is read where the cursor holds it, and copied once, into
      // the store (see EventStore::push_back), before the cursor moves on.
      const Event& head = c.head();
      const std::uint32_t object = head.object;
      const bool sequenced = head.seq != kNoSeq && object < object_count;
      std::uint64_t next_of_object = 0;
      if (sequenced) next_seq[object] = next_of_object = std::max(next_seq[object], head.seq + 1);
      latest = std::max(latest, head.time_ns);
      const std::uint64_t time = hints.ticks ? (*hints.ticks)(head.time_ns) : head.time_ns;
      const auto placed_copy = [&] {
        Event e = head;
        e.time_ns = time;
        return e;
      };
      if (placed < part.lead) [[unlikely]]
        part.lead_events->push_back(placed_copy());
      else
        out.push_back(head, time);
      if (heard[static_cast<std::uint8_t>(head.kind)]) [[unlikely]] {
        if (part.placed_log)
          part.placed_log->push_back(placed_copy());
        else
          (*hints.placed)(placed_copy());
      }
      ++placed;
      const bool run_done = c.advance();  // `head` is gone from here on
      if (consumed && (run_done || c.consumed() >= report_at[t])) {
        (*consumed)(t, c.consumed());
        report_at[t] = c.consumed() + kConsumedStep;
      }
      if (sequenced) release_parked(object, next_of_object);
      if (c.done()) break;
      const Event& next = c.head();
      if (!is_ready(next) || (!ready.empty() && Head{next.time_ns, t} > ready.top())) {
        offer(t);
        break;
      }
    }
  }
  out.seal();
  if (part.max_time) *part.max_time = std::max(*part.max_time, latest);
  if (part.final_next_seq) *part.final_next_seq = std::move(next_seq);
  return out;
}

// Where a search found its event inside an encoded run: a position at or
// before it, for the part that begins there to read the run from.
struct FoundIn {
  const EncodedRun* run = nullptr;
  EncodedRun::Position at;
};

// Where thread `s`'s events reach time `t`: the index, counted over the
// stream, of its first event at `t` or later, by a binary search that
// assumes its times never go back (the caller checks that they did not
// where it matters); inside an encoded run, by decoding it up to there,
// and `found` says where. `estimate`: inside a whole encoded run, about
// where, by its first and last times, without decoding it (the bisection
// for a cut asks dozens of times, for every thread, and needs no more).
std::size_t first_at(const EventStream& s, std::uint64_t t, bool estimate = false, FoundIn* found = nullptr) {
  const auto earlier = [t](const Event& e) { return e.time_ns < t; };
  const Event* in_array = std::partition_point(s.data, s.data + s.size, earlier);
  if (in_array != s.data + s.size) return static_cast<std::size_t>(in_array - s.data);
  std::size_t before = s.size;
  for (const PackedRun& r : s.packed) {
    if (r.count == 0) continue;
    if (run_time(r, r.count - 1) < t) {
      before += r.count;
      continue;
    }
    if (r.encoded && estimate && r.first == 0 && r.count == r.encoded->size()) {
      const std::uint64_t first = r.encoded->first_time, last = r.encoded->last_time;
      if (t <= first || last <= first) return before;
      return before + static_cast<std::size_t>(static_cast<double>(r.count) * static_cast<double>(t - first) /
                                               static_cast<double>(last - first));
    }
    if (r.encoded) {
      std::size_t index = r.first + r.count;
      EncodedRun::Position from = r.from;
      std::vector<Event> block;
      walk_encoded(r, block, [&](const EncodedRun::Position& at, std::span<const Event> events) {
        const std::size_t skip = at.index < r.first ? r.first - at.index : 0;
        const auto it = std::partition_point(events.begin() + static_cast<std::ptrdiff_t>(skip), events.end(), earlier);
        if (it == events.end()) return true;
        index = at.index + static_cast<std::size_t>(it - events.begin());
        from = at;
        return false;
      });
      if (found) *found = {r.encoded, from};
      return before + (index - r.first);
    }
    std::size_t lo = 0, hi = r.count;  // the answer is in [lo, hi]
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (r.store->time_ns(r.first + mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return before + lo;
  }
  return before;
}

// Thread `s`'s events [0, at) into `head` and [at, end) into `rest`; an
// encoded run cut in two is read for the rest from where `found` says, if
// it says it of that run.
void cut_stream(const EventStream& s, std::size_t at, EventStream& head, EventStream& rest, const FoundIn& found = {}) {
  const std::size_t in_array = std::min(at, s.size);
  head = {s.data, in_array, {}};
  rest = {s.data + in_array, s.size - in_array, {}};
  std::size_t left = at - in_array;  // still to give the head, from the packed runs
  for (const PackedRun& r : s.packed) {
    const std::size_t h = std::min(left, r.count);
    // A summary goes with the run only while the run is whole.
    if (h) head.packed.push_back({r.store, r.first, h, h == r.count ? r.summary : nullptr, r.encoded, r.from});
    if (h < r.count) {
      EncodedRun::Position from = r.from;
      const bool found_here = r.encoded && found.run == r.encoded;
      if (h > 0 && found_here && found.at.index >= r.from.index && found.at.index <= r.first + h) from = found.at;
      rest.packed.push_back({r.store, r.first + h, r.count - h, h == 0 ? r.summary : nullptr, r.encoded, from});
    }
    left -= h;
  }
}

// The time that cuts the streams' events so that about `target` of them
// (each thread's events before it) come first, found by bisecting the
// time range. Inside a run kept encoded the count is estimated from the
// run's first and last times: "about" is all a cut needs, and the index
// that then cuts each thread is exact (first_at).
std::uint64_t cutting_time(std::span<const EventStream> per_thread, std::size_t target) {
  // Each thread's first and last time: a thread wholly before a time
  // counts whole and one wholly after it counts nothing, without a search.
  // A program that starts a thread per task has tens of thousands, nearly
  // all on one side of any time (40,000 threads: 70 ms of searches).
  struct Span {
    const EventStream* stream;
    std::size_t size;
    std::uint64_t first, last;
  };
  std::vector<Span> spans;
  std::uint64_t lo = ~std::uint64_t{0}, hi = 0;
  for (const EventStream& s : per_thread) {
    const std::size_t n = stream_size(s);
    if (n == 0) continue;
    const auto at = [&s](std::size_t i) {
      if (i < s.size) return s.data[i].time_ns;
      i -= s.size;
      for (const PackedRun& r : s.packed) {
        if (i < r.count) return run_time(r, i);
        i -= r.count;
      }
      return std::uint64_t{0};
    };
    spans.push_back({&s, n, at(0), at(n - 1)});
    lo = std::min(lo, spans.back().first);
    hi = std::max(hi, spans.back().last);
  }
  if (lo >= hi) return hi;
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    std::size_t before = 0;
    for (const Span& span : spans) {
      if (span.last < mid) before += span.size;
      else if (span.first < mid) before += first_at(*span.stream, mid, true);
    }
    (before < target ? lo : hi) = mid;
  }
  return hi;
}

// One part of a merge in parts, and what its merge hands back.
struct Part {
  std::vector<EventStream> streams;  // by thread: its events in this part
  std::size_t size = 0;
  std::uint64_t cut = 0;             // its events are at this time or later (the first part: all before the next cut)
  PartStart start;                   // parts after the first
  bool skipped = false;              // a thread's clock went back across the cut: not merged
  EventStore out;
  std::vector<Event> lead, placed;
  std::vector<std::uint64_t> next_seq;
  std::uint64_t latest = 0;
  OrderStats stats;
  std::exception_ptr failed;
};

}  // namespace

EventStore merge_in_order(std::vector<std::vector<Event>>& per_thread, std::size_t object_count,
                                  OrderStats& stats, const MergeHints& hints) {
  std::vector<EventStream> streams;
  streams.reserve(per_thread.size());
  for (const std::vector<Event>& s : per_thread) streams.push_back({s.data(), s.size(), {}});
  return merge(streams, object_count, stats, hints, nullptr);
}

EventStore merge_streams(std::span<const EventStream> per_thread, std::size_t object_count,
                                 OrderStats& stats, const MergeHints& hints, const ConsumedFn& consumed) {
  return merge(per_thread, object_count, stats, hints, &consumed);
}

// Merges at once, each over the events between two times T(i) and
// T(i+1), joined end to end: the same order as one merge whenever, for
// each part after the first,
//  - every event of the part is at its T or later (the parts before it
//    are before T by construction), so that while those have an event
//    left, one of their events is ready and earlier than all of this
//    part's;
//  - each object's sequence numbers continue across the cut: the number
//    the merges before it expect next is the lowest the part holds, so no
//    event waits for one on the other side;
//  - no part needed a fallback (lost sequence numbers resolve by time over
//    the whole trace, not within a part).
// Each condition is checked; if one fails, the whole merge runs instead.
// Two workers take the parts in order, each the next one left, so that a
// part slower to merge than its size says (the events of a contended
// stretch go through the heap one by one) leaves no core idle for long:
// halves of a 10 M-event trace took 180 and 280 ms.
EventStore merge_streams_in_parts(std::span<const EventStream> per_thread, std::size_t object_count,
                                  OrderStats& stats, const MergeHints& hints, bool* in_parts, std::size_t parts) {
  if (in_parts) *in_parts = false;
  std::size_t total = 0;
  for (const EventStream& s : per_thread) total += stream_size(s);
  const auto whole = [&] {
    stats = {};
    return merge(per_thread, object_count, stats, hints, nullptr);
  };
  // The hook's events wait in a log until every part is done: it must say
  // which it wants, or it would be every event.
  if (total < 2 * EventStore::kBlock || (hints.placed && !hints.placed_wants)) return whole();
  // Fewer parts where each part's arrays by object (its next and lowest
  // sequence numbers, 16 bytes an object) would weigh more than its events.
  if (parts == 0)
    parts = std::clamp<std::size_t>(std::min(total / kEventsPerPart, total / std::max<std::size_t>(1, 4 * object_count)), 2,
                                    kMostParts);
  parts = std::min(parts, total / EventStore::kBlock);

  // Cut each thread's stream at each part's time, front to back.
  std::vector<Part> part(parts);
  std::vector<EventStream> rest(per_thread.begin(), per_thread.end());
  std::size_t placed_before = 0;
  for (std::size_t i = 0; i < parts; ++i) {
    if (i + 1 == parts) {
      part[i].streams = rest;
      part[i].size = total - placed_before;
    } else {
      part[i].streams.resize(per_thread.size());
      const std::uint64_t cut = cutting_time(per_thread, total * (i + 1) / parts);
      part[i + 1].cut = cut;
      for (std::size_t t = 0; t < per_thread.size(); ++t) {
        FoundIn found;
        const std::size_t at = first_at(rest[t], cut, false, &found);
        EventStream after;
        cut_stream(rest[t], at, part[i].streams[t], after, found);
        rest[t] = std::move(after);
        part[i].size += at;
      }
    }
    placed_before += part[i].size;
  }
  if (std::count_if(part.begin(), part.end(), [](const Part& p) { return p.size > 0; }) < 2) return whole();

  // The first `lead` events a part places go to its lead instead of its
  // store: the store then starts on a block's boundary, as the events
  // before it end on one once the lead is pushed after them.
  std::vector<std::size_t> lead(parts, 0);
  for (std::size_t i = 1, before = part[0].size; i < parts; before += part[i++].size)
    lead[i] = (EventStore::kBlock - before % EventStore::kBlock) % EventStore::kBlock;

  const auto merge_part = [&](std::size_t i) {
    Part& p = part[i];
    try {
      MergeHints part_hints = hints;
      if (i > 0) {
        p.start = part_start(p.streams, object_count);
        if (p.start.earliest < p.cut) {  // a thread's clock went back across the cut: not worth merging
          p.skipped = true;
          return;
        }
        part_hints.first_seq = &p.start.lowest;
      }
      PartIo io;
      io.lead = lead[i];
      io.lead_events = &p.lead;
      io.placed_log = &p.placed;
      io.final_next_seq = &p.next_seq;
      io.max_time = &p.latest;
      p.out = merge(p.streams, object_count, p.stats, part_hints, nullptr, io);
    } catch (...) {
      p.failed = std::current_exception();
    }
  };
  // The parts' stores are joined end to end as they finish in order, by
  // whichever worker finishes one, while the other still merges: joined
  // after both were done, their blocks' descriptions (176 bytes a block,
  // copied to the joined store's fresh pages) took 14 ms of a 10 M-event
  // trace's load with one core idle. One worker joins at a time (`joining`);
  // a part that failed or was skipped stops the joining, and the whole
  // merge runs below.
  EventStore out;
  std::mutex join_mutex;
  std::vector<char> finished(parts, 0);
  std::size_t joined = 0;
  bool joining = false, stopped = false;
  std::exception_ptr join_failed;
  const auto join_finished = [&](std::size_t i) {
    {
      const std::lock_guard<std::mutex> lock(join_mutex);
      finished[i] = 1;
      if (joining) return;  // the worker joining will join it too
      joining = true;
    }
    for (;;) {
      std::size_t k;
      {
        const std::lock_guard<std::mutex> lock(join_mutex);
        if (stopped || joined == parts || !finished[joined]) {
          joining = false;
          return;
        }
        k = joined;
      }
      Part& p = part[k];
      bool stop = p.failed || p.skipped;
      if (!stop) {
        try {
          if (k == 0) {
            out = std::move(p.out);
            // Room for every part's blocks at once: appended one part at a
            // time, the blocks' descriptions were copied to a new array for
            // each part, 3.5 times the whole array over eight parts.
            out.reserve(total);
          } else {
            for (const Event& e : p.lead) out.push_back(e);
            out.append(std::move(p.out));
          }
        } catch (...) {
          join_failed = std::current_exception();
          stop = true;
        }
      }
      const std::lock_guard<std::mutex> lock(join_mutex);
      if (stop) stopped = true;
      else ++joined;
    }
  };
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      merge_part(i);
      join_finished(i);
    }
  };
  {
    std::thread helper(work);
    work();
    helper.join();
  }
  for (const Part& p : part)
    if (p.failed) std::rethrow_exception(p.failed);
  if (join_failed) std::rethrow_exception(join_failed);

  // Joined, part by part: each object's next number after the parts so far.
  bool joins = std::none_of(part.begin(), part.end(), [](const Part& p) { return p.skipped || p.stats.fallbacks != 0; });
  std::vector<std::uint64_t> expected = part[0].next_seq;
  for (std::size_t i = 1; i < parts && joins; ++i) {
    joins = part[i - 1].latest < part[i].cut;
    for (std::size_t o = 0; o < object_count && joins; ++o) {
      // (An object no part before saw starts at its lowest number in one
      // merge, which is what the first part expects of it.)
      const std::uint64_t lowest = part[i].start.lowest[o];
      joins = lowest == kNoSeq || expected[o] == kNoSeq || expected[o] == lowest;
      if (part[i].next_seq[o] != kNoSeq) expected[o] = part[i].next_seq[o];
    }
  }
  if (!joins || joined != parts) return whole();

  out.seal();
  if (hints.placed)
    for (const Part& p : part)
      for (const Event& e : p.placed) (*hints.placed)(e);
  stats = {};
  if (in_parts) *in_parts = true;
  return out;
}

}  // namespace weft::format
