// Strongly connected components of a directed graph (Tarjan's algorithm,
// iterative: a trace may hold thousands of locks, and the recursion depth
// is not ours to choose). Shared by the lock-order detector and the lock
// graph, which must agree on what lies on a cycle.
#pragma once

#include <cstddef>
#include <vector>

namespace weft::analysis::detail {

// The component number of every node 0..n-1; `succ[v]` lists v's successors.
std::vector<int> components(std::size_t n, const std::vector<std::vector<std::size_t>>& succ);

}  // namespace weft::analysis::detail
