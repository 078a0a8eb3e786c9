// `weft stats TRACE`: the contention tables. Locks by total wait, then
// threads by the share of their life spent blocked.
#include <algorithm>
#include <cstdio>

#include "cli.hpp"
#include "weft/analysis/detectors.hpp"
#include "weft/analysis/stats.hpp"
#include "weft/format/loader.hpp"

namespace weft::cli {
namespace {

std::string ms(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", double(ns) / 1e6);
  return buf;
}

void print_text(const format::Trace& t, const analysis::Stats& s) {
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

}  // namespace

int run_stats(Args args) {
  std::string path;
  command_line::parser p = command_parser("stats");
  p.positional("TRACE", path, "the trace to measure");
  if (!parse_command(p, "stats", args, one_trace_at_a_time(path))) return kExitOk;
  if (path.empty()) throw usage_error("stats: which trace? " + p.usage());

  const format::Trace t = format::load_trace(path);
  const analysis::Model m = analysis::build_model(t);
  analysis::Stats s = analysis::compute_stats(m);
  for (const std::string& w : t.warnings) std::fprintf(stderr, "weft: warning: %s: %s\n", path.c_str(), w.c_str());

  std::sort(s.locks.begin(), s.locks.end(), [](const auto& a, const auto& b) {
    return a.wait_total_ns != b.wait_total_ns ? a.wait_total_ns > b.wait_total_ns : a.object < b.object;
  });
  print_text(t, s);
  return kExitOk;
}

}  // namespace weft::cli
