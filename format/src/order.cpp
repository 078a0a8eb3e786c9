#include "weft/format/order.hpp"

#include <algorithm>
#include <queue>
#include <span>

#include <sys/mman.h>

#include "prefault.hpp"

namespace weft::format {
namespace {

constexpr std::uint32_t kNone = ~std::uint32_t{0};

struct Head {
  std::uint64_t time;
  std::uint32_t thread;
  bool operator>(const Head& o) const { return time != o.time ? time > o.time : thread > o.thread; }
};

// Commits the pages of a growing array a window at a time (see
// prefault.hpp for why at all): the whole array at once would count every
// page of it before the streams it is made from are given back.
class WindowedPrefault {
 public:
  explicit WindowedPrefault(const std::vector<Event>& v) : v_(v) {}
  void operator()(std::size_t filled) {
    if (filled < done_) return;
#ifdef MADV_POPULATE_WRITE
    constexpr std::uintptr_t kPage = 4096;
    const std::size_t upto = std::min(v_.capacity(), filled + kWindow);
    const auto base = reinterpret_cast<std::uintptr_t>(v_.data());
    const auto begin = (base + done_ * sizeof(Event) + kPage - 1) & ~(kPage - 1);
    const auto end = (base + upto * sizeof(Event)) & ~(kPage - 1);
    if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
    done_ = upto;
#else
    done_ = v_.capacity();
#endif
  }

 private:
  static constexpr std::size_t kWindow = std::size_t{1} << 16;  // events: 2.5 MB
  const std::vector<Event>& v_;
  std::size_t done_ = 0;
};

// How often the merge reports a thread's consumed events: a few MB apart.
constexpr std::size_t kConsumedStep = std::size_t{1} << 16;

std::vector<Event> merge(std::span<const EventStream> per_thread, std::size_t object_count, OrderStats& stats,
                         const MergeHints& hints, const ConsumedFn* consumed) {
  std::size_t total = 0;
  for (const auto& s : per_thread) total += s.size;

  // An object's order starts at its lowest recorded sequence number: events
  // lost before it (dropped, or never written) must not stall the merge.
  std::vector<std::uint64_t> next_seq(object_count, kNoSeq);
  if (hints.first_seq) {
    std::copy_n(hints.first_seq->begin(), std::min(object_count, hints.first_seq->size()), next_seq.begin());
  } else {
    for (const auto& s : per_thread)
      for (const Event& e : std::span<const Event>(s.data, s.size))
        if (e.seq != kNoSeq && e.object < object_count) next_seq[e.object] = std::min(next_seq[e.object], e.seq);
  }

  std::vector<std::size_t> cursor(per_thread.size(), 0);
  std::vector<std::size_t> report_at(per_thread.size(), kConsumedStep);
  // Threads whose next event waits for its turn on an object, by object.
  std::vector<std::vector<std::uint32_t>> parked(object_count);
  std::vector<std::uint32_t> parked_on(per_thread.size(), kNone);
  std::priority_queue<Head, std::vector<Head>, std::greater<>> ready;

  auto is_ready = [&](const Event& e) { return e.seq == kNoSeq || e.object >= object_count || e.seq == next_seq[e.object]; };
  auto offer = [&](std::uint32_t t) {  // queue thread t's next event, or park it
    if (cursor[t] == per_thread[t].size) return;
    const Event& e = per_thread[t].data[cursor[t]];
    if (is_ready(e)) {
      ready.push({e.time_ns, t});
    } else {
      parked[e.object].push_back(t);
      parked_on[t] = e.object;
    }
  };
  // An object's next sequence number came: the threads parked on it may go.
  auto release_parked = [&](std::uint32_t object) {
    auto& waiting = parked[object];
    for (std::size_t i = 0; i < waiting.size();) {
      const std::uint32_t w = waiting[i];
      if (is_ready(per_thread[w].data[cursor[w]])) {
        waiting[i] = waiting.back();
        waiting.pop_back();
        parked_on[w] = kNone;
        ready.push({per_thread[w].data[cursor[w]].time_ns, w});
      } else {
        ++i;
      }
    }
  };
  for (std::uint32_t t = 0; t < per_thread.size(); ++t) offer(t);

  std::vector<Event> out;
  out.reserve(total);
  WindowedPrefault window(out);
  if (!consumed) prefault_capacity(out);
  while (out.size() < total) {
    if (ready.empty()) {
      // Every next event waits for a sequence number that never comes (lost
      // events, or a damaged trace): release the earliest one by time.
      std::uint32_t best = kNone;
      for (std::uint32_t t = 0; t < per_thread.size(); ++t) {
        if (parked_on[t] == kNone) continue;
        if (best == kNone || per_thread[t].data[cursor[t]].time_ns < per_thread[best].data[cursor[best]].time_ns) best = t;
      }
      const Event& e = per_thread[best].data[cursor[best]];
      auto& waiting = parked[e.object];
      waiting.erase(std::find(waiting.begin(), waiting.end(), best));
      parked_on[best] = kNone;
      ready.push({e.time_ns, best});
      ++stats.fallbacks;
    }
    const std::uint32_t t = ready.top().thread;
    ready.pop();
    // Thread t keeps the lead while its next event is ready and still the
    // earliest: a run of it goes out without a trip through the heap.
    for (;;) {
      const Event e = per_thread[t].data[cursor[t]++];
      if (consumed) {
        window(out.size());
        if (cursor[t] >= report_at[t]) {
          (*consumed)(t, cursor[t]);
          report_at[t] = cursor[t] + kConsumedStep;
        }
      }
      out.push_back(e);
      if (hints.ticks) out.back().time_ns = (*hints.ticks)(e.time_ns);
      const bool sequenced = e.seq != kNoSeq && e.object < object_count;
      if (sequenced) {
        next_seq[e.object] = std::max(next_seq[e.object], e.seq + 1);
        release_parked(e.object);
      }
      if (cursor[t] == per_thread[t].size) break;
      const Event& next = per_thread[t].data[cursor[t]];
      if (!is_ready(next) || (!ready.empty() && Head{next.time_ns, t} > ready.top())) {
        offer(t);
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::vector<Event> merge_in_order(std::vector<std::vector<Event>>& per_thread, std::size_t object_count,
                                  OrderStats& stats, const MergeHints& hints) {
  std::vector<EventStream> streams;
  streams.reserve(per_thread.size());
  for (const std::vector<Event>& s : per_thread) streams.push_back({s.data(), s.size()});
  return merge(streams, object_count, stats, hints, nullptr);
}

std::vector<Event> merge_streams(std::span<const EventStream> per_thread, std::size_t object_count,
                                 OrderStats& stats, const MergeHints& hints, const ConsumedFn& consumed) {
  return merge(per_thread, object_count, stats, hints, &consumed);
}

}  // namespace weft::format
