// A run of two traced processes for the watchdog across processes
// (test_run_watchdog.cpp):  run_hang_child MODE
// The parent forks a traced child ("worker", weft::detail::traced_fork)
// and joins it: waitpid inside a wait of process.join.begin on the process
// object "worker", marked external (another process ends it). Then:
//   pipe-hang   the worker waits to receive from pipe "requests", which the
//               parent holds open and never writes: a pipe.recv.begin wait,
//               external. Nobody can go on: a hang across processes.
//   answer      the worker sleeps (timed waits) 15 times 100 ms, then writes
//               one byte to pipe "answers" and exits 0; the parent first
//               waits for that byte (external), then joins. Slow, never stuck.
//   local-hang  the worker's main thread holds weft::mutex "m" and joins its
//               thread "locker", which waits for "m": the worker alone is
//               stuck, in waits no other process can end (its own watchdog's
//               finding). The parent's join then returns.
//   exec        not the above: the parent runs this program again as
//               weft::process::exec (mode "execd", named "execd"), which
//               joins the run through the environment (WEFT_PROCESS_KEY...)
//               and exits 3; the parent joins it and prints
//               "execd status <exit status>".
// The parent prints "worker <pid>" first, and once its join returns
// "worker status <exit status>" (or "worker signal <n>"), and exits 0. The
// worker exits 0 when it gets anything. The watchdog decides the rest.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <weft/process.hpp>
#include <weft/weft.hpp>
#include <weft/detail/blocking.hpp>
#include <weft/detail/process_fork.hpp>
#include <weft/detail/registry.hpp>
#include <weft/detail/sync_point.hpp>
#include <weft/format/meaning.hpp>

using weft::format::EventKind;
using weft::format::ObjectKind;

namespace {

// Reads one byte from `fd`, recorded as a receive on the run-wide pipe
// object `pipe`; the read is a wait another process ends.
bool receive(int fd, std::uint32_t pipe) {
  weft::detail::sync_point(EventKind::PipeRecvBegin, pipe, weft::format::kNoSeq, 0, weft::source_site{});
  char byte = 0;
  ssize_t n = 0;
  {
    const weft::detail::blocked_scope blocked(EventKind::PipeRecvBegin, pipe, false, nullptr, true);
    n = ::read(fd, &byte, 1);
  }
  if (n == 1)
    weft::detail::sync_point(EventKind::PipeRecv, pipe, weft::format::kNoSeq, 0, weft::source_site{});
  else
    weft::detail::sync_point(EventKind::PipeRecvFailed, pipe, weft::format::kNoSeq,
                             static_cast<std::uint64_t>(weft::format::PipeFailure::EndOfFile), weft::source_site{});
  return n == 1;
}

int worker(const std::string& mode, int requests, int answers, std::uint32_t requests_pipe,
           std::uint32_t answers_pipe) {
  if (mode == "pipe-hang") return receive(requests, requests_pipe) ? 0 : 1;
  if (mode == "answer") {
    for (int i = 0; i < 15; ++i) weft::this_thread::sleep_for(std::chrono::milliseconds(100));
    const char byte = 'a';
    weft::detail::sync_point(EventKind::PipeSend, answers_pipe, weft::format::kNoSeq, 0, weft::source_site{});
    return ::write(answers, &byte, 1) == 1 ? 0 : 1;
  }
  // local-hang
  weft::mutex m("m");
  m.lock();
  weft::thread locker(weft::thread_options("locker"), [&m] { m.lock(); });
  locker.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: run_hang_child pipe-hang|answer|local-hang|exec\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "execd") {
    weft::mark("execd");  // weft starts at its first use
    return 3;
  }
  if (mode == "exec") {
    weft::process execd = weft::process::exec({"/proc/self/exe", "execd"}, "execd");
    execd.start();
    execd.join();
    std::printf("execd status %d\n", execd.exit_code().value_or(-1));
    return 0;
  }
  if (mode != "pipe-hang" && mode != "answer" && mode != "local-hang") {
    std::fprintf(stderr, "run_hang_child: unknown mode '%s'\n", mode.c_str());
    return 2;
  }
  int requests[2];
  int answers[2];
  if (::pipe(requests) != 0 || ::pipe(answers) != 0) return 1;
  const std::uint32_t requests_pipe =
      weft::detail::register_shared_object(ObjectKind::Pipe, "requests", {}, 0, weft::detail::kNewSharedKey);
  const std::uint32_t answers_pipe =
      weft::detail::register_shared_object(ObjectKind::Pipe, "answers", {}, 0, weft::detail::kNewSharedKey);
  const std::uint32_t process =
      weft::detail::register_shared_object(ObjectKind::Process, "worker", {}, 0, weft::detail::kNewSharedKey);

  const pid_t pid = weft::detail::traced_fork("worker");
  if (pid < 0) return 1;
  if (pid == 0) {
    weft::detail::sync_point(EventKind::ProcessStart, process, 1, static_cast<std::uint64_t>(::getpid()),
                             weft::source_site{});
    const int status = worker(mode, requests[0], answers[1], requests_pipe, answers_pipe);
    weft::detail::sync_point(EventKind::ProcessExit, process, 2, static_cast<std::uint64_t>(status),
                             weft::source_site{});
    return status;
  }
  weft::detail::sync_point(EventKind::ProcessSpawn, process, 0, static_cast<std::uint64_t>(pid), weft::source_site{});
  std::printf("worker %d\n", static_cast<int>(pid));
  std::fflush(stdout);
  if (mode == "answer" && !receive(answers[0], answers_pipe)) return 1;

  weft::detail::sync_point(EventKind::ProcessJoinBegin, process, weft::format::kNoSeq, 0, weft::source_site{});
  int status = 0;
  {
    const weft::detail::blocked_scope blocked(EventKind::ProcessJoinBegin, process, false, nullptr, true);
    if (::waitpid(pid, &status, 0) != pid) return 1;
  }
  weft::detail::sync_point(EventKind::ProcessJoinEnd, process, 3, weft::format::process_joined(status),
                           weft::source_site{});
  if (WIFEXITED(status))
    std::printf("worker status %d\n", WEXITSTATUS(status));
  else
    std::printf("worker signal %d\n", WTERMSIG(status));
  ::close(requests[1]);  // held open until here: nobody ever writes to it
  return 0;
}
