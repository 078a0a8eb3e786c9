// `weft record PROGRAM [ARGS...]`: runs an unmodified program with weft's
// preload library (libweft_preload.so, LD_PRELOAD), which records its pthread
// calls into a trace, then says in one line what the trace holds.
//
// Everything that can be known before the program starts is checked first,
// and a problem is one line and exit status 2 with nothing run and nothing
// written: the program (traced_program.hpp: found as execvp finds it; an
// ELF executable with a dynamic loader, or a #! script; not setuid), the
// trace path (writable), then the preload library.
//
// With --schedule the program runs under weft's controlled scheduler,
// remaking one run of `weft explore -- PROGRAM` (schedule_replay.hpp).
//
// Not weft::subprocess: the program keeps weft's standard input, output and
// error (it is the user's program, run in the foreground), and learns its own
// pid (WEFT_RECORD_PID) before exec.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "schedule_replay.hpp"
#include "traced_program.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/summary.hpp"
#include "weft/format/loader.hpp"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;

// Opens the trace path for writing, as the traced program will; a file made
// for the test is removed again (nothing is left if the program then fails
// to start). An existing trace there stays until the program replaces it.
void check_writable(const std::string& trace) {
  struct stat st {};
  if (::stat(trace.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) refuse("cannot write the trace " + trace + ": it is a directory");
    const int fd = ::open(trace.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) refuse("cannot write the trace " + trace + ": " + errno_text(errno));
    ::close(fd);
    return;
  }
  const int fd = ::open(trace.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) refuse("cannot write the trace " + trace + ": " + errno_text(errno));
  ::close(fd);
  ::unlink(trace.c_str());
}

// Realtime as the kernel stamps files (its coarse clock): a file written
// after this moment has an mtime at or after it.
struct timespec now_coarse() {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
  return t;
}

bool written_since(const fs::path& path, const struct timespec& since) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return st.st_mtim.tv_sec > since.tv_sec || (st.st_mtim.tv_sec == since.tv_sec && st.st_mtim.tv_nsec >= since.tv_nsec);
}

// The traces of descendants (-f): <stem>.<pid>.weft beside the trace,
// written during this run. Sorted by name.
std::vector<std::string> child_traces(const fs::path& trace, const struct timespec& since) {
  const std::string prefix = trace.stem().string() + ".", suffix = ".weft";
  std::vector<std::string> found;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(trace.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    // "<stem>.<pid>.weft", or "<stem>.<pid>.<program>.weft" for a program
    // a followed process exec'd in its own place.
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    const std::string pid = middle.substr(0, middle.find('.'));
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (written_since(e.path(), since)) found.push_back(name);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string signal_text(int sig) {
  const char* name = ::strsignal(sig);
  return "signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
}

struct Outcome {
  int status = 0;  // exit status, or 128 + signal
  int signal = 0;
};

// Runs the program in the foreground: weft ignores SIGINT and SIGQUIT
// meanwhile (the terminal's Ctrl-C is for the program, and weft reports
// after it), the child gets them back before exec.
Outcome run_program(const TracedProgram& program, const std::vector<std::string>& argv, const std::string& trace,
                    bool follow, const Environment& env) {
  const std::string& resolved = program.resolved;
  int report[2];  // the child's exec error, if any; closed by a successful exec
  if (::pipe2(report, O_CLOEXEC) != 0) refuse("pipe failed: " + errno_text(errno));
  std::vector<char*> raw;
  std::vector<std::string> args = argv;
  for (std::string& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  const std::string ld_preload = preload_list(program);

  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    refuse("fork failed: " + errno_text(e));
  }
  if (pid == 0) {
    ::close(report[0]);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    // What weft's parent had (a shell may have made the job ignore them).
    ::sigaction(SIGINT, old_int.sa_handler == SIG_IGN ? &old_int : &dfl, nullptr);
    ::sigaction(SIGQUIT, old_quit.sa_handler == SIG_IGN ? &old_quit : &dfl, nullptr);
    ::setenv("LD_PRELOAD", ld_preload.c_str(), 1);
    ::setenv("WEFT_TRACE", trace.c_str(), 1);
    ::setenv("WEFT_RECORD_PID", std::to_string(::getpid()).c_str(), 1);
    if (follow)
      ::setenv("WEFT_RECORD_FOLLOW", "1", 1);
    else
      ::unsetenv("WEFT_RECORD_FOLLOW");
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv(resolved.c_str(), raw.data());
    const int e = errno;
    [[maybe_unused]] const ssize_t w = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(report[1]);
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) refuse("cannot run " + resolved + ": " + errno_text(exec_errno));
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), WTERMSIG(status)};
  return {WEXITSTATUS(status), 0};
}

// Under the scheduler: what it did, from the trace's SCHD record (no
// symbols needed to read it).
void say_schedule(const std::string& trace) {
  try {
    const format::Trace t = format::load_trace(trace);
    if (!t.schedule) return;
    std::fprintf(stderr, "weft record: %s%s\n", schedule_summary(*t.schedule).c_str(),
                 t.schedule->stop == format::ScheduleStop::Diverged ? "; the replay diverged (see above)" : "");
  } catch (const std::exception&) {
    // The line before said what is wrong with the trace.
  }
}

}  // namespace

int run_record(Args args) {
  // weft's own flags come before PROGRAM; everything from PROGRAM on is the
  // program's (its flags are not weft's). `--` ends weft's flags.
  std::size_t own = args.size(), program_at = args.size();  // weft's flags end at own; PROGRAM is at program_at
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      own = i;
      program_at = i + 1;
      break;
    }
    if (a == "-o" || a == "--output" || a == "--schedule" || a == "--strategy" || a == "--depth" || a == "--horizon") {
      ++i;  // its value, whatever it looks like
      continue;
    }
    if (a.size() > 1 && a[0] == '-') continue;
    own = program_at = i;
    break;
  }

  std::optional<std::string> output;
  ScheduleFlags scheduling;
  bool follow = false;
  std::string program_placeholder;
  command_line::parser p = command_parser("record");
  p.positional("PROGRAM", program_placeholder,
               "the program to run, then its arguments (a name without a slash is looked up in PATH)");
  p.option("-o,--output", output, "FILE", "where the trace goes (default: PROGRAM.weft, its base name, here)");
  p.flag("-f,--follow", follow, "trace the processes it starts too: each writes FILE's stem.<pid>.weft beside FILE");
  scheduling.declare(p, "the run of weft explore -- PROGRAM with this seed");
  p.footer(
      "The program runs with libweft_preload.so (LD_PRELOAD), found next to weft. It must be dynamically linked "
      "(or a #! script) and not setuid. Exit status: the program's own, or 128 + the signal that killed it; 2 when "
      "weft cannot run it.");
  if (!parse_command(p, "record", Args(args).first(own))) return kExitOk;
  if (program_at >= args.size()) throw usage_error("record: which program? " + p.usage());
  const std::string& program = args[program_at];
  std::vector<std::string> argv(args.begin() + static_cast<std::ptrdiff_t>(program_at), args.end());
  if (scheduling.schedule && follow)
    throw usage_error("record: --schedule explores one process; it does not go with -f");
  const std::optional<Replay> replay = scheduling.replay("record");
  struct remove_decisions {
    const std::optional<Replay>& r;
    ~remove_decisions() {
      if (r && !r->decisions_file.empty()) fs::remove(r->decisions_file);
    }
  } cleanup{replay};

  TracedProgram traced;
  fs::path trace;
  const std::string shown = output.value_or(fs::path(program).filename().string() + ".weft");
  try {
    traced = locate_traced_program(program);
    if (shown.empty()) refuse("the trace path is empty");
    std::error_code ec;
    trace = fs::absolute(shown, ec);
    if (ec) refuse("cannot write the trace " + shown + ": " + ec.message());
    check_writable(trace.string());
    traced.preload = find_preload();
  } catch (const refusal& r) {
    std::fprintf(stderr, "weft record: %s\n", r.what.c_str());
    return kExitUnusable;
  }

  const struct timespec started = now_coarse();
  Outcome outcome;
  try {
    outcome = run_program(traced, argv, trace.string(), follow, replay ? replay->env : Environment{});
  } catch (const refusal& r) {
    std::fprintf(stderr, "weft record: %s\n", r.what.c_str());
    return kExitUnusable;
  }

  std::string line;
  const std::vector<std::string> children = follow ? child_traces(trace, started) : std::vector<std::string>{};
  std::string children_text;
  for (const std::string& c : children) children_text += (children_text.empty() ? "" : ", ") + c;
  const std::string how_it_ended =
      outcome.signal ? "the program was killed by " + signal_text(outcome.signal)
                     : (outcome.status ? "the program exited with status " + std::to_string(outcome.status) : "");
  if (written_since(trace, started)) {
    try {
      const format::TraceSummary s = format::summarize_trace(trace.string());
      line = "wrote " + shown + ": " + std::to_string(s.events) + " events, " + std::to_string(s.threads) +
             (s.threads == 1 ? " thread" : " threads");
      if (s.dropped) line += " (" + std::to_string(s.dropped) + " events dropped: buffers full)";
      if (!children_text.empty()) line += "; children: " + children_text;
      if (!s.complete())
        line += "; incomplete: " + (outcome.signal ? how_it_ended
                                                   : "the program exited (status " + std::to_string(outcome.status) +
                                                         ") without finishing the trace (it called _exit, or "
                                                         "exec'd a program in its place)");
      else if (s.end->reason == format::EndReason::Watchdog)
        line += "; the program hung and weft stopped it (exit status " + std::to_string(outcome.status) + ")";
      else if (!how_it_ended.empty())
        line += "; " + how_it_ended;
    } catch (const format::format_error& e) {
      line = "wrote " + shown + ", but it cannot be read: " + e.what();
    }
  } else {
    line = program + " wrote no trace (it may have exited with _exit or exec'd without -f)";
    if (!children_text.empty()) line += "; children: " + children_text;
    if (!how_it_ended.empty()) line += "; " + how_it_ended;
  }
  std::fprintf(stderr, "weft record: %s\n", line.c_str());
  if (replay) say_schedule(trace.string());
  return outcome.status;
}

}  // namespace weft::cli
