#include "lock_tracker.hpp"

#include <algorithm>

#include "weft/format/prefault.hpp"

namespace weft::analysis::detail {

using format::HoldOp;

LockTracker::LockTracker(const format::Trace& trace)
    : trace_(trace), slot_of_(trace.objects.size(), kNotALock), held_(trace.threads.size()) {
  // Sized once: a trace of millions of locks grew it by copying, page by
  // page into fresh memory.
  format::reserve_prefaulted(slots_, trace.lock_count());
  for (std::size_t o = 1; o < trace.objects.size(); ++o)
    if (format::object_meaning(trace.objects[o].kind).lock) {
      slot_of_[o] = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back().readers_kept = trace.objects[o].kind == format::ObjectKind::SharedMutex;
    }
}

LockTracker::LockTracker(const format::Trace& trace, ObjectState& record, SeriesBuilder& series) : LockTracker(trace) {
  record_ = &record;
  series_ = &series;
  last_end_ns_.assign(trace.objects.size(), 0);
  condition_wait_.assign(trace.threads.size(), kNoEvent);
  resuming_.resize(trace.threads.size());
}

void LockTracker::take(std::uint64_t index, const format::Event& e, bool shared) {
  LockSlot& slot = slots_[slot_of_[e.object]];
  const std::uint32_t depth = std::max<std::uint32_t>(static_cast<std::uint32_t>(e.arg), 1);
  // A re-entry extends the hold it is in.
  if (!shared && slot.held && slot.exclusive.thread == e.thread) {
    slot.exclusive.depth = depth;
    return;
  }
  if (shared)
    for (Holder& h : shared_holders(slot))
      if (h.thread == e.thread) {
        ++h.depth;
        return;
      }
  // Whoever else holds it in a way this acquisition excludes never recorded
  // a release: those holds are lost here.
  if (slot.held) {
    anomaly(index, e, AnomalyKind::HoldLost);
    close(e.object, slot.exclusive, index, e, HoldEnd::Lost);
  }
  while (!shared && !shared_holders(slot).empty()) {
    anomaly(index, e, AnomalyKind::HoldLost);
    close(e.object, shared_holders(slot).back(), index, e, HoldEnd::Lost);
  }
  open(index, e, shared, shared ? 1 : depth);
}

void LockTracker::drop(std::uint64_t index, const format::Event& e, bool shared) {
  LockSlot& slot = slots_[slot_of_[e.object]];
  // A shared hold is dropped by its own holder (the runtime refuses any
  // other); an exclusive one by whoever releases the lock.
  Holder* h = shared ? nullptr : slot.held ? &slot.exclusive : nullptr;
  if (shared)
    for (Holder& x : shared_holders(slot))
      if (x.thread == e.thread) h = &x;
  if (!h) {
    anomaly(index, e, AnomalyKind::ReleaseUnheld);
    return;
  }
  const bool own = h->thread == e.thread;
  if (own && (shared ? --h->depth > 0 : e.arg > 0)) {
    if (!shared) h->depth = static_cast<std::uint32_t>(e.arg);
    return;
  }
  close(e.object, *h, index, e, own ? HoldEnd::Released : HoldEnd::ReleasedByOther);
}

void LockTracker::open(std::uint64_t index, const format::Event& e, bool shared, std::uint32_t depth) {
  LockSlot& slot = slots_[slot_of_[e.object]];
  if (shared && slot.shared_list == kNoList) {
    slot.shared_list = static_cast<std::uint32_t>(shared_lists_.size());
    shared_lists_.emplace_back();
  }
  Holder& h = shared ? shared_lists_[slot.shared_list].emplace_back() : slot.exclusive;
  slot.held = slot.held || !shared;
  start_hold(h, held_[e.thread], index, e, shared, depth);
  if (!record_) return;
  h.hold = record_->holds.size();
  // Re-taken inside a condition wait: the hold resumes when the wait returns.
  if ((e.flags & format::kFlagCondition) && condition_wait_[e.thread] != kNoEvent)
    resuming_[e.thread].push_back(h.hold);
  // Filled in where it is kept (see HoldStore::emplace_back).
  Hold& hold = record_->holds.emplace_back();
  hold.first = index;
  hold.lock = e.object;
  hold.thread = e.thread;
  hold.shared = shared;
  hold.begin_ns = shared ? e.time_ns : std::max(e.time_ns, last_end_ns_[e.object]);
  hold.end_ns = hold.begin_ns;
}

void LockTracker::close(std::uint32_t lock, const Holder& holder, std::uint64_t index, const format::Event& e,
                        HoldEnd how) {
  // `holder` lives in the slot this erases it from: keep what is needed.
  const std::uint32_t thread = holder.thread;
  const bool shared = holder.shared;
  const std::size_t k = holder.hold;
  LockSlot& slot = slots_[slot_of_[lock]];
  if (shared)
    std::erase_if(shared_lists_[slot.shared_list], [&](const Holder& x) { return x.thread == thread; });
  else
    slot.held = false;
  // Usually the innermost lock: search from the end.
  std::vector<HeldLock>& mine = held_[thread];
  for (auto it = mine.end(); it != mine.begin();)
    if (--it; it->lock == lock && it->shared == shared) {
      mine.erase(it);
      break;
    }
  if (!record_) return;
  // Released inside a condition wait: the hold ends when the wait began.
  std::uint64_t end_ns = e.time_ns;
  if ((e.flags & format::kFlagCondition) && e.thread < condition_wait_.size() && condition_wait_[e.thread] != kNoEvent)
    end_ns = trace_.events.time_ns(condition_wait_[e.thread]);
  // Holds are packed: usually the one ended is among the latest, not yet in
  // a block, and this is a plain write.
  record_->holds.modify(k, [&](Hold& hold) {
    hold.last = index;
    hold.end = how;
    hold.end_ns = std::max(end_ns, hold.begin_ns);
    if (!hold.shared) last_end_ns_[lock] = hold.end_ns;
  });
  if (!resuming_.empty()) std::erase(resuming_[thread], k);
}

void LockTracker::note_condition_wait(std::uint64_t index, const format::Event& e) {
  const format::WaitRole& role = format::meaning(e.kind).wait;
  if (role.op == format::WaitOp::Begins && format::applies(role.when, e)) {
    condition_wait_[e.thread] = index;
  } else if (role.op == format::WaitOp::Ends) {
    for (const std::size_t k : resuming_[e.thread]) {
      record_->holds.modify(k, [&](Hold& hold) {
        hold.begin_ns = std::max(hold.begin_ns, e.time_ns);
        hold.end_ns = std::max(hold.end_ns, hold.begin_ns);
      });
    }
    resuming_[e.thread].clear();
    condition_wait_[e.thread] = kNoEvent;
  }
}

void LockTracker::anomaly(std::uint64_t index, const format::Event& e, AnomalyKind kind) {
  if (record_) record_->anomalies.push_back({index, e.object, e.thread, kind});
}

void LockTracker::add_to_series(LockSlot& slot, std::uint64_t index, const format::Event& e, std::uint32_t depth) {
  if (depth > 1 || slot.depth_kept) {
    slot.depth_kept = true;
    series_->set(e.object, SeriesKind::LockDepth, index, e.time_ns, depth, 1);
  }
  if (slot.readers_kept) {
    const std::span<const Holder> hs = holders_of(slot);
    const auto readers = std::count_if(hs.begin(), hs.end(), [](const Holder& h) { return h.shared; });
    series_->set(e.object, SeriesKind::LockReaders, index, e.time_ns, readers);
  }
}

void LockTracker::finish(std::uint64_t end_ns) {
  if (!record_) return;
  for (const LockSlot& slot : slots_)
    for (const Holder& h : holders_of(slot)) {
      record_->holds.modify(h.hold, [&](Hold& hold) {
        hold.end = HoldEnd::Open;
        hold.end_ns = std::max(end_ns, hold.begin_ns);
      });
    }
}

}  // namespace weft::analysis::detail
