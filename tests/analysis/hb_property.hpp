// The property that ties the causal edges to happens-before: every causal
// edge (from -> to) is a happens-before edge, since both interpret the same
// column of the meaning table. Checked on hand-built traces here and on
// every scenario's real trace (tests/scenarios).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "weft/analysis/causality.hpp"
#include "weft/analysis/happens_before.hpp"

namespace weft::test {

// The causal edges whose `from` does not happen before their `to`, as
// "from -> to (kind)" lines; empty when the property holds.
inline std::vector<std::string> causal_edges_not_in_happens_before(const format::Trace& trace) {
  const analysis::CausalEdges edges = analysis::causal_edges(trace);
  // The epoch of every event that starts an edge, taken before it is
  // applied (a release publishes the clock it had, then ticks), and kept:
  // its thread may end before the edge's end is reached.
  std::vector<std::uint64_t> sources;
  for (const analysis::CausalEdge& e : edges) sources.push_back(e.from);
  std::sort(sources.begin(), sources.end());
  std::vector<analysis::Epoch> epoch_of(trace.events.size());
  analysis::HappensBefore hb(trace);
  std::vector<std::string> out;
  std::size_t next_edge = 0;  // edges are ordered by `to`
  for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
    if (std::binary_search(sources.begin(), sources.end(), i)) hb.keep(epoch_of[i] = hb.now(trace.events[i].thread));
    hb.step(i, trace.events[i]);
    for (; next_edge < edges.size() && edges[next_edge].to == i; ++next_edge) {
      const analysis::CausalEdge& e = edges[next_edge];
      if (!hb.ordered_before(epoch_of[e.from], trace.events[i].thread))
        out.push_back(std::to_string(e.from) + " -> " + std::to_string(e.to) + " (" +
                      std::string(analysis::causal_kind_name(e.kind)) + ")");
    }
  }
  return out;
}

}  // namespace weft::test
