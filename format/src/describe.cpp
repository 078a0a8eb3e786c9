#include "weft/format/describe.hpp"

#include "weft/format/meaning.hpp"
#include "weft/format/object_end.hpp"

#include <csignal>
#include <cstring>

namespace weft::format {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string thread_name(const Trace& t, std::uint64_t id) {
  return id < t.threads.size() ? t.threads[id].name : "thread " + std::to_string(id);
}

}  // namespace

std::string describe_flags(std::uint8_t flags) {
  static constexpr std::pair<EventFlag, const char*> kNames[] = {
      {kFlagContended, "contended"}, {kFlagTry, "try"},     {kFlagTimed, "timed"},
      {kFlagCondition, "by-wait"},   {kFlagTextTruncated, "truncated"}, {kFlagNotOwner, "NOT-OWNER"},
      {kFlagRejected, "REJECTED"},   {kFlagBroken, "broken"}};
  std::string out;
  for (const auto& [flag, name] : kNames) {
    if (!(flags & flag)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

std::string describe_detail(const Trace& t, const Event& e) {
  std::string d;
  switch (e.kind) {
    case EventKind::ThreadCreate: d = "child=" + thread_name(t, e.arg); break;
    case EventKind::ThreadStart: d = "tid=" + std::to_string(e.arg); break;
    case EventKind::ThreadJoinEnd: d = e.arg ? "joined" : "timed out"; break;
    case EventKind::MutexAcquired:
    case EventKind::MutexReleased:
      if (e.object < t.objects.size() && t.objects[e.object].kind == ObjectKind::RecursiveMutex)
        d = "depth=" + std::to_string(e.arg);
      break;
    case EventKind::MutexAcquiredShared:
    case EventKind::MutexReleasedShared: d = "readers=" + std::to_string(e.arg); break;
    case EventKind::CondWaitBegin: d = "mutex=" + (e.arg < t.objects.size() ? t.objects[e.arg].name.str() : "?"); break;
    case EventKind::CondWaitEnd: d = std::string(wake_reason_name(e.arg)); break;
    case EventKind::CondNotifyOne:
    case EventKind::CondNotifyAll: d = "waiters=" + std::to_string(e.arg); break;
    case EventKind::Mark:
    case EventKind::Log:
    case EventKind::UncaughtException:
    case EventKind::TsanReport:
    case EventKind::ThreadRename: d = quoted(t.text(e)); break;
    case EventKind::ObjectDestroy:
      d = e.arg == static_cast<std::uint64_t>(ObjectEnd::ReinitialisedInUse) ? "re-initialised while in use"
          : e.arg                                                            ? "while in use"
                                                                             : "";
      break;
    case EventKind::SemAcquired:
    case EventKind::SemReleased: d = "value=" + std::to_string(e.arg); break;
    case EventKind::BarrierArrive:
    case EventKind::BarrierLeave:
      d = "generation=" + std::to_string(barrier_generation(e.arg)) + " index=" + std::to_string(barrier_index(e.arg));
      break;
    case EventKind::BarrierAbort:
    case EventKind::BarrierReset: d = "broke " + std::to_string(e.arg) + " waiters"; break;
    case EventKind::EventSet: d = "woke " + std::to_string(e.arg); break;
    case EventKind::EventWaitEnd:
    case EventKind::EventIsSet: d = e.arg ? "set" : (e.kind == EventKind::EventIsSet ? "not set" : "timed out"); break;
    case EventKind::QueuePut:
    case EventKind::QueueGet: d = "item=" + std::to_string(e.arg); break;
    case EventKind::QueueTaskDone: d = "unfinished=" + std::to_string(e.arg); break;
    case EventKind::TimerStart: d = "interval=" + std::to_string(e.arg / 1000) + "us"; break;
    case EventKind::TimerCancel:
    case EventKind::FutureCancel: d = e.arg ? "in time" : "too late"; break;
    case EventKind::PoolSubmit: d = "task=" + (e.arg < t.objects.size() ? t.objects[e.arg].name.str() : "?"); break;
    case EventKind::TaskEnd: d = e.arg == 0 ? "returned" : e.arg == 1 ? "threw" : "cancelled"; break;
    case EventKind::FutureWaitEnd: d = e.arg ? "done" : "timed out"; break;
    case EventKind::PoolShutdownBegin: d = e.arg ? "wait" : "no wait"; break;
    case EventKind::SharedRead:
    case EventKind::SharedWrite: d = "value=" + std::to_string(static_cast<std::int64_t>(e.arg)); break;
    case EventKind::SleepBegin: d = std::to_string(e.arg / 1000) + "us"; break;
    case EventKind::TraceDropped: d = std::to_string(e.arg) + " events lost"; break;
    case EventKind::AtomicWaitBegin: d = e.arg ? "timed" : ""; break;
    case EventKind::AtomicWaitEnd: d = std::string(atomic_wait_result_name(e.arg)); break;
    case EventKind::AtomicWake: d = "woke " + std::to_string(e.arg); break;
    case EventKind::ProcessSignal: {
      const char* name = e.arg < 128 ? sigabbrev_np(static_cast<int>(e.arg)) : nullptr;
      d = "signal " + std::to_string(e.arg) + (name ? std::string(" (SIG") + name + ")" : "");
      break;
    }
    default: break;
  }
  if (e.flags) {
    if (!d.empty()) d += ' ';
    d += "[" + describe_flags(e.flags) + "]";
  }
  return d;
}

std::string_view point_category(const Event& e) {
  switch (meaning(e.kind).point) {
    case PointKind::Mark: return "mark";
    case PointKind::Log: return "log";
    case PointKind::Notify: return "notify";
    case PointKind::Runtime: return "runtime";
    case PointKind::None: break;
  }
  return {};
}

std::string point_label(const Trace& t, const Event& e) {
  switch (meaning(e.kind).point) {
    case PointKind::Mark:
    case PointKind::Log: return std::string(t.text(e));
    case PointKind::Notify: {
      // The kind's name without its family: "notify_one".
      std::string_view name = t.kind_name(e.kind);
      if (const auto dot = name.find('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
      return std::string(name) + " " + (e.object < t.objects.size() ? t.objects[e.object].name.str() : "?");
    }
    case PointKind::Runtime:
      if (e.kind == EventKind::UncaughtException) return "uncaught exception: " + std::string(t.text(e));
      if (e.kind == EventKind::TraceDropped) return std::to_string(e.arg) + " events dropped";
      return describe_detail(t, e);
    case PointKind::None: break;
  }
  return {};
}

}  // namespace weft::format
