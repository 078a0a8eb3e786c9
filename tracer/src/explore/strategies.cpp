#include "strategies.hpp"

#include <algorithm>
#include <utility>

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
  PctChooser(std::uint64_t seed, std::uint32_t depth, std::uint64_t horizon)
      : rng_(seed), depth_(depth), fair_after_(std::max(kUnfairSteps, 2 * horizon)) {
    for (std::uint32_t i = 1; i < depth; ++i) change_steps_.push_back(1 + rng_.below(horizon));
    std::sort(change_steps_.begin(), change_steps_.end());
  }
  void thread_added(std::uint32_t id) override {
    if (priority_.size() <= id) priority_.resize(id + 1, 0);
    // Above every lowered priority (1 .. d-1); distinct with overwhelming odds.
    priority_[id] = static_cast<std::int64_t>(depth_ + 1 + (rng_.next() >> 8));
  }
  void at_step(std::uint64_t step, std::uint32_t running) override {
    step_ = step;
    while (next_change_ < change_steps_.size() && change_steps_[next_change_] <= step) {
      if (running < priority_.size()) priority_[running] = static_cast<std::int64_t>(next_change_ + 1);
      ++next_change_;
    }
  }
  void yielded(std::uint32_t running) override {
    // Below every thread, the other yielders included (they take turns).
    if (running < priority_.size()) priority_[running] = --lowest_;
  }
  std::uint32_t choose(const std::vector<std::uint32_t>& enabled, std::uint32_t) override {
    if (step_ > fair_after_) return enabled[rng_.below(enabled.size())];
    std::uint32_t best = enabled.front();
    for (std::uint32_t t : enabled)
      if (prio(t) > prio(best)) best = t;
    return best;
  }

 private:
  std::int64_t prio(std::uint32_t t) const { return t < priority_.size() ? priority_[t] : 0; }

  SplitMix64 rng_;
  const std::uint32_t depth_;
  const std::uint64_t fair_after_;
  std::vector<std::int64_t> priority_;  // by thread id
  std::vector<std::uint64_t> change_steps_;
  std::size_t next_change_ = 0;
  std::uint64_t step_ = 0;
  std::int64_t lowest_ = 0;  // the last yielder's priority: below every other
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
    // No preemption: the running thread goes on while it can, unless it
    // yielded (it waits for another: the next by id goes, in turn).
    // Past kUnfairSteps, each in turn (a run whose threads only get on
    // when the scheduler is fair ends, as pct's does).
    const bool yielded = std::exchange(yielded_, false);
    if (!std::binary_search(enabled.begin(), enabled.end(), running)) return enabled.front();
    if (!yielded && step_ <= kUnfairSteps) return running;
    const auto next = std::upper_bound(enabled.begin(), enabled.end(), running);
    return next != enabled.end() ? *next : enabled.front();
  }
  void yielded(std::uint32_t) override { yielded_ = true; }
  void at_step(std::uint64_t step, std::uint32_t) override {
    step_ = step;
    yielded_ = false;
  }

 private:
  std::vector<std::uint32_t> forced_;
  std::size_t next_ = 0;
  const bool strict_;
  bool yielded_ = false;  // the running thread offered the turn at this step
  std::uint64_t step_ = 0;
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
