#include "explore_search.hpp"

#include <algorithm>

namespace weft::cli {

bool PreemptionBoundedSearch::Level::preempts(std::uint32_t t) const {
  return t != previous && std::binary_search(enabled.begin(), enabled.end(), previous);
}

bool PreemptionBoundedSearch::advance(const std::vector<format::ScheduleDecision>& run) {
  // The run replayed the stack's choices, then chose on its own: those
  // choices are new levels, each with its one alternative tried.
  if (run.size() < stack_.size()) stack_.resize(run.size());  // it ended early (diverged)
  for (std::size_t i = stack_.size(); i < run.size(); ++i) {
    Level level;
    level.enabled = run[i].enabled;
    std::sort(level.enabled.begin(), level.enabled.end());
    level.previous = run[i].previous;
    level.chosen = run[i].chosen;
    level.tried = {run[i].chosen};
    if (!stack_.empty()) {
      const Level& before = stack_.back();
      level.preemptions_before = before.preemptions_before + (before.preempts(before.chosen) ? 1 : 0);
    }
    stack_.push_back(std::move(level));
  }
  // Back up to the deepest decision with an untried alternative the bound
  // allows.
  while (!stack_.empty()) {
    Level& top = stack_.back();
    for (std::uint32_t t : top.enabled) {
      if (std::find(top.tried.begin(), top.tried.end(), t) != top.tried.end()) continue;
      if (top.preemptions_before + (top.preempts(t) ? 1 : 0) > bound_) continue;
      top.tried.push_back(t);
      top.chosen = t;
      prefix_.clear();
      for (const Level& l : stack_) prefix_.push_back(l.chosen);
      return true;
    }
    stack_.pop_back();
  }
  prefix_.clear();
  return false;
}

}  // namespace weft::cli
