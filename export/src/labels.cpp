#include "labels.hpp"

#include <algorithm>

namespace weft::exporter {

std::string object_name(const format::Trace& trace, std::uint32_t object) {
  return object && object < trace.objects.size() ? trace.objects[object].name.str() : "?";
}

std::string slice_name(const format::Trace& trace, const Slice& s) {
  switch (s.type) {
    case SliceType::Wait: {
      std::string name = "wait " + std::string(analysis::wait_cause_name(s.cause));
      if (s.object) name += " " + object_name(trace, s.object);
      return name;
    }
    case SliceType::Hold: return (s.shared ? "hold shared " : "hold ") + object_name(trace, s.object);
    case SliceType::Tick: {
      // The event itself, as `weft dump` names it: "mutex.released lock_X".
      const format::Event& e = trace.events[s.first];
      std::string name(trace.kind_name(e.kind));
      if (e.object) name += " " + object_name(trace, e.object);
      return name;
    }
  }
  return "?";
}

std::string counter_name(const format::Trace& trace, std::uint32_t object) { return trace.object_label(object); }

std::string thread_name(const format::Trace& trace, std::uint32_t thread) {
  return thread < trace.threads.size() ? trace.threads[thread].name : "thread " + std::to_string(thread);
}

std::string unblocker_text(const format::Trace& trace, const analysis::CausalEdge& edge) {
  return thread_name(trace, trace.events[edge.from].thread) + " (" + std::string(analysis::causal_kind_name(edge.kind)) +
         ", event " + std::to_string(edge.from) + ")";
}

std::vector<std::pair<std::uint64_t, std::size_t>> finding_anchors(const std::vector<analysis::Finding>& findings,
                                                                   std::uint64_t event_count) {
  std::vector<std::pair<std::uint64_t, std::size_t>> anchors;
  for (std::size_t k = 0; k < findings.size(); ++k) {
    const auto& events = findings[k].events;
    const auto last = std::max_element(events.begin(), events.end());
    anchors.emplace_back(last == events.end() ? event_count : *last, k);
  }
  std::stable_sort(anchors.begin(), anchors.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return anchors;
}

}  // namespace weft::exporter
