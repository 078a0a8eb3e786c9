// weft::process: a child process, modelled on Python's
// multiprocessing.Process, traced like a weft::thread.
//
//   weft::process p([] { work(); }, "worker");   // fn returns void (exit 0) or int (the exit code)
//   p.start();
//   p.join();                                    // or join_for(100ms)
//   p.exit_code();                               // 0; nullopt while running; -15 after terminate()
//   auto q = weft::process::exec({"ls", "-l"}, "lister");  // runs a program instead
//
// start() forks (weft::detail::traced_fork): the child is a copy of the
// parent (its globals are its own from then on), runs fn, and traces on into
// its own file of the run, "<stem>.<pid>.weft" beside the parent's. An
// exception escaping fn is printed on stderr as Python prints a traceback
// ("Process <name>:" then the exception) and the exit code is 1. The child
// then completes its trace and leaves with _exit(code): the parent's atexit
// handlers and static destructors are the parent's, not run in the child.
// exec() makes a process that runs a program (execvp) instead of fn; that
// program, if it is a weft program, traces into the same run (environment:
// WEFT_TRACE, WEFT_RUN_ID, WEFT_RUN_PARENT, WEFT_RUN_ROOT,
// WEFT_PROCESS_NAME, WEFT_PROCESS_KEY); exit code 127 if it cannot be run.
//
// Names: an unnamed process is "Process-N", N counting from 1 in this
// process over the processes made without a name (Python's convention).
// weft::this_process::name() is the name this process was started under,
// "MainProcess" for a process not started by weft::process.
//
// At exit (normal exit of the parent: return from main or exit()), as in
// Python: every daemon child still running is terminated (SIGTERM, recorded
// as process.terminate), then every child still unjoined is joined
// (recorded). Destroying a started process object never blocks: the child
// stays known to this process and is joined at exit; a program that wants
// it earlier joins it. (So a non-daemon child that never ends keeps its
// parent from exiting, as in Python.)
//
// Events, all on the process object (ObjectKind::Process, a run-wide key,
// so the parent's and the child's records of it are one object):
//   process.spawn  (parent, arg the child's pid)           seq 0
//   process.start  (child,  arg its pid)                   seq 1
//   process.exit   (child,  arg its exit code)             seq 2
//   process.join.begin (arg 1 if timed), process.join.end (arg
//     format::process_joined(status), or 0 when a timed join timed out):
//     a join that saw the child's end takes seq 3, 4, ... in the parent
//     (the parent alone joins; a timed-out join has no seq)
//   process.terminate (arg the signal), no seq.
// The positions are fixed because each event happens once, in a known
// order (spawn before the child runs, exit before any join sees it), so
// the two processes need no shared counter. A program started by exec()
// records its start and exit at seq 1 and 2 on the object of
// WEFT_PROCESS_KEY. A child killed by a signal has no process.exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/deadline.hpp"
#include "weft/site.hpp"

namespace weft {

// Misuse: starting twice, joining a process never started, joining oneself.
class process_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {
struct process_state;
}

class process {
 public:
  // `fn` returns void (exit code 0) or something that converts to int
  // (the exit code).
  template <class F>
    requires std::invocable<F&>
  explicit process(F fn, std::string_view name = {}, bool daemon = false, source_site site = source_site::current())
      : process(wrap(std::move(fn)), {}, name, daemon, site) {}

  // A process that runs `argv` (argv[0] looked up in PATH) instead of a
  // function. std::invalid_argument if argv is empty.
  static process exec(std::vector<std::string> argv, std::string_view name = {}, bool daemon = false,
                      source_site site = source_site::current());

  process(process&&) noexcept = default;
  process& operator=(process&&) noexcept = default;
  process(const process&) = delete;
  process& operator=(const process&) = delete;
  ~process();

  // Forks (process_error if already started; std::system_error if fork fails).
  void start(source_site site = source_site::current());

  // Waits for the child to end. process_error if it was never started, or
  // if called from the child itself (only the process that started it
  // joins it, as in Python).
  void join(source_site site = source_site::current()) { join_until(std::nullopt, site); }
  // The same with a timeout: true if the child ended in time.
  template <class Rep, class Period>
  bool join_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return join_until(detail::deadline_after(timeout), site);
  }

  // Python's exitcode: nullopt while running (or never started), the exit
  // code once ended, minus the signal number if a signal killed it.
  std::optional<int> exit_code() const;
  // Started and not ended (a child that ended is reaped here, its status
  // kept for exit_code() and join()).
  bool is_alive() const;
  // SIGTERM / SIGKILL to a running child (nothing if it has ended or was
  // never started), recorded as process.terminate.
  void terminate(source_site site = source_site::current());
  void kill(source_site site = source_site::current());

  pid_t pid() const;            // 0 before start()
  const std::string& name() const;
  bool daemon() const;
  std::uint32_t id() const;     // the process object, 0 before start()

 private:
  using body = std::function<int()>;
  process(body fn, std::vector<std::string> argv, std::string_view name, bool daemon, const source_site& site);
  bool join_until(const detail::deadline& until, const source_site& site);
  void send_signal(int sig, const source_site& site);

  template <class F>
  static body wrap(F fn) {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      return [f = std::move(fn)]() mutable {
        f();
        return 0;
      };
    } else {
      static_assert(std::is_convertible_v<R, int>, "weft::process: fn must return void or an exit code (int)");
      return [f = std::move(fn)]() mutable { return static_cast<int>(f()); };
    }
  }

  std::shared_ptr<detail::process_state> state_;
};

namespace this_process {
// The name this process was started under (weft::process), else "MainProcess".
std::string name();
pid_t pid();
pid_t parent_pid();
}  // namespace this_process

}  // namespace weft
