#include "focus.hpp"

#include <algorithm>

namespace weft::viewer {

Focus focus_of(const analysis::Finding& f, const format::Trace& trace) {
  Focus out;
  out.threads.insert(f.threads.begin(), f.threads.end());
  out.objects.insert(f.objects.begin(), f.objects.end());
  std::set<std::uint64_t> events(f.events.begin(), f.events.end());
  for (const analysis::Access& a : f.accesses) {
    events.insert(a.event);
    out.threads.insert(a.thread);
  }
  for (const analysis::LockEdge& edge : f.cycle) {
    events.insert(edge.event);
    out.threads.insert(edge.thread);
  }
  // The racing pair, in trace order.
  if (f.accesses.size() >= 2) out.links.emplace_back(f.accesses[0].event, f.accesses[1].event);
  // A lock cycle: each acquisition to the next, closing the circle.
  for (std::size_t k = 0; f.cycle.size() >= 2 && k < f.cycle.size(); ++k)
    out.links.emplace_back(f.cycle[k].event, f.cycle[(k + 1) % f.cycle.size()].event);

  for (std::uint64_t e : events)
    if (e < trace.events.size()) out.events.push_back(e);
  if (!out.events.empty()) {
    out.begin_ns = out.end_ns = trace.events.time_ns(out.events.front());
    for (std::uint64_t e : out.events) {
      out.begin_ns = std::min(out.begin_ns, trace.events.time_ns(e));
      out.end_ns = std::max(out.end_ns, trace.events.time_ns(e));
    }
  }
  std::erase_if(out.links, [&](const auto& l) {
    return l.first >= trace.events.size() || l.second >= trace.events.size() || l.first == l.second;
  });
  return out;
}

}  // namespace weft::viewer
