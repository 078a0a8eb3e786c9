// The causal edges ordered by where they leave (`from`, then `to`): what
// the arrows' index searches for the arrows that leave the view.
#pragma once

#include <vector>

#include "weft/analysis/causality.hpp"

namespace weft::viewer {

// `edges` (as analysis::causal_edges gives them: by `to`, then `from`)
// ordered by `from`, then `to`; equal edges in the order they came. In
// about one pass where they are nearly in that order already, as edges by
// `to` are; any order is sorted.
std::vector<analysis::CausalEdge> edges_by_source(const std::vector<analysis::CausalEdge>& edges);

}  // namespace weft::viewer
