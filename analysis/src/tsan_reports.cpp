// ThreadSanitizer's reports, as the runtime recorded them (tsan.report
// events, TSan builds only): one finding each, marked as TSan's, with its
// threads named as weft names them. The event's text is the report as JSON
// (see event_kinds.def); a text that does not parse is still reported, as
// unreadable, rather than dropped.
#include <map>

#include <nlohmann/json.hpp>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {
namespace {

using nlohmann::json;

// The frame a reader wants: the first one in the program's own code, past
// TSan's interceptors, the standard library and weft's primitives (a frame
// is "function /path/file:line"; the path is cut to the file's name).
// weft's own frames are known by their namespace (its primitives and
// runtime are all in weft::) and by its headers' directory, installed or in
// weft's source tree (include/weft/); not by a directory name such as
// "tracer", which a program of the user's may have too.
std::string user_frame(const json& frames) {
  if (!frames.is_array() || frames.empty()) return "an unknown place";
  const auto internal = [](const std::string& f) {
    return f.rfind("weft::", 0) == 0 || f.find("/include/weft/") != std::string::npos ||
           f.find("libsanitizer") != std::string::npos || f.find("/usr/include/") != std::string::npos ||
           f.rfind("__interceptor", 0) == 0;
  };
  std::string chosen;
  for (const json& f : frames) {
    if (!f.is_string()) continue;
    chosen = f.get<std::string>();
    if (!internal(chosen)) break;
  }
  if (chosen.empty()) return "an unknown place";
  const std::size_t space = chosen.rfind(' ');
  const std::size_t slash = chosen.rfind('/');
  if (space != std::string::npos && slash != std::string::npos && slash > space)
    chosen.erase(space + 1, slash - space);
  return chosen;
}

std::string describe_report(const format::Trace& t, const json& r, Finding& f) {
  // TSan's thread ids -> weft's, through the OS thread id both know.
  std::map<std::int64_t, std::uint32_t> weft_thread;
  std::map<std::int64_t, std::string> tsan_name;
  for (const json& th : r.value("threads", json::array())) {
    const std::int64_t tid = th.value("tid", std::int64_t{-1});
    const std::uint64_t os = th.value("os_tid", std::uint64_t{0});
    tsan_name[tid] = th.value("name", std::string());
    for (const format::ThreadInfo& info : t.threads)
      if (os != 0 && info.os_tid == os) weft_thread[tid] = info.id;
  }
  const auto who = [&](std::int64_t tid) {
    const auto it = weft_thread.find(tid);
    if (it != weft_thread.end()) return thread_name(t, it->second);
    const std::string& n = tsan_name[tid];
    return n.empty() ? "TSan thread T" + std::to_string(tid) : n;
  };
  for (const auto& [tid, id] : weft_thread) f.threads.push_back(id);

  std::string what;
  for (const json& m : r.value("mops", json::array())) {
    if (!what.empty()) what += "; ";
    what += std::string(m.value("write", false) ? "write" : "read") + " of size " + std::to_string(m.value("size", 0)) +
            " at " + m.value("addr", std::string("?")) + " by " + who(m.value("tid", std::int64_t{-1})) + " in " +
            user_frame(m.value("frames", json::array()));
  }
  const auto mutexes = r.value("mutexes", json::array());
  if (!mutexes.empty()) {
    what += what.empty() ? "" : "; ";
    what += "mutexes";
    for (const json& m : mutexes)
      what += " M" + std::to_string(m.value("id", 0)) + " (taken in " + user_frame(m.value("frames", json::array())) + ")";
  }
  if (what.empty()) what = "in " + user_frame(r.value("stack", json::array()));
  return what;
}

}  // namespace

std::vector<Finding> find_tsan_reports(const format::Trace& t) {
  std::vector<Finding> out;
  if (!t.events.may_hold(format::EventKind::TsanReport)) return out;  // no pass over events that cannot be
  for (std::uint64_t i = 0; i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (e.kind != format::EventKind::TsanReport) continue;
    Finding f;
    f.kind = FindingKind::TsanReport;
    f.severity = Severity::Warning;
    f.events = {i};
    std::string type = "unreadable", what;
    try {
      const json r = json::parse(t.text(e));
      type = r.value("type", std::string("unknown"));
      what = describe_report(t, r, f);
    } catch (const json::exception&) {
      what = "its record in the trace is not valid JSON (truncated or damaged)";
    }
    if (f.threads.empty()) f.threads = {e.thread};
    f.about = type;
    f.title = "ThreadSanitizer: " + type + ": " + what;
    f.explanation = "ThreadSanitizer, built into this program, reported a " + type +
                    " when " + thread_name(t, e.thread) +
                    " ran it. This is TSan's finding, not weft's: a second opinion, found by TSan's own "
                    "instrumentation of every memory access (weft sees only weft::shared variables and weft's "
                    "primitives).";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace weft::analysis
