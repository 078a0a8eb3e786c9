// The preemption-bounded search of `weft explore --strategy dfs`, over a
// program simulated here: two threads of two steps each. Its schedules are
// the six orders of 0 0 1 1; thread 0 runs first, so a schedule's
// preemptions are the switches away from a thread that had steps left.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "explore_search.hpp"

namespace {

// One run: the forced prefix, then the running thread goes on while it
// can (as the scheduler's dfs strategy does). Returns its decisions and
// appends its order of steps ("0101") to `orders`.
std::vector<weft::format::ScheduleDecision> simulate(const std::vector<std::uint32_t>& prefix,
                                                     std::vector<std::string>& orders) {
  std::vector<weft::format::ScheduleDecision> decisions;
  int left[2] = {2, 2};
  std::uint32_t running = 0;
  std::string order;
  while (left[0] + left[1] > 0) {
    std::vector<std::uint32_t> enabled;
    for (std::uint32_t t : {0u, 1u})
      if (left[t] > 0) enabled.push_back(t);
    std::uint32_t next = enabled.front();
    if (enabled.size() > 1) {
      const std::size_t i = decisions.size();
      next = i < prefix.size() ? prefix[i] : (left[running] > 0 ? running : enabled.front());
      decisions.push_back({next, running, enabled});
    }
    running = next;
    --left[next];
    order += char('0' + next);
  }
  orders.push_back(order);
  return decisions;
}

std::vector<std::string> all_runs(std::uint32_t bound) {
  weft::cli::PreemptionBoundedSearch search(bound);
  std::vector<std::string> orders;
  while (search.advance(simulate(search.next_prefix(), orders))) REQUIRE(orders.size() < 100);
  return orders;
}

}  // namespace

TEST_CASE("dfs runs each schedule within the preemption bound once, and only those", "[explore]") {
  using orders = std::vector<std::string>;
  const auto sorted = [](orders o) {
    std::sort(o.begin(), o.end());
    return o;
  };
  CHECK(sorted(all_runs(0)) == orders{"0011"});
  CHECK(sorted(all_runs(1)) == orders{"0011", "0110", "1100"});
  CHECK(sorted(all_runs(2)) == orders{"0011", "0101", "0110", "1001", "1100"});
  CHECK(sorted(all_runs(3)) == orders{"0011", "0101", "0110", "1001", "1010", "1100"});
}
