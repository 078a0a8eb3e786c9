// A process that died of a fatal signal (the abort of a failed assert or of
// std::terminate, a segmentation fault, ...) or of an uncaught exception:
// one finding for each. Such a run is what a bug that shows only sometimes
// looks like (an assertion about shared state that another thread's timing
// broke), and what `weft explore` must be able to find and replay; a check
// that called its trace clean said the opposite of what happened.
//
// The runtime records the signal (process.signal, arg: its number) or the
// exception's text (process.uncaught_exception) on the thread it came on,
// just before it completes the trace; the finding is on that thread, at the
// place of its last event of its own. Signals that end a process on
// request (SIGTERM, SIGINT) are no crash, nor is the watchdog's stop.
#include <csignal>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {

// The signals a crash dies of, as the runtime's crash handlers catch them,
// and what each usually means.
struct CrashSignal {
  const char* name;
  const char* meaning;
};
const CrashSignal* crash_signal(std::uint64_t sig) {
  static constexpr CrashSignal kAbort{"SIGABRT", "abort() was called (a failed assert, std::terminate)"};
  static constexpr CrashSignal kSegv{"SIGSEGV", "a bad memory access (a null or dangling pointer, a use after free)"};
  static constexpr CrashSignal kBus{"SIGBUS", "a bad memory access"};
  static constexpr CrashSignal kFpe{"SIGFPE", "an arithmetic error (a division by zero)"};
  static constexpr CrashSignal kIll{"SIGILL", "an illegal instruction"};
  switch (sig) {
    case SIGABRT: return &kAbort;
    case SIGSEGV: return &kSegv;
    case SIGBUS: return &kBus;
    case SIGFPE: return &kFpe;
    case SIGILL: return &kIll;
    default: return nullptr;
  }
}

// The last event of process `p` of kind `kind` (and, for a signal, of that
// number); npos if none.
constexpr std::uint64_t kNone = ~std::uint64_t{0};
std::uint64_t last_event(const format::Trace& t, std::uint32_t p, format::EventKind kind, std::uint64_t arg,
                         bool match_arg) {
  if (!t.events.may_hold(kind)) return kNone;
  std::uint64_t found = kNone;
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event e = t.events[i];
    if (e.kind != kind || (match_arg && e.arg != arg) || e.thread >= t.threads.size() ||
        t.threads[e.thread].process != p)
      continue;
    found = i;
  }
  return found;
}

// The place of `thread`'s last event with one, before event `before`.
std::uint32_t last_site(const format::Trace& t, std::uint32_t thread, std::uint64_t before) {
  for (std::uint64_t i = before; i-- > 0;) {
    const format::Event e = t.events[i];
    if (e.thread == thread && e.site != 0) return e.site;
  }
  return 0;
}

}  // namespace

std::vector<Finding> find_crashes(const format::Trace& t) {
  std::vector<Finding> found;
  const std::size_t processes = t.processes.empty() ? 1 : t.processes.size();
  for (std::uint32_t p = 0; p < processes; ++p) {
    const std::optional<format::EndRecord>& end = t.processes.empty() ? t.end : t.processes[p].end;
    if (!end) continue;
    const bool uncaught = end->reason == format::EndReason::UncaughtException;
    const CrashSignal* signal = end->reason == format::EndReason::Signal ? crash_signal(end->status) : nullptr;
    if (!uncaught && signal == nullptr) continue;
    const std::uint64_t event =
        uncaught ? last_event(t, p, format::EventKind::UncaughtException, 0, false)
                 : last_event(t, p, format::EventKind::ProcessSignal, end->status, true);
    Finding f;
    f.kind = FindingKind::Crash;
    const std::string process =
        t.processes.size() > 1 ? "process " + t.processes[p].name + " (pid " + std::to_string(t.processes[p].pid) + ")"
                               : "the program";
    std::string where;
    if (event != kNone) {
      const std::uint32_t thread = t.events[event].thread;
      const std::uint32_t site = last_site(t, thread, event);
      f.threads.push_back(thread);
      f.events.push_back(event);
      if (site != 0) f.sites.push_back(site);
      where = " in " + thread_name(t, thread) + (site != 0 ? ", after its last event at " + site_text(t, site) : "");
    }
    if (uncaught) {
      std::string what = event != kNone ? std::string(t.text(t.events[event])) : std::string();
      if (what.empty()) what = "an uncaught exception";
      f.about = "uncaught exception";
      f.title = "crash: " + process + " ended in std::terminate" + where + ": " + what;
    } else {
      f.about = signal->name;
      f.title = "crash: " + process + " was killed by " + signal->name + " (signal " + std::to_string(end->status) +
                ")" + where;
    }
    f.explanation =
        (uncaught ? std::string("An exception left a thread's function, and std::terminate ended the process.")
                  : "It died of " + std::string(signal->name) + ": " + signal->meaning + ".") +
        " Its trace ends there: what it shows is what the threads did up to that moment. A crash that comes only "
        "in some runs depends on the order the threads ran in: a failed assertion about shared state, a value "
        "another thread freed or had not yet set. weft explore finds the orders that crash and replays them "
        "(weft record --schedule); weft view shows what each thread did just before.";
    found.push_back(std::move(f));
  }
  return found;
}

}  // namespace weft::analysis
