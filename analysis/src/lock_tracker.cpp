#include "lock_tracker.hpp"

#include <algorithm>

namespace weft::analysis::detail {

using format::HoldOp;

LockTracker::LockTracker(const format::Trace& trace)
    : trace_(trace), lock_(trace.objects.size()), holders_(trace.objects.size()),
      held_(trace.threads.size()) {
  for (std::size_t o = 1; o < trace.objects.size(); ++o) lock_[o] = format::object_meaning(trace.objects[o].kind).lock;
}

LockTracker::LockTracker(const format::Trace& trace, ObjectState& record, SeriesBuilder& series) : LockTracker(trace) {
  record_ = &record;
  series_ = &series;
  last_end_ns_.assign(trace.objects.size(), 0);
  deep_.assign(trace.objects.size(), false);
  condition_wait_.assign(trace.threads.size(), kNoEvent);
  resuming_.resize(trace.threads.size());
}

const Holder* LockTracker::holder(std::uint32_t lock, std::uint32_t thread) const {
  for (const Holder& h : holders(lock))
    if (h.thread == thread) return &h;
  return nullptr;
}

void LockTracker::step(std::uint64_t index) {
  const format::Event& e = trace_.events[index];
  if (e.thread >= held_.size()) return;
  const format::Meaning& m = format::meaning(e.kind);
  if (record_ && m.wait.cause == format::WaitCause::Condition) note_condition_wait(index, e);
  // A refused operation (no sequence number) changed no hold.
  if (m.hold == HoldOp::None || e.seq == format::kNoSeq || !is_lock(e.object)) return;
  switch (m.hold) {
    case HoldOp::Takes: take(index, e, false); break;
    case HoldOp::TakesShared: take(index, e, true); break;
    case HoldOp::Drops: drop(index, e, false); break;
    case HoldOp::DropsShared: drop(index, e, true); break;
    case HoldOp::None: break;
  }
  if (series_) record_series(index, e);
}

void LockTracker::take(std::uint64_t index, const format::Event& e, bool shared) {
  std::vector<Holder>& hs = holders_[e.object];
  for (Holder& h : hs)
    if (h.thread == e.thread && h.shared == shared) {  // a re-entry extends the hold it is in
      h.depth = shared ? h.depth + 1 : std::max<std::uint32_t>(static_cast<std::uint32_t>(e.arg), 1);
      return;
    }
  // Whoever else holds it in a way this acquisition excludes never recorded
  // a release: those holds are lost here.
  for (std::size_t k = hs.size(); k-- > 0;)
    if (!shared || !hs[k].shared) {
      anomaly(index, e, AnomalyKind::HoldLost);
      close(e.object, k, index, e, HoldEnd::Lost);
    }
  open(index, e, shared, shared ? 1 : std::max<std::uint32_t>(static_cast<std::uint32_t>(e.arg), 1));
}

void LockTracker::drop(std::uint64_t index, const format::Event& e, bool shared) {
  std::vector<Holder>& hs = holders_[e.object];
  // A shared hold is dropped by its own holder (the runtime refuses any
  // other); an exclusive one by whoever releases the lock.
  const auto it = std::find_if(hs.begin(), hs.end(), [&](const Holder& h) {
    return h.shared == shared && (!shared || h.thread == e.thread);
  });
  if (it == hs.end()) {
    anomaly(index, e, AnomalyKind::ReleaseUnheld);
    return;
  }
  const bool own = it->thread == e.thread;
  if (own && (shared ? --it->depth > 0 : e.arg > 0)) {
    if (!shared) it->depth = static_cast<std::uint32_t>(e.arg);
    return;
  }
  close(e.object, static_cast<std::size_t>(it - hs.begin()), index, e, own ? HoldEnd::Released : HoldEnd::ReleasedByOther);
}

void LockTracker::open(std::uint64_t index, const format::Event& e, bool shared, std::uint32_t depth) {
  Holder h{e.thread, depth, shared, index, 0};
  if (record_) {
    Hold hold;
    hold.first = index;
    hold.lock = e.object;
    hold.thread = e.thread;
    hold.shared = shared;
    hold.begin_ns = shared ? e.time_ns : std::max(e.time_ns, last_end_ns_[e.object]);
    hold.end_ns = hold.begin_ns;
    h.hold = record_->holds.size();
    // Re-taken inside a condition wait: the hold resumes when the wait returns.
    if ((e.flags & format::kFlagCondition) && condition_wait_[e.thread] != kNoEvent)
      resuming_[e.thread].push_back(h.hold);
    record_->holds.push_back(hold);
  }
  holders_[e.object].push_back(h);
  held_[e.thread].push_back({e.object, e.site, shared});
}

void LockTracker::close(std::uint32_t lock, std::size_t position, std::uint64_t index, const format::Event& e,
                        HoldEnd how) {
  std::vector<Holder>& hs = holders_[lock];
  const Holder h = hs[position];
  hs.erase(hs.begin() + static_cast<std::ptrdiff_t>(position));
  std::vector<HeldLock>& mine = held_[h.thread];
  const auto it = std::find_if(mine.begin(), mine.end(),
                               [&](const HeldLock& x) { return x.lock == lock && x.shared == h.shared; });
  if (it != mine.end()) mine.erase(it);
  if (!record_) return;
  Hold& hold = record_->holds[h.hold];
  hold.last = index;
  hold.end = how;
  // Released inside a condition wait: the hold ends when the wait began.
  std::uint64_t end_ns = e.time_ns;
  if ((e.flags & format::kFlagCondition) && e.thread < condition_wait_.size() && condition_wait_[e.thread] != kNoEvent)
    end_ns = trace_.events[condition_wait_[e.thread]].time_ns;
  hold.end_ns = std::max(end_ns, hold.begin_ns);
  if (!hold.shared) last_end_ns_[lock] = hold.end_ns;
  if (!resuming_.empty()) std::erase(resuming_[h.thread], h.hold);
}

void LockTracker::note_condition_wait(std::uint64_t index, const format::Event& e) {
  const format::WaitRole& role = format::meaning(e.kind).wait;
  if (role.op == format::WaitOp::Begins && format::applies(role.when, e)) {
    condition_wait_[e.thread] = index;
  } else if (role.op == format::WaitOp::Ends) {
    for (const std::size_t k : resuming_[e.thread]) {
      Hold& hold = record_->holds[k];
      hold.begin_ns = std::max(hold.begin_ns, e.time_ns);
      hold.end_ns = std::max(hold.end_ns, hold.begin_ns);
    }
    resuming_[e.thread].clear();
    condition_wait_[e.thread] = kNoEvent;
  }
}

void LockTracker::anomaly(std::uint64_t index, const format::Event& e, AnomalyKind kind) {
  if (record_) record_->anomalies.push_back({index, e.object, e.thread, kind});
}

void LockTracker::record_series(std::uint64_t index, const format::Event& e) {
  const std::span<const Holder> hs = holders(e.object);
  // A lock's depth is kept from its first re-entry on: until then a held
  // lock is at depth 1, and most locks are never re-entered.
  const std::int64_t depth = hs.empty() || hs.front().shared ? 0 : hs.front().depth;
  if (depth > 1 || deep_[e.object]) {
    deep_[e.object] = true;
    series_->set(e.object, SeriesKind::LockDepth, index, e.time_ns, depth, 1);
  }
  if (trace_.objects[e.object].kind == format::ObjectKind::SharedMutex) {
    const auto readers = std::count_if(hs.begin(), hs.end(), [](const Holder& h) { return h.shared; });
    series_->set(e.object, SeriesKind::LockReaders, index, e.time_ns, readers);
  }
}

void LockTracker::finish(std::uint64_t end_ns) {
  if (!record_) return;
  for (const std::vector<Holder>& hs : holders_)
    for (const Holder& h : hs) {
      Hold& hold = record_->holds[h.hold];
      hold.end = HoldEnd::Open;
      hold.end_ns = std::max(end_ns, hold.begin_ns);
    }
}

}  // namespace weft::analysis::detail
