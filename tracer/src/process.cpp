#include "weft/process.hpp"

#include <cxxabi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <system_error>
#include <typeinfo>

#include "runtime.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/internal_sync.hpp"
#include "weft/detail/process_fork.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/format/meaning.hpp"

extern char** environ;

namespace weft {
namespace detail {

using format::EventKind;

// The fixed places of a process's events in its object's order (see
// process.hpp): both processes know them without sharing a counter.
constexpr std::uint64_t kSpawnSeq = 0;
constexpr std::uint64_t kStartSeq = 1;
// kExitSeq = 2: process.exit, recorded by the runtime as it completes the
// child's trace (Runtime::set_process_object).
constexpr std::uint64_t kFirstJoinSeq = 3;

struct process_state {
  std::function<int()> fn;        // empty for exec()
  std::vector<std::string> argv;  // exec() only
  std::string name;
  bool daemon = false;
  source_site site;

  mutable internal_mutex m;
  bool started = false;            // guarded by m
  std::uint32_t id = 0;            // the process object; set by start()
  pid_t pid = 0;                   // guarded by m
  pid_t owner = 0;                 // the process that started it (the only one that may join it)
  int pidfd = -1;                  // -1: no pidfd (old kernel), joins poll waitpid
  bool reaped = false;             // guarded by m
  int status = 0;                  // the wait status, once reaped; guarded by m
  std::uint64_t join_seq = kFirstJoinSeq;  // guarded by m

  // The last handle is gone and the child was joined (a running one stays
  // in the list of children until then): its object ends here.
  ~process_state() {
    if (pidfd >= 0) ::close(pidfd);
    if (id != 0 && ::getpid() == owner) unregister_object(id, false, {});
  }

  // Reaps the child if it has ended (blocking: waits for it). Needs m.
  bool reap_locked(bool block) {
    if (reaped) return true;
    for (;;) {
      int st = 0;
      const pid_t r = ::waitpid(pid, &st, block ? 0 : WNOHANG);
      if (r == pid) {
        reaped = true;
        status = st;
        return true;
      }
      if (r == 0) return false;
      if (errno == EINTR) continue;
      // ECHILD: someone else reaped it (a SIGCHLD handler set to SIG_IGN,
      // a waitpid(-1)). Its status is lost; say it ended, status unknown.
      reaped = true;
      status = 0;
      return true;
    }
  }
};

namespace {

std::atomic<unsigned> g_unnamed{0};
// The name this process was started under, set in the child (for
// this_process::name() when tracing is off and the runtime knows none).
const std::string* g_own_name = nullptr;

// The children this process started and has not reaped: joined (daemons
// first terminated) at exit. Never destroyed (the atexit hook may run after
// static destructors of other translation units); a child of fork() starts
// with an empty one of its own, since its parent's children are not its own.
struct children_list {
  std::mutex m;
  std::vector<std::shared_ptr<process_state>> live;  // guarded by m
};
// Made on first use (no dynamic initializer: the preload library links this
// runtime and must not run code before it is asked to).
children_list*& children_slot() {
  static children_list* list = new children_list();  // thread-safe first use
  return list;
}
children_list& g_children_list() { return *children_slot(); }
std::once_flag g_exit_hook_once;
pid_t g_exit_hook_pid = 0;  // the process whose atexit hook is registered

void forget_child(const process_state* s) {
  std::lock_guard<std::mutex> lock(g_children_list().m);
  auto& live = g_children_list().live;
  for (auto it = live.begin(); it != live.end(); ++it)
    if (it->get() == s) {
      live.erase(it);
      return;
    }
}

void record_terminate(process_state& s, int sig, const source_site& site) {
  sync_point(EventKind::ProcessTerminate, s.id, format::kNoSeq, static_cast<std::uint64_t>(sig), site);
}

// Python's multiprocessing at exit: terminate the daemon children, then
// join every child. Recorded at the exit site (unknown).
void join_children_at_exit() {
  if (::getpid() != g_exit_hook_pid) return;  // a child that inherited the hook through fork (it _exits anyway)
  std::vector<std::shared_ptr<process_state>> live;
  {
    std::lock_guard<std::mutex> lock(g_children_list().m);
    live = g_children_list().live;
  }
  const source_site at_exit{};
  for (auto& s : live) {
    if (!s->daemon) continue;
    std::lock_guard<internal_mutex> lock(s->m);
    if (!s->reap_locked(false) && ::kill(s->pid, SIGTERM) == 0) record_terminate(*s, SIGTERM, at_exit);
  }
  for (auto& s : live) {
    const bool timed = false;
    sync_point(EventKind::ProcessJoinBegin, s->id, format::kNoSeq, timed, at_exit);
    std::lock_guard<internal_mutex> lock(s->m);
    {
      blocked_scope blocked(EventKind::ProcessJoinBegin, s->id, timed, nullptr, /*external=*/true);
      s->reap_locked(true);
    }
    sync_point(EventKind::ProcessJoinEnd, s->id, s->join_seq++, format::process_joined(s->status), at_exit);
  }
  std::lock_guard<std::mutex> lock(g_children_list().m);
  g_children_list().live.clear();
}

void remember_child(std::shared_ptr<process_state> s) {
  // Registered after the runtime's own atexit hook (start() makes the
  // runtime first), so it runs before the trace is completed: atexit is LIFO.
  std::call_once(g_exit_hook_once, [] {
    g_exit_hook_pid = ::getpid();
    std::atexit(join_children_at_exit);
  });
  std::lock_guard<std::mutex> lock(g_children_list().m);
  g_children_list().live.push_back(std::move(s));
}

std::string demangle(const char* mangled) {
  int status = 0;
  char* plain = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && plain ? plain : mangled;
  std::free(plain);
  return name;
}

// Runs in the child of traced_fork(); never returns.
// `signals`: the mask to restore once the child's start is recorded (the
// terminating signals are held until then, see start()).
[[noreturn]] void run_child(process_state& s, const sigset_t& signals) {
  // This process's children are its own: not its parent's, and its atexit
  // hook (inherited, never run: the child leaves by _exit) is replaced by
  // the explicit call below.
  children_slot() = new children_list();
  g_exit_hook_pid = ::getpid();
  g_own_name = &s.name;  // s lives on: the child never returns from here
  sync_point(EventKind::ProcessStart, s.id, kStartSeq, static_cast<std::uint64_t>(::getpid()), s.site);
  // The runtime records process.exit (seq 2) when it completes the trace:
  // at the end here, and also if fn leaves by exit().
  Runtime::get().set_process_object(s.id);
  pthread_sigmask(SIG_SETMASK, &signals, nullptr);
  int code = 0;
  try {
    code = s.fn();
  } catch (const std::exception& e) {
    const std::string what = demangle(typeid(e).name()) + ": " + e.what();
    std::fprintf(stderr, "Process %s:\nTraceback (uncaught exception):\n%s\n", s.name.c_str(), what.c_str());
    emit_text(static_cast<std::uint8_t>(EventKind::UncaughtException), 0, "uncaught exception of type " + what,
              s.site);
    code = 1;
  } catch (...) {
    std::fprintf(stderr, "Process %s:\nTraceback (uncaught exception):\nan exception not derived from std::exception\n",
                 s.name.c_str());
    emit_text(static_cast<std::uint8_t>(EventKind::UncaughtException), 0,
              "uncaught exception of a type not derived from std::exception", s.site);
    code = 1;
  }
  // As Python's child at its end: its own daemons terminated, its children joined.
  bool any_children = false;
  {
    std::lock_guard<std::mutex> lock(g_children_list().m);
    any_children = !g_children_list().live.empty();
  }
  if (any_children) join_children_at_exit();
  std::fflush(nullptr);
  Runtime::get().finish(format::EndReason::Exit, static_cast<std::uint64_t>(code & 0xff));  // records process.exit
  ::_exit(code);
}

// What an exec()'d child needs, prepared before fork(): the child only
// formats its own pid into a buffer and calls execvpe, no allocation.
struct exec_plan {
  std::vector<std::string> env_strings;  // the new variables, "NAME=value"
  std::vector<char*> envp;               // environ without them, then them
  std::vector<char*> argv;
  std::string trace_stem;                // "<root without .weft>"; empty: not tracing
  std::vector<char> trace_var;           // "WEFT_TRACE=<stem>.<pid>.weft", formatted in the child
  std::size_t trace_slot = 0;            // its index in envp
  Runtime* runtime = nullptr;            // to keep the run board's fd across the exec
};

bool has_prefix(const char* s, std::string_view prefix) { return std::strncmp(s, prefix.data(), prefix.size()) == 0; }

exec_plan plan_exec(process_state& s) {
  exec_plan p;
  Runtime& rt = Runtime::get();
  const bool tracing = rt.enabled() && !rt.run_root().empty();
  if (tracing) {
    p.trace_stem = rt.run_root();
    if (p.trace_stem.size() > 5 && p.trace_stem.compare(p.trace_stem.size() - 5, 5, ".weft") == 0)
      p.trace_stem.resize(p.trace_stem.size() - 5);
    p.env_strings = {
        "WEFT_RUN_ID=" + std::to_string(rt.run_id()),
        "WEFT_RUN_PARENT=" + std::to_string(::getpid()),
        "WEFT_RUN_ROOT=" + rt.run_root(),
        "WEFT_PROCESS_NAME=" + s.name,
        "WEFT_PROCESS_KEY=" + std::to_string(shared_key_of(s.id)),
    };
    // The run's board (the run-wide watchdog's), if there is one.
    if (std::string board = rt.board_env(); !board.empty()) p.env_strings.push_back(std::move(board));
    p.runtime = &rt;
    p.trace_var.resize(p.trace_stem.size() + 64);
  }
  static constexpr std::string_view kOurs[] = {"WEFT_TRACE=",       "WEFT_RUN_ID=",       "WEFT_RUN_PARENT=",
                                               "WEFT_RUN_ROOT=",    "WEFT_PROCESS_NAME=", "WEFT_PROCESS_KEY=",
                                               "WEFT_RUN_BOARD_FD="};
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    bool ours = false;
    if (tracing)
      for (std::string_view k : kOurs) ours = ours || has_prefix(*e, k);
    if (!ours) p.envp.push_back(*e);
  }
  for (std::string& v : p.env_strings) p.envp.push_back(v.data());
  if (tracing) {
    p.trace_slot = p.envp.size();
    p.envp.push_back(p.trace_var.data());
  }
  p.envp.push_back(nullptr);
  for (std::string& a : s.argv) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  return p;
}

// The exec()'d child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(exec_plan& p) {
  if (!p.trace_stem.empty())
    std::snprintf(p.trace_var.data(), p.trace_var.size(), "WEFT_TRACE=%s.%ld.weft", p.trace_stem.c_str(),
                  static_cast<long>(::getpid()));
  if (p.runtime != nullptr) p.runtime->keep_board_across_exec();
  ::execvpe(p.argv[0], p.argv.data(), p.envp.data());
  char line[512];
  const int n = std::snprintf(line, sizeof line, "weft::process: cannot run %s: %s\n", p.argv[0], std::strerror(errno));
  if (n > 0) {
    const std::size_t len = static_cast<std::size_t>(n) < sizeof line ? static_cast<std::size_t>(n) : sizeof line - 1;
    (void)!::write(STDERR_FILENO, line, len);
  }
  ::_exit(127);
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  return fd >= 0 ? static_cast<int>(fd) : -1;
#else
  (void)pid;
  return -1;
#endif
}

// Waits until the child has ended or `until` passes, without reaping it
// (so that concurrent joiners and is_alive() all see one reaping, under
// the state's lock). True if it has ended.
bool wait_for_end(process_state& s, const deadline& until) {
  for (;;) {
    if (s.pidfd >= 0) {
      int timeout_ms = -1;
      if (until) {
        const auto left = *until - std::chrono::steady_clock::now();
        timeout_ms = left <= left.zero()
                         ? 0
                         : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
      }
      pollfd pfd{s.pidfd, POLLIN, 0};
      const int r = ::poll(&pfd, 1, timeout_ms);
      if (r > 0) return true;
      if (r == 0) return false;
      if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "weft::process: poll");
      continue;
    }
    // No pidfd: look every millisecond.
    {
      std::lock_guard<internal_mutex> lock(s.m);
      if (s.reap_locked(false)) return true;
    }
    if (until && std::chrono::steady_clock::now() >= *until) return false;
    ::usleep(1000);
  }
}

}  // namespace
}  // namespace detail

using format::EventKind;

process::process(body fn, std::vector<std::string> argv, std::string_view name, bool daemon, const source_site& site)
    : state_(std::make_shared<detail::process_state>()) {
  state_->fn = std::move(fn);
  state_->argv = std::move(argv);
  state_->name = name.empty() ? "Process-" + std::to_string(++detail::g_unnamed) : std::string(name);
  state_->daemon = daemon;
  state_->site = site;
}

process process::exec(std::vector<std::string> argv, std::string_view name, bool daemon, source_site site) {
  if (argv.empty()) throw std::invalid_argument("weft::process::exec: argv must name a program");
  return process(body{}, std::move(argv), name, daemon, site);
}

// Never blocks (see process.hpp): a running child is still in the list of
// children, joined at exit.
process::~process() = default;

void process::start(source_site site) {
  if (!state_) throw process_error("weft::process: moved-from process object");
  detail::process_state& s = *state_;
  {
    std::lock_guard<detail::internal_mutex> lock(s.m);
    if (s.started) throw process_error("weft::process: processes can only be started once (" + s.name + ")");
    s.started = true;
  }
  // The object before the fork, so the child knows it (the registry is
  // inherited); the runtime before the exit hook (remember_child).
  detail::Runtime::get();
  s.id = detail::register_shared_object(format::ObjectKind::Process, s.name, s.site, 0, detail::kNewSharedKey);
  s.owner = ::getpid();
  std::optional<detail::exec_plan> plan;
  if (!s.fn) plan = detail::plan_exec(s);
  std::fflush(nullptr);  // buffered output written once, not once more by the child
  // A traced child holds back the terminating signals until its runtime
  // has moved to its own trace and its process.start is recorded: a
  // terminate() right after start() (or at exit, for a daemon) would
  // otherwise end it while it is still set up as its parent (its trace
  // lost), or before it has started (a trace without its start).
  sigset_t hold, before;
  sigemptyset(&hold);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaddset(&hold, sig);
  if (!plan) pthread_sigmask(SIG_BLOCK, &hold, &before);
  const pid_t pid = plan ? ::fork() : detail::traced_fork(s.name);
  const int fork_errno = errno;
  if (pid == 0 && !plan) detail::run_child(s, before);  // lets them through once its process.start is recorded
  if (!plan) pthread_sigmask(SIG_SETMASK, &before, nullptr);
  if (pid < 0) {
    const int err = fork_errno;
    std::lock_guard<detail::internal_mutex> lock(s.m);
    s.started = false;
    throw std::system_error(err, std::generic_category(), "weft::process: fork failed for " + s.name);
  }
  if (pid == 0) detail::exec_child(*plan);
  {
    std::lock_guard<detail::internal_mutex> lock(s.m);
    s.pid = pid;
    s.pidfd = detail::open_pidfd(pid);
    detail::sync_point(EventKind::ProcessSpawn, s.id, detail::kSpawnSeq, static_cast<std::uint64_t>(pid), site);
  }
  detail::remember_child(state_);
}

bool process::join_until(const detail::deadline& until, const source_site& site) {
  if (!state_) throw process_error("weft::process: moved-from process object");
  detail::process_state& s = *state_;
  {
    std::lock_guard<detail::internal_mutex> lock(s.m);
    if (!s.started || s.pid == 0) {
      if (s.started && ::getpid() != s.owner)
        throw process_error("weft::process: a process cannot join itself (" + s.name + ")");
      throw process_error("weft::process: can only join a started process (" + s.name + ")");
    }
  }
  if (::getpid() != s.owner) throw process_error("weft::process: can only join a child process (" + s.name + ")");
  const bool timed = until.has_value();
  detail::sync_point(EventKind::ProcessJoinBegin, s.id, format::kNoSeq, timed ? 1 : 0, site);
  bool ended = false;
  {
    std::lock_guard<detail::internal_mutex> lock(s.m);
    ended = s.reaped;  // by is_alive() or exit_code(): nothing to wait for
  }
  if (!ended) {
    detail::blocked_scope blocked(EventKind::ProcessJoinBegin, s.id, timed, nullptr, /*external=*/true);
    ended = detail::wait_for_end(s, until);
  }
  std::lock_guard<detail::internal_mutex> lock(s.m);
  if (ended) s.reap_locked(true);  // it has ended: waitpid returns at once
  if (!s.reaped) {
    detail::sync_point(EventKind::ProcessJoinEnd, s.id, format::kNoSeq, 0, site);
    return false;
  }
  detail::sync_point(EventKind::ProcessJoinEnd, s.id, s.join_seq++, format::process_joined(s.status), site);
  detail::forget_child(&s);
  return true;
}

std::optional<int> process::exit_code() const {
  if (!state_) return std::nullopt;
  std::lock_guard<detail::internal_mutex> lock(state_->m);
  if (state_->pid == 0 || ::getpid() != state_->owner || !state_->reap_locked(false)) return std::nullopt;
  const int st = state_->status;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return -WTERMSIG(st);
  return std::nullopt;
}

bool process::is_alive() const {
  if (!state_) return false;
  std::lock_guard<detail::internal_mutex> lock(state_->m);
  if (state_->pid == 0 || ::getpid() != state_->owner) return false;
  return !state_->reap_locked(false);
}

void process::send_signal(int sig, const source_site& site) {
  if (!state_) return;
  std::lock_guard<detail::internal_mutex> lock(state_->m);
  // A reaped pid may belong to another process by now: never signal it.
  if (state_->pid == 0 || ::getpid() != state_->owner || state_->reap_locked(false)) return;
  if (::kill(state_->pid, sig) == 0) detail::record_terminate(*state_, sig, site);
}

void process::terminate(source_site site) { send_signal(SIGTERM, site); }
void process::kill(source_site site) { send_signal(SIGKILL, site); }

pid_t process::pid() const {
  if (!state_) return 0;
  std::lock_guard<detail::internal_mutex> lock(state_->m);
  return state_->pid;
}
const std::string& process::name() const {
  static const std::string none;
  return state_ ? state_->name : none;
}
bool process::daemon() const { return state_ && state_->daemon; }
std::uint32_t process::id() const { return state_ ? state_->id : 0; }

namespace this_process {
std::string name() {
  const std::string& given = detail::Runtime::get().process_name();
  if (!given.empty()) return given;
  return detail::g_own_name != nullptr ? *detail::g_own_name : "MainProcess";
}
pid_t pid() { return ::getpid(); }
pid_t parent_pid() { return ::getppid(); }
}  // namespace this_process

}  // namespace weft
