#include "weft/analysis/happens_before.hpp"

namespace weft::analysis {

HappensBefore::HappensBefore(const format::Trace& trace)
    : clocks_(trace.threads.size()), last_sync_(trace.threads.size(), ~std::uint64_t{0}) {
  // Every thread starts at 1, so that 0 means "never synchronized with".
  for (std::uint32_t t = 0; t < clocks_.size(); ++t) clocks_[t].set(t, 1);
}

void HappensBefore::release_into(std::uint32_t thread, VectorClock& into) {
  into.join(clocks_[thread]);
  tick(thread);
}

void HappensBefore::step(std::uint64_t index, const format::Event& e) {
  const std::uint32_t t = e.thread;
  if (t >= clocks_.size()) return;
  const std::optional<SyncAction> action = sync_action(e);
  if (!action) return;
  const SyncKey& key = action->key;
  const bool lock = key.channel == format::Channel::Lock;
  if (lock && key.object >= locks_.size()) locks_.resize(key.object + 1);
  if (action->op == format::SyncOp::Releases) {
    release_into(t, lock ? locks_[key.object] : keyed_[key]);
  } else if (lock) {
    acquire(t, locks_[key.object]);
  } else if (const auto it = keyed_.find(key); it != keyed_.end()) {
    acquire(t, it->second);
    if (format::edge_source(key.channel) == format::EdgeSource::Consumed) keyed_.erase(it);
  }
  last_sync_[t] = index;
}

}  // namespace weft::analysis
