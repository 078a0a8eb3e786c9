#include "weft/format/order.hpp"

#include <algorithm>
#include <memory>
#include <queue>
#include <span>


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

// Reads one thread's stream front to back: the unpacked array in place,
// each packed store a block at a time into a buffer of its own.
class Cursor {
 public:
  explicit Cursor(const EventStream& s) : s_(&s), at_(s.data), end_(s.data + s.size) {
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
        if (next_ < run.count) {
          // Up to the end of the store's block, so that each decode reads one block.
          const std::size_t at = run.first + next_;
          const std::size_t n = std::min(EventStore::kBlock - at % EventStore::kBlock, run.count - next_);
          run.store->decode(at, n, buffer_);
          next_ += n;
          at_ = buffer_;
          end_ = buffer_ + n;
          return;
        }
      }
      if (part_ == s_->packed.size()) break;
      ++part_;
      next_ = 0;
    }
    at_ = end_ = buffer_;
  }

  const EventStream* s_;
  const Event* at_;
  const Event* end_;
  std::size_t part_ = 0;  // 1 + the packed run being read; 0: the array
  std::size_t next_ = 0;  // its next event to decode, counted from the run's first
  std::size_t consumed_ = 0;
  Event buffer_[EventStore::kBlock];
};

EventStore merge(std::span<const EventStream> per_thread, std::size_t object_count, OrderStats& stats,
                 const MergeHints& hints, const ConsumedFn* consumed) {
  std::size_t total = 0;
  for (const auto& s : per_thread) {
    total += s.size;
    for (const PackedRun& p : s.packed) total += p.count;
  }

  // An object's order starts at its lowest recorded sequence number: events
  // lost before it (dropped, or never written) must not stall the merge.
  std::vector<std::uint64_t> next_seq(object_count, kNoSeq);
  const auto lowest = [&](const Event& e) {
    if (e.seq != kNoSeq && e.object < object_count) next_seq[e.object] = std::min(next_seq[e.object], e.seq);
  };
  if (hints.first_seq) {
    std::copy_n(hints.first_seq->begin(), std::min(object_count, hints.first_seq->size()), next_seq.begin());
  } else {
    for (const auto& s : per_thread) {
      for (const Event& e : std::span<const Event>(s.data, s.size)) lowest(e);
      for (const PackedRun& p : s.packed)
        for (std::size_t i = p.first; i < p.first + p.count; ++i) lowest((*p.store)[i]);
    }
  }

  // Each stream's cursor holds a block of its own: kept on the heap, one each.
  std::vector<std::unique_ptr<Cursor>> cursor;
  cursor.reserve(per_thread.size());
  for (const EventStream& s : per_thread) cursor.push_back(std::make_unique<Cursor>(s));
  std::vector<std::size_t> report_at(per_thread.size(), kConsumedStep);
  // Threads whose next event waits for its turn on an object, by object,
  // with the sequence number each waits for: releasing them reads these,
  // not the threads' cursors (a lock's waiters are looked at on each of
  // its events).
  struct Parked {
    std::uint64_t seq;
    std::uint32_t thread;
  };
  std::vector<std::vector<Parked>> parked(object_count);
  std::vector<std::uint32_t> parked_on(per_thread.size(), kNone);
  std::priority_queue<Head, std::vector<Head>, std::greater<>> ready;

  auto is_ready = [&](const Event& e) { return e.seq == kNoSeq || e.object >= object_count || e.seq == next_seq[e.object]; };
  auto offer = [&](std::uint32_t t) {  // queue thread t's next event, or park it
    if (cursor[t]->done()) return;
    const Event& e = cursor[t]->head();
    if (is_ready(e)) {
      ready.push({e.time_ns, t});
    } else {
      parked[e.object].push_back({e.seq, t});
      parked_on[t] = e.object;
    }
  };
  // An object's next sequence number came: the threads parked on it may go.
  auto release_parked = [&](std::uint32_t object) {
    auto& waiting = parked[object];
    for (std::size_t i = 0; i < waiting.size();) {
      const std::uint32_t w = waiting[i].thread;
      if (waiting[i].seq == next_seq[object]) {
        waiting[i] = waiting.back();
        waiting.pop_back();
        parked_on[w] = kNone;
        ready.push({cursor[w]->head().time_ns, w});
      } else {
        ++i;
      }
    }
  };
  for (std::uint32_t t = 0; t < per_thread.size(); ++t) offer(t);

  EventStore out;
  out.reserve(total);
  std::size_t placed = 0;
  while (placed < total) {
    if (ready.empty()) {
      // Every next event waits for a sequence number that never comes (lost
      // events, or a damaged trace): release the earliest one by time.
      std::uint32_t best = kNone;
      for (std::uint32_t t = 0; t < per_thread.size(); ++t) {
        if (parked_on[t] == kNone) continue;
        if (best == kNone || cursor[t]->head().time_ns < cursor[best]->head().time_ns) best = t;
      }
      const Event& e = cursor[best]->head();
      auto& waiting = parked[e.object];
      waiting.erase(std::find_if(waiting.begin(), waiting.end(), [&](const Parked& p) { return p.thread == best; }));
      parked_on[best] = kNone;
      ready.push({e.time_ns, best});
      ++stats.fallbacks;
    }
    const std::uint32_t t = ready.top().thread;
    ready.pop();
    Cursor& c = *cursor[t];
    // Thread t keeps the lead while its next event is ready and still the
    // earliest: a run of it goes out without a trip through the heap.
    for (;;) {
      Event e = c.head();
      const bool run_done = c.advance();
      if (consumed && (run_done || c.consumed() >= report_at[t])) {
        (*consumed)(t, c.consumed());
        report_at[t] = c.consumed() + kConsumedStep;
      }
      const bool sequenced = e.seq != kNoSeq && e.object < object_count;
      if (sequenced) next_seq[e.object] = std::max(next_seq[e.object], e.seq + 1);
      if (hints.ticks) e.time_ns = (*hints.ticks)(e.time_ns);
      out.push_back(e);
      if (hints.placed) (*hints.placed)(e);
      ++placed;
      if (sequenced) release_parked(e.object);
      if (c.done()) break;
      const Event& next = c.head();
      if (!is_ready(next) || (!ready.empty() && Head{next.time_ns, t} > ready.top())) {
        offer(t);
        break;
      }
    }
  }
  out.seal();
  return out;
}

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

}  // namespace weft::format
