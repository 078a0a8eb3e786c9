#include "weft/analysis/happens_before.hpp"

namespace weft::analysis {

HappensBefore::HappensBefore(const format::Trace& trace)
    : last_sync_(trace.threads.size(), ~std::uint64_t{0}),
      slot_of_(trace.threads.size(), kNoSlot),
      thread_object_(trace.threads.size(), 0),
      ended_(trace.threads.size(), false) {
  for (std::uint32_t t = 0; t < thread_object_.size(); ++t) thread_object_[t] = trace.threads[t].object;
}

std::uint32_t HappensBefore::slot(std::uint32_t thread) {
  if (slot_of_[thread] != kNoSlot) return slot_of_[thread];
  std::uint32_t s;
  if (free_.empty()) {
    s = static_cast<std::uint32_t>(clocks_.size());
    clocks_.emplace_back();
    occupant_.push_back(kNoSlot);
    kept_.push_back(0);
  } else {
    s = free_.back();
    free_.pop_back();
  }
  // A slot's component counts on from its last thread's (0 for a new
  // slot), so that 0 means "never synchronized with".
  VectorClock& clock = clocks_[s];
  const std::uint32_t last = clock.get(s);
  clock.clear();
  clock.set(s, last + 1);
  occupant_[s] = thread;
  slot_of_[thread] = s;
  if (ended_[thread]) {
    // Events after its own end (a damaged or unusual trace): the thread
    // still knows what it knew when it ended, which its end released.
    ended_[thread] = false;
    if (const auto it = keyed_.find(SyncKey{thread_object_[thread], format::Channel::Finish, 0}); it != keyed_.end())
      clock.join(it->second);
  }
  return s;
}

void HappensBefore::free_slot(std::uint32_t s) {
  slot_of_[occupant_[s]] = kNoSlot;
  occupant_[s] = kNoSlot;
  free_.push_back(s);
}

void HappensBefore::forget(const Epoch& e) {
  if (--kept_[e.slot] == 0 && occupant_[e.slot] != kNoSlot && ended_[occupant_[e.slot]]) free_slot(e.slot);
}

void HappensBefore::step(std::uint64_t index, const format::Event& e) {
  const std::uint32_t t = e.thread;
  if (t >= slot_of_.size()) return;
  const std::optional<SyncAction> action = sync_action(e);
  const bool ends = format::meaning(e.kind).life == format::LifeOp::Ends && e.object == thread_object_[t];
  if (!action && !ends) return;
  const std::uint32_t s = slot(t);
  if (action) {
    const SyncKey& key = action->key;
    const bool lock = key.channel == format::Channel::Lock;
    if (lock && key.object >= locks_.size()) locks_.resize(key.object + 1);
    if (action->op == format::SyncOp::Releases) {
      (lock ? locks_[key.object] : keyed_[key]).join(clocks_[s]);  // publish, then tick
      tick(s);
    } else if (lock) {
      clocks_[s].join(locks_[key.object]);
    } else if (const auto it = keyed_.find(key); it != keyed_.end()) {
      clocks_[s].join(it->second);
      if (format::edge_source(key.channel) == format::EdgeSource::Consumed) keyed_.erase(it);
    }
    last_sync_[t] = index;
  }
  if (ends) {
    ended_[t] = true;
    if (kept_[s] == 0) free_slot(s);
  }
}

}  // namespace weft::analysis
