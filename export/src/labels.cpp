#include "labels.hpp"

namespace weft::exporter {

using format::EventKind;

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
    case SliceType::Hold: return "hold " + object_name(trace, s.object);
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

std::string instant_name(const format::Trace& trace, const format::Event& e) {
  switch (e.kind) {
    case EventKind::Mark:
    case EventKind::Log: return std::string(trace.text(e));
    case EventKind::CondNotifyOne: return "notify_one " + object_name(trace, e.object);
    case EventKind::CondNotifyAll: return "notify_all " + object_name(trace, e.object);
    case EventKind::UncaughtException: return "uncaught exception: " + std::string(trace.text(e));
    case EventKind::ProcessSignal: return "signal " + std::to_string(e.arg);
    case EventKind::TraceDropped: return std::to_string(e.arg) + " events dropped";
    default: return {};
  }
}

std::string_view instant_category(EventKind kind) {
  switch (kind) {
    case EventKind::Mark: return "mark";
    case EventKind::Log: return "log";
    case EventKind::CondNotifyOne:
    case EventKind::CondNotifyAll: return "notify";
    case EventKind::UncaughtException:
    case EventKind::ProcessSignal:
    case EventKind::TraceDropped: return "runtime";
    default: return {};
  }
}

std::string counter_name(const format::Trace& trace, std::uint32_t object) { return trace.object_label(object); }

}  // namespace weft::exporter
