#include "weft/analysis/causality.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <utility>

#include "wait_tracker.hpp"
#include "weft/analysis/sync_key.hpp"

namespace weft::analysis {

std::string_view causal_kind_name(CausalKind k) {
  switch (k) {
    case CausalKind::Unlock: return "unlock";
    case CausalKind::Notify: return "notify";
    case CausalKind::SemRelease: return "release";
    case CausalKind::Barrier: return "barrier";
    case CausalKind::EventSet: return "set";
    case CausalKind::QueueItem: return "item";
    case CausalKind::TaskDone: return "task_done";
    case CausalKind::ThreadStart: return "start";
    case CausalKind::ThreadJoin: return "join";
    case CausalKind::TaskSubmit: return "submit";
    case CausalKind::TaskResult: return "result";
    case CausalKind::TimerFire: return "fire";
  }
  return "?";
}

namespace {

// What an edge is called: its channel, and for the start and finish
// channels what started or finished (a thread, a task, a timer).
CausalKind causal_kind(format::Channel channel, format::ObjectKind object) {
  using format::Channel;
  using format::ObjectKind;
  switch (channel) {
    case Channel::Lock: return CausalKind::Unlock;
    case Channel::Notify: return CausalKind::Notify;
    case Channel::Permit: return CausalKind::SemRelease;
    case Channel::Arrival: return CausalKind::Barrier;
    case Channel::Set: return CausalKind::EventSet;
    case Channel::Item: return CausalKind::QueueItem;
    case Channel::TaskDone: return CausalKind::TaskDone;
    case Channel::Start:
      return object == ObjectKind::Future ? CausalKind::TaskSubmit
             : object == ObjectKind::Timer ? CausalKind::TimerFire
                                           : CausalKind::ThreadStart;
    case Channel::Finish: return object == ObjectKind::Thread ? CausalKind::ThreadJoin : CausalKind::TaskResult;
  }
  return CausalKind::Unlock;
}

// One pass in trace order over the meaning table's sync column: each
// release is remembered on its key, each acquire linked to the release its
// channel's rule names (format::edge_source).
class EdgeFinder {
 public:
  explicit EdgeFinder(const format::Trace& trace)
      : trace_(trace), waits_(trace, nullptr, detail::WaitTracker::Keep::Open) {}

  CausalEdges run() {
    const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
      step(i, e);
      waits_.step(i, e);
    };
    trace_.events.for_each(0, trace_.events.size(), visit);
    // Each event links to at most one release, when it is stepped: the
    // edges come out in the order of `to` already, as unblocker() needs
    // them. Checking costs one pass; sorting what was sorted cost a tenth
    // of the walk.
    if (!std::is_sorted(edges_.begin(), edges_.end(), before_by_to))
      std::sort(edges_.begin(), edges_.end(), before_by_to);
    return std::move(edges_);
  }

 private:
  // A release an acquisition may link to: the event, and its thread, kept
  // so that telling a thread's own release (no edge) needs no look-up.
  struct Release {
    std::uint64_t event = kNoRelease;
    std::uint32_t thread = 0;
  };
  // Permits are taken first in, first out: the initial permits (the
  // object's `extra`) came first and give no edge, then each release's, as
  // many as it added (release(n) raises the value by n).
  struct Permits {
    std::uint64_t value = 0;         // the semaphore's value after its last event
    std::uint64_t initial_left = 0;  // initial permits not yet taken
    std::deque<std::pair<Release, std::uint64_t>> released;  // (release, permits left of it)
  };

  // Inline: every event of the trace passes here.
  __attribute__((always_inline)) void step(std::uint64_t i, const format::Event& e) {
    const std::optional<SyncAction> action = sync_action(e);
    if (!action) return;
    const SyncKey& key = action->key;
    const format::EdgeSource source = format::edge_source(key.channel);
    if (source == format::EdgeSource::Permit) return permit(i, e, action->op);
    if (Release* slot = flat_slot(key)) {
      if (action->op == format::SyncOp::Releases) {
        if (source != format::EdgeSource::First || slot->event == kNoRelease) *slot = {i, e.thread};
        return;
      }
      if (slot->event == kNoRelease) return;
      const Release from = *slot;
      if (source == format::EdgeSource::Consumed) slot->event = kNoRelease;
      return link(from, i, e, causal_kind(key.channel, trace_.objects[key.object].kind));
    }
    if (action->op == format::SyncOp::Releases) {
      if (source == format::EdgeSource::First)
        released_.emplace(key, Release{i, e.thread});
      else
        released_[key] = {i, e.thread};
      return;
    }
    const auto it = released_.find(key);
    if (it == released_.end()) return;
    const format::ObjectKind object =
        key.object < trace_.objects.size() ? trace_.objects[key.object].kind : format::ObjectKind{};
    link(it->second, i, e, causal_kind(key.channel, object));
    if (source == format::EdgeSource::Consumed) released_.erase(it);
  }

  // A lock's key keeps its last unlock in a flat array by object: every
  // unlock and lock of a contended trace looks here, and a hash lookup cost
  // a fifth of the walk. 16 bytes an object, where a hashed release takes
  // about 60 for every lock that was let go: a trace of two million locks
  // spent half its edges' time hashing. Other keys, and every key of a
  // trace of more than 2^26 objects (a gigabyte of array), are hashed.
  Release* flat_slot(const SyncKey& key) {
    if (key.channel != format::Channel::Lock || key.sub != 0 || key.object >= trace_.objects.size() ||
        trace_.objects.size() > kFlatObjects)
      return nullptr;
    if (unlocks_.empty()) unlocks_.assign(trace_.objects.size(), Release{});
    return &unlocks_[key.object];
  }

  void permit(std::uint64_t i, const format::Event& e, format::SyncOp op) {
    const auto [it, fresh] = permits_.try_emplace(e.object);
    Permits& p = it->second;
    if (fresh && e.object < trace_.objects.size()) p.value = p.initial_left = trace_.objects[e.object].extra;
    if (op == format::SyncOp::Releases) {
      const std::uint64_t added = e.arg > p.value ? e.arg - p.value : 1;
      p.released.emplace_back(Release{i, e.thread}, added);
    } else if (p.initial_left > 0) {
      --p.initial_left;
    } else if (!p.released.empty()) {
      link(p.released.front().first, i, e, CausalKind::SemRelease);
      if (--p.released.front().second == 0) p.released.pop_front();
    }
    p.value = e.arg;
  }

  // `b` is event `to`, the one being stepped. Most acquisitions of a busy
  // lock follow their own thread's release: no edge.
  void link(const Release& release, std::uint64_t to, const format::Event& b, CausalKind kind) {
    if (release.thread == b.thread) return;
    const std::uint64_t from = release.event;
    // The released side was blocked if it was in a wait (of the model's)
    // that began before the releasing event: the event ends that wait, or
    // comes inside it (a condition wait takes its mutex back before it
    // returns). Or its own event says it had to wait.
    const Wait* w = waits_.open(b.thread);
    const bool unblocked = (w && w->begin < from) || (b.flags & format::kFlagContended);
    edges_.push_back({from, to, kind, unblocked});
  }

  const format::Trace& trace_;
  detail::WaitTracker waits_;  // stepped after each event: what each thread waits in before it
  CausalEdges edges_;
  static constexpr std::uint64_t kNoRelease = ~std::uint64_t{0};
  static constexpr std::size_t kFlatObjects = std::size_t{1} << 26;
  std::vector<Release> unlocks_;  // by object: see flat_slot
  std::unordered_map<SyncKey, Release, SyncKeyHash> released_;
  std::unordered_map<std::uint32_t, Permits> permits_;
};

}  // namespace

CausalEdges causal_edges(const format::Trace& trace) { return EdgeFinder(trace).run(); }

std::optional<CausalEdge> unblocker(std::span<const CausalEdge> edges, std::uint64_t to) {
  auto it =
      std::lower_bound(edges.begin(), edges.end(), to, [](const CausalEdge& e, std::uint64_t v) { return e.to < v; });
  for (; it != edges.end() && it->to == to; ++it)
    if (it->unblocked) return *it;
  return std::nullopt;
}

}  // namespace weft::analysis
