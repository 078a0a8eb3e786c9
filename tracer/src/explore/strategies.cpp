#include "strategies.hpp"

#include <algorithm>

namespace weft::detail::explore {
namespace {

class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint32_t choose(const std::vector<std::uint32_t>& enabled, std::uint32_t) override {
    return enabled[rng_.below(enabled.size())];
  }

 private:
  SplitMix64 rng_;
};

class PctChooser final : public Chooser {
 public:
  PctChooser(std::uint64_t seed, std::uint32_t depth, std::uint64_t horizon) : rng_(seed), depth_(depth) {
    for (std::uint32_t i = 1; i < depth; ++i) change_steps_.push_back(1 + rng_.below(horizon));
    std::sort(change_steps_.begin(), change_steps_.end());
  }
  void thread_added(std::uint32_t id) override {
    if (priority_.size() <= id) priority_.resize(id + 1, 0);
    // Above every lowered priority (1 .. d-1); distinct with overwhelming odds.
    priority_[id] = depth_ + 1 + (rng_.next() >> 8);
  }
  void at_step(std::uint64_t step, std::uint32_t running) override {
    while (next_change_ < change_steps_.size() && change_steps_[next_change_] <= step) {
      if (running < priority_.size()) priority_[running] = next_change_ + 1;
      ++next_change_;
    }
  }
  std::uint32_t choose(const std::vector<std::uint32_t>& enabled, std::uint32_t) override {
    std::uint32_t best = enabled.front();
    for (std::uint32_t t : enabled)
      if (prio(t) > prio(best)) best = t;
    return best;
  }

 private:
  std::uint64_t prio(std::uint32_t t) const { return t < priority_.size() ? priority_[t] : 0; }

  SplitMix64 rng_;
  const std::uint32_t depth_;
  std::vector<std::uint64_t> priority_;  // by thread id
  std::vector<std::uint64_t> change_steps_;
  std::size_t next_change_ = 0;
};

// dfs and replay: the forced decisions first.
class ForcedChooser final : public Chooser {
 public:
  ForcedChooser(std::vector<std::uint32_t> forced, bool strict) : forced_(std::move(forced)), strict_(strict) {}
  std::uint32_t choose(const std::vector<std::uint32_t>& enabled, std::uint32_t running) override {
    if (next_ < forced_.size()) {
      const std::uint32_t want = forced_[next_++];
      return std::binary_search(enabled.begin(), enabled.end(), want) ? want : kDiverged;
    }
    if (strict_) return kDiverged;
    // No preemption: the running thread goes on while it can.
    return std::binary_search(enabled.begin(), enabled.end(), running) ? running : enabled.front();
  }

 private:
  std::vector<std::uint32_t> forced_;
  std::size_t next_ = 0;
  const bool strict_;
};

}  // namespace

std::unique_ptr<Chooser> make_chooser(const Settings& s) {
  switch (s.strategy) {
    case Strategy::random: return std::make_unique<RandomChooser>(s.seed);
    case Strategy::pct: return std::make_unique<PctChooser>(s.seed, s.depth, s.horizon);
    case Strategy::dfs: return std::make_unique<ForcedChooser>(s.forced, false);
    case Strategy::replay: return std::make_unique<ForcedChooser>(s.forced, true);
  }
  return nullptr;
}

}  // namespace weft::detail::explore
