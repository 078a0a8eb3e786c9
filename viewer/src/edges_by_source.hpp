// The causal edges ordered by where they leave (`from`, then `to`): what
// the arrows' index searches for the arrows that leave the view. Kept as
// positions in the edges ordered by `to`, not as a second copy of them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "weft/analysis/causality.hpp"

namespace weft::viewer {

// The positions in `edges` (as analysis::causal_edges gives them: by `to`,
// then `from`) of the edges ordered by `from`, then `to`; equal edges in
// the order they came. Four bytes an edge where a copy took 24 (65 M edges
// of a contended billion-event trace: 0.26 GB, not 1.56). In about one
// pass where they are nearly in that order already, as edges by `to` are;
// any order is sorted. std::length_error past 2^32 - 1 edges.
std::vector<std::uint32_t> edges_by_source(std::span<const analysis::CausalEdge> edges);

}  // namespace weft::viewer
