#include "labels.hpp"

namespace weft::exporter {

std::string object_name(const format::Trace& trace, std::uint32_t object) {
  return object && object < trace.objects.size() ? trace.objects[object].name : "?";
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

}  // namespace weft::exporter
