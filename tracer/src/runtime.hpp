// The tracing runtime: one per process, created on first use, never
// destroyed (crash handlers and late threads may use it until the very end).
//
// It owns the configuration, the registry, the list of thread buffers, the
// trace writer and the writer thread, and it decides when the trace is
// complete: at exit, on an uncaught exception, on a fatal signal.
#pragma once

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "config.hpp"
#include "own_thread.hpp"
#include "registry.hpp"
#include "run_board.hpp"
#include "trace_writer.hpp"
#include "watchdog.hpp"
#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"

namespace weft::detail {

class Runtime {
 public:
  static Runtime& get();
  // The runtime if it exists, without creating it (for signal handlers).
  static Runtime* peek() noexcept { return instance_.load(std::memory_order_acquire); }

  const Config& config() const { return config_; }
  Registry& registry() { return registry_; }
  bool enabled() const { return config_.enabled; }
  // Set once the trace is complete: from then on events have nowhere to go.
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // Called when an event is dropped because the trace is closed.
  void note_dropped_after_close();

  // A buffer for a new thread: a free one if any, else a new one.
  ThreadBuffer* acquire_buffer();
  ThreadBuffer* buffers() const { return buffers_.load(std::memory_order_acquire); }
  long writer_tid() const { return writer_tid_.load(std::memory_order_relaxed); }
  Watchdog& watchdog() { return watchdog_; }
  // The run's shared table of processes (run_board.hpp).
  RunBoard& board() { return board_; }
  void wake_writer();

  void flush();                                   // weft::flush()
  // Before this process execs another program (weft record): what is
  // recorded so far goes to the file, since exec ends the process's writer
  // without its last round. Nothing in a vfork child, whose memory is the
  // parent's. Not an END: an exec that fails goes on. A process with a
  // process object (a followed child of weft record -f) records its
  // process.exit (seq 2, arg 0) first: the traced image ends here, and its
  // parent's join of it must find the exit on the object.
  void flush_before_exec();
  // A thread whose ring is full drains the rings itself rather than wait
  // for the writer thread to be scheduled; false if a flush is under way.
  bool help_flush();
  void retarget(const std::string& path);         // weft::trace_to()
  // The run this process belongs to: its id, and the first process's trace
  // path (children write "<stem>.<pid>.weft" beside it).
  std::uint64_t run_id() const { return start_.run_id; }
  const std::string& run_root() const { return start_.run_root; }
  std::uint64_t parent_pid() const { return start_.parent_pid; }
  // The name this process was given (weft::process), empty if none.
  const std::string& process_name() const { return start_.process_name; }
  std::string trace_path();
  // For a child of fork() that execs a weft program in the run (beside
  // WEFT_TRACE, WEFT_RUN_ID, WEFT_RUN_PARENT, WEFT_RUN_ROOT,
  // WEFT_PROCESS_NAME, WEFT_PROCESS_KEY): the variable that hands it the run
  // board, "WEFT_RUN_BOARD_FD=<fd>" (empty if there is no board), made
  // before fork; and, in the child between fork and exec, keeping the
  // board's fd open across the exec (async-signal-safe: one fcntl).
  std::string board_env() const;
  void keep_board_across_exec() const noexcept;
  // The process object this process's own start and exit are recorded on
  // (an exec'd child of weft::process, a followed fork under weft record
  // -f): process.exit (seq 2) is recorded on it when the trace is finished.
  void set_process_object(std::uint32_t object) { process_object_.store(object, std::memory_order_release); }
  // In a child of fork() that is not followed: stops recording, its events
  // dropped and its end left to the parent's trace. Takes no lock and
  // allocates nothing, so that a child of a raw fork system call (which
  // ran none of the atfork handlers) can call it too.
  void stop_in_unfollowed_child() noexcept;
  // Completes the trace (END record) and stops the writer thread.
  void finish(format::EndReason reason, std::uint64_t status);
  // The same from a crash handler: no allocation, no joining.
  void finish_in_crash(format::EndReason reason, std::uint64_t status) noexcept;
  // Whether the calling process is the runtime's own: not a vfork child,
  // which shares its parent's memory, and so its runtime, until its exec
  // or _exit, and must leave it be.
  bool own_process() const { return start_.pid == static_cast<std::uint64_t>(::getpid()); }
  // The program ends its process with _exit, which runs no atexit handler
  // (weft's finish among them): finish(Exit, status) first, if this process
  // is the runtime's own and its trace open.
  void finish_before_exit_call(std::uint64_t status);
  // The status the program passed to exit(), or main returned (weft record
  // sees both: preload/process_end.cpp), for the trace's end, which weft's
  // atexit handler writes without being told it. The first one counts; a
  // vfork child's is its own, not this runtime's. Without it (a program
  // linked with weft, not run under weft record) the end says 0.
  void note_exit_status(int status) noexcept;

 private:
  Runtime();
  void start();
  void finish_at_exit();  // weft's atexit (and at_quick_exit) handler
  void writer_loop();
  void start_writer();
  // weft record -f (config_.follow_forks) or weft::process (traced_fork):
  // this process is a child of fork() and traces on, into its own file of
  // the run, named `name` (empty: the program's).
  void continue_in_forked_child(const std::string& name);
  // An exec'd child of weft::process (WEFT_PROCESS_KEY, WEFT_RUN_PARENT its
  // parent): registers the parent's process object under its key and
  // records process.start (seq 1) on the first thread that gets here.
  void announce_exec_child();

  static std::atomic<Runtime*> instance_;

  Config config_;
  StartInfo start_;
  Registry registry_;
  std::atomic<ThreadBuffer*> buffers_{nullptr};
  TraceWriter writer_;
  std::atomic<long> flush_owner_{0};  // see FlushLock
  std::atomic<bool> closed_{false};
  std::atomic<bool> finishing_{false};
  std::atomic<int> exit_status_{-1};  // see note_exit_status; -1: not known
  bool forked_child_ = false;  // this process is a child of fork(): not tracing

  Watchdog watchdog_;
  RunBoard board_;
  std::uint64_t process_key_ = 0;                  // WEFT_PROCESS_KEY honoured; see announce_exec_child
  std::atomic<bool> announce_pending_{false};
  std::atomic<std::uint32_t> process_object_{0};
  std::atomic<long> writer_tid_{0};
  OwnThread writer_thread_;
  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool wake_ = false;   // guarded by wake_mutex_
  bool stop_ = false;   // guarded by wake_mutex_
};

}  // namespace weft::detail
