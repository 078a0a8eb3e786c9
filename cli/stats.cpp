// `weft stats TRACE [--json]`: the contention tables. Locks by total wait,
// then threads by the share of their life spent blocked. --json: the same
// figures as one JSON document, times in nanoseconds.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "json_text.hpp"
#include "weft/analysis/detectors.hpp"
#include "weft/analysis/stats.hpp"
#include "weft/format/run.hpp"
#include "weft/symbolize/symbolize.hpp"
#include "weft/version.hpp"

namespace weft::cli {
namespace {

std::string ms(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", double(ns) / 1e6);
  return buf;
}

void print_text(const format::Trace& t, const analysis::Stats& s) {
  // A run of several processes: which they were and how each ended.
  if (t.processes.size() > 1) {
    std::printf("PROCESSES\n%-24s %8s %8s %-24s %s\n", "process", "pid", "parent", "ended", "file");
    for (const format::ProcessInfo& p : t.processes)
      std::printf("%-24s %8llu %8llu %-24s %s\n", p.name.c_str(), static_cast<unsigned long long>(p.pid),
                  static_cast<unsigned long long>(p.parent_pid), format::process_ending(p).c_str(), p.path.c_str());
    std::printf("\n");
  }
  std::printf("LOCKS (times in ms)\n%-24s %10s %10s %10s %10s %10s %10s %8s\n", "lock", "acquired", "contended",
              "wait", "max wait", "held", "max held", "waiters");
  for (const auto& l : s.locks)
    std::printf("%-24s %10llu %10llu %10s %10s %10s %10s %8u\n", analysis::object_name(t, l.object).c_str(),
                static_cast<unsigned long long>(l.acquisitions), static_cast<unsigned long long>(l.contended),
                ms(l.wait_total_ns).c_str(), ms(l.wait_max_ns).c_str(), ms(l.hold_total_ns).c_str(),
                ms(l.hold_max_ns).c_str(), l.max_waiters);
  if (s.locks.empty()) std::printf("(no locks)\n");

  std::printf("\nTHREADS (times in ms)\n%-24s %10s %10s %8s  %s\n", "thread", "lifetime", "running", "blocked",
              "blocked on");
  for (const auto& th : s.threads) {
    std::uint64_t blocked = 0;
    std::string causes;
    std::vector<std::pair<std::uint64_t, analysis::WaitCause>> by(th.blocked_ns.size());
    std::size_t i = 0;
    for (const auto& [cause, ns] : th.blocked_ns) {
      blocked += ns;
      by[i++] = {ns, cause};
    }
    std::sort(by.rbegin(), by.rend());
    for (const auto& [ns, cause] : by)
      causes += (causes.empty() ? "" : ", ") + std::string(analysis::wait_cause_name(cause)) + " " + ms(ns);
    const double share = th.lifetime_ns ? 100.0 * double(blocked) / double(th.lifetime_ns) : 0.0;
    std::printf("%-24s %10s %10s %7.1f%%  %s\n", analysis::thread_name(t, th.thread).c_str(), ms(th.lifetime_ns).c_str(),
                ms(th.running_ns).c_str(), share, causes.c_str());
  }
}

// Keys in the order a reader meets them, like the text columns.
void print_json(const std::string& path, const format::Trace& t, const analysis::Stats& s) {
  using json = nlohmann::ordered_json;
  json locks = json::array();
  for (const auto& l : s.locks)
    locks.push_back({{"id", l.object},
                     {"name", analysis::object_name(t, l.object)},
                     {"acquisitions", l.acquisitions},
                     {"contended", l.contended},
                     {"wait_total_ns", l.wait_total_ns},
                     {"wait_max_ns", l.wait_max_ns},
                     {"hold_total_ns", l.hold_total_ns},
                     {"hold_max_ns", l.hold_max_ns},
                     {"max_waiters", l.max_waiters}});
  json threads = json::array();
  for (const auto& th : s.threads) {
    json blocked = json::object();
    for (const auto& [cause, ns] : th.blocked_ns) blocked[std::string(analysis::wait_cause_name(cause))] = ns;
    threads.push_back({{"id", th.thread},
                       {"name", analysis::thread_name(t, th.thread)},
                       {"lifetime_ns", th.lifetime_ns},
                       {"running_ns", th.running_ns},
                       {"blocked_ns", std::move(blocked)}});
  }
  json out = {{"tool", "weft"},          {"version", kVersion},         {"trace", path},
                    {"program", t.info.program}, {"events", t.events.size()}, {"truncated", t.truncated},
                    {"warnings", t.warnings},  {"locks", std::move(locks)}, {"threads", std::move(threads)}};
  if (t.processes.size() > 1) {  // a run (a single trace's output stays as it was)
    json processes = json::array();
    for (const format::ProcessInfo& p : t.processes)
      processes.push_back({{"pid", p.pid},
                           {"parent_pid", p.parent_pid},
                           {"name", p.name},
                           {"file", p.path},
                           {"ended", format::process_ending(p)},
                           {"truncated", p.truncated}});
    out["processes"] = std::move(processes);
  }
  const std::string text =
      json_text(std::move(out), [](json& doc, const std::string& note) { doc["warnings"].push_back(note); });
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

int run_stats(Args args) {
  std::string path;
  std::vector<std::string> paths;
  bool as_json = false;
  command_line::parser p = command_parser("stats");
  p.positional("TRACE", path, std::string("the trace to measure (- or a FIFO: read as a stream, to its end)") + kRunHelp);
  p.flag("--json", as_json, "the same figures as one JSON document, times in nanoseconds");
  if (!parse_run_command(p, "stats", args, path, paths)) return kExitOk;

  const format::Trace t = symbolize::load_run(paths);
  const analysis::Model m = analysis::build_model(t);
  analysis::Stats s = analysis::compute_stats(m);
  for (const std::string& w : t.warnings) std::fprintf(stderr, "weft: warning: %s: %s\n", path.c_str(), w.c_str());

  std::sort(s.locks.begin(), s.locks.end(), [](const auto& a, const auto& b) {
    return a.wait_total_ns != b.wait_total_ns ? a.wait_total_ns > b.wait_total_ns : a.object < b.object;
  });
  if (as_json)
    print_json(path, t, s);
  else
    print_text(t, s);
  return kExitOk;
}

}  // namespace weft::cli
