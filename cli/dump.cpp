// `weft dump TRACE [--no-header]`: every event, one line each, in the trace's global order.
#include <cstdio>
#include <ctime>
#include <string>

#include "cli.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/run.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {
namespace {

std::string utc(std::uint64_t wall_ns) {
  const std::time_t secs = static_cast<std::time_t>(wall_ns / 1'000'000'000u);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void print_header(const format::Trace& t, const std::string& path) {
  const format::TraceInfo& i = t.info;
  std::string command;
  for (const std::string& a : i.command_line) command += (command.empty() ? "" : " ") + a;
  std::printf("# trace    %s\n", path.c_str());
  std::printf("# program  %s (pid %llu) on %s, started %s\n", i.program.c_str(),
              static_cast<unsigned long long>(i.pid), i.hostname.c_str(), utc(i.start_wall_ns).c_str());
  std::printf("# command  %s\n", command.c_str());
  std::printf("# clock    %s at %.3f MHz; weft %s\n", i.clock_name.c_str(), i.ticks_per_second / 1e6,
              i.weft_version.c_str());
  std::printf("# contents %zu events, %zu threads, %zu objects, %zu sites; ", t.events.size(), t.threads.size(),
              t.objects.size() - 1, t.sites.size() - 1);
  if (t.end)
    std::printf("ended by %s", std::string(format::end_reason_name(t.end->reason)).c_str());
  else
    std::printf("not ended");
  if (t.end && (t.end->reason == format::EndReason::Signal || t.end->reason == format::EndReason::Exit))
    std::printf(" %llu", static_cast<unsigned long long>(t.end->status));
  std::printf("\n");
  // A run: its processes, the first first.
  if (t.processes.size() > 1)
    for (const format::ProcessInfo& p : t.processes)
      std::printf("# process  %s (pid %llu, parent %llu), %s; file %s\n", p.name.c_str(),
                  static_cast<unsigned long long>(p.pid), static_cast<unsigned long long>(p.parent_pid),
                  format::process_ending(p).c_str(), p.path.c_str());
  std::printf("#\n# %12s  %-14s %-20s %-26s %-24s %s\n", "time (ms)", "thread", "event", "object", "detail", "site");
}

// A thread's name; in a run of several processes, with its process's pid.
std::string thread_label(const format::Trace& t, std::uint32_t thread) {
  const format::ThreadInfo& th = t.thread(thread);
  if (t.processes.size() <= 1 || th.process >= t.processes.size()) return th.name;
  return th.name + "[" + std::to_string(t.processes[th.process].pid) + "]";
}

}  // namespace

int run_dump(Args args) {
  std::string path;
  std::vector<std::string> paths;
  bool no_header = false;
  command_line::parser p = command_parser("dump");
  p.positional("TRACE", path, std::string("the trace to print (- or a FIFO: read as a stream, to its end)") + kRunHelp);
  p.flag("--no-header", no_header, "leave out the header: program, command line, clock, counts, column names");
  if (!parse_run_command(p, "dump", args, path, paths)) return kExitOk;

  const format::Trace t = symbolize::load_run(paths);
  if (!no_header) print_header(t, path);
  for (const format::Event& e : t.events) {
    std::string object = e.object ? t.object_label(e.object) : "";
    if (e.seq != format::kNoSeq) object += " #" + std::to_string(e.seq);
    std::printf("%14.6f  %-14s %-20s %-26s %-24s %s\n", double(e.time_ns) / 1e6, thread_label(t, e.thread).c_str(),
                std::string(t.kind_name(e.kind)).c_str(), object.c_str(), format::describe_detail(t, e).c_str(),
                t.site_label(e.site).c_str());
  }
  for (const std::string& w : t.warnings) std::fprintf(stderr, "weft: warning: %s: %s\n", path.c_str(), w.c_str());
  return kExitOk;
}

}  // namespace weft::cli
