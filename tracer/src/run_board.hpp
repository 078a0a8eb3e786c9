// The run board: a small table in shared memory that every traced process
// of one run sees, so that the watchdogs of the run can tell together what
// none can tell alone: that a parent waits for a child that waits for a
// pipe nobody writes (a hang across processes).
//
// Where it lives. The run's first process creates it when its runtime
// starts: a memfd (close-on-exec) mapped MAP_SHARED, so that a child of
// fork() shares it as it is. A child that execs a weft program finds it
// through WEFT_RUN_BOARD_FD, the fd's number, which the exec'ing side puts
// in its environment (Runtime::board_env) and keeps open across the exec
// (Runtime::keep_board_across_exec, in the child between fork and exec);
// the new program maps the fd only if it is a board of the same run
// (WEFT_RUN_ID), and sets close-on-exec on it again, so a stale number
// inherited by some unrelated grandchild is ignored. Without memfd the board
// is an anonymous shared mapping: forked children only.
//
// What it holds. One slot per live traced process: pid, parent pid, state,
// progress (the sum of the process's ring heads: it moves whenever the
// process records anything), since when that progress is still, and a short
// text of what its threads wait for. Each process writes its own slot only;
// a slot is freed when its process completes its trace, and any process may
// free the slot of a process that no longer exists (kill(pid, 0) fails, or
// it is a zombie: it died without completing its trace).
//
// The rule. A hang across processes is called when at least two processes
// are on the board, every one of them is `Blocked` (all its threads blocked
// in untimed waits, at least one of which another process could end), and
// none has made progress for WEFT_HANG_MS. A process alone is never called
// hung on external waits: what it waits for may be out of weft's sight (an
// untraced child, another program at the pipe's far end). The process that
// sees it first claims the stop (a compare-exchange on `claimer`) and writes
// the finding; every process of the run then acts on it (watchdog.cpp).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace weft::detail {

enum class BoardState : std::uint32_t {
  Free = 0,      // a slot being taken or given back: counts as running
  Running = 1,   // some thread can go on by itself
  Blocked = 2,   // all threads blocked, untimed, at least one wait external
};

inline constexpr std::size_t kBoardSlots = 64;
inline constexpr std::size_t kBoardText = 448;
inline constexpr std::size_t kBoardFinding = 3800;

struct BoardSlot {
  std::atomic<std::int32_t> pid{0};  // 0: free
  std::atomic<std::int32_t> parent{0};
  std::atomic<std::uint32_t> state{0};
  std::atomic<std::uint32_t> text_lock{0};  // a spin lock over `text`, never held across a call
  std::atomic<std::uint64_t> progress{0};
  std::atomic<std::uint64_t> stalled_since_ms{0};  // CLOCK_MONOTONIC, comparable across processes
  char text[kBoardText] = {};
};

struct BoardMemory {
  std::uint64_t magic = 0;
  std::uint64_t run_id = 0;
  std::atomic<std::int32_t> claimer{0};           // pid of the process that called the stop
  std::atomic<std::uint32_t> finding_ready{0};    // 1 once `finding` is written
  char finding[kBoardFinding] = {};
  BoardSlot slots[kBoardSlots];
};

class RunBoard {
 public:
  // Creates the board, or maps the one WEFT_RUN_BOARD_FD names if it belongs
  // to run `run_id`; then takes a slot for this process. Without a board
  // (no memory, 64 processes already) the process is simply not on it.
  void open(std::uint64_t run_id, pid_t parent);
  // In a traced child of fork(): the mapping is shared; take a slot of its own.
  void join_in_child(pid_t parent);
  // Gives this process's slot back (its trace is complete). Async-signal-safe.
  void leave() noexcept;
  bool on_board() const { return mine_ != nullptr; }
  // Another live process of the run is on the board too.
  bool others_on_board();
  int fd() const { return fd_; }

  // This process's look, for the others.
  void publish(BoardState state, std::uint64_t progress, std::uint64_t stalled_since_ms, const std::string& waits);
  // Every process of the run (two at least) blocked and still for
  // `hang_ms`: the finding naming each process and its waits.
  bool run_hung(std::uint32_t hang_ms, std::uint64_t now_ms, std::string& finding);
  // Takes the stop for this process; false if another process has it.
  bool claim(const std::string& finding);
  // The stop, once claimed and written: the finding, and whether ours.
  bool stopped(std::string& finding, bool& mine) const;
  // Up to `ms`: until the parent has left the board, its trace complete, or
  // is gone. A process acting on the stop ends only then: its end must not
  // end a wait of its parent's (a join of it, a pipe's receive) while that
  // trace is still being written, or the trace would show the wait over.
  void wait_for_parent(std::uint32_t ms) const;
  // Up to `ms`: until every child of this process on the board has left it.
  void wait_for_children(std::uint32_t ms);

 private:
  bool take_slot(pid_t parent);
  // A slot's process is gone: free the slot (state first, then pid).
  bool reap_if_dead(BoardSlot& s, std::int32_t pid);

  BoardMemory* memory_ = nullptr;
  BoardSlot* mine_ = nullptr;
  std::int32_t my_pid_ = 0;
  int fd_ = -1;
};

// Milliseconds of CLOCK_MONOTONIC: the board's clock, the same in every process.
std::uint64_t board_now_ms();

}  // namespace weft::detail
