#include "run_board.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <ctime>
#include <new>

#include "proc_stat.hpp"

namespace weft::detail {
namespace {

constexpr std::uint64_t kBoardMagic = 0x7466'6577'6472'6f62ull;  // "bordweft", little-endian

void pause_ms(long ms) {
  const timespec pause{ms / 1000, (ms % 1000) * 1'000'000};
  nanosleep(&pause, nullptr);
}

// A process that died without giving its slot back: gone, or a zombie its
// parent has not reaped yet (kill(pid, 0) still succeeds on a zombie).
bool process_gone(std::int32_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  return stat_says_exited(path);
}

// Copies `text` into a slot under its spin lock; a reader that cannot get
// the lock at once waits a little, never long: the holder copies bytes only.
void lock_text(BoardSlot& s) {
  for (int spins = 0;; ++spins) {
    std::uint32_t expected = 0;
    if (s.text_lock.compare_exchange_weak(expected, 1, std::memory_order_acquire, std::memory_order_relaxed)) return;
    if (spins > 100) pause_ms(1);
    if (spins > 1000) return;  // its holder died mid-copy: read what is there
  }
}
void unlock_text(BoardSlot& s) { s.text_lock.store(0, std::memory_order_release); }

BoardMemory* map_board(int fd) {
  void* p = ::mmap(nullptr, sizeof(BoardMemory), PROT_READ | PROT_WRITE, MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0),
                   fd, 0);
  return p == MAP_FAILED ? nullptr : static_cast<BoardMemory*>(p);
}

// The board WEFT_RUN_BOARD_FD names, if it is one and of this run.
BoardMemory* inherited_board(std::uint64_t run_id, int& fd_out) {
  const char* v = std::getenv("WEFT_RUN_BOARD_FD");
  if (v == nullptr || *v == '\0') return nullptr;
  char* end = nullptr;
  const long fd = std::strtol(v, &end, 10);
  if (*end != '\0' || fd < 0 || fd > 1'000'000) return nullptr;
  struct stat st {};
  if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::size_t>(st.st_size) != sizeof(BoardMemory))
    return nullptr;
  BoardMemory* m = map_board(static_cast<int>(fd));
  if (m == nullptr) return nullptr;
  if (m->magic != kBoardMagic || m->run_id != run_id) {
    ::munmap(m, sizeof(BoardMemory));
    return nullptr;
  }
  // Close-on-exec again: only a traced exec'd child gets it (exported anew).
  ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  fd_out = static_cast<int>(fd);
  return m;
}

}  // namespace

std::uint64_t board_now_ms() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::uint64_t(t.tv_sec) * 1000u + std::uint64_t(t.tv_nsec) / 1'000'000u;
}

void RunBoard::open(std::uint64_t run_id, pid_t parent) {
  memory_ = inherited_board(run_id, fd_);
  if (memory_ == nullptr) {
    fd_ = ::memfd_create("weft-run-board", MFD_CLOEXEC);
    if (fd_ >= 0 && ::ftruncate(fd_, sizeof(BoardMemory)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    memory_ = map_board(fd_);
    if (memory_ == nullptr) return;
    new (memory_) BoardMemory();
    memory_->run_id = run_id;
    memory_->magic = kBoardMagic;
  }
  take_slot(parent);
}

void RunBoard::join_in_child(pid_t parent) {
  mine_ = nullptr;
  if (memory_ != nullptr) take_slot(parent);
}

bool RunBoard::take_slot(pid_t parent) {
  my_pid_ = static_cast<std::int32_t>(::getpid());
  for (int round = 0; round < 2; ++round) {
    for (BoardSlot& s : memory_->slots) {
      std::int32_t expected = 0;
      if (s.pid.compare_exchange_strong(expected, my_pid_, std::memory_order_acq_rel)) {
        s.parent.store(static_cast<std::int32_t>(parent), std::memory_order_relaxed);
        s.progress.store(0, std::memory_order_relaxed);
        s.stalled_since_ms.store(board_now_ms(), std::memory_order_relaxed);
        s.state.store(static_cast<std::uint32_t>(BoardState::Running), std::memory_order_release);
        mine_ = &s;
        return true;
      }
    }
    // Full: slots of processes that died without a word are free to take.
    for (BoardSlot& s : memory_->slots) {
      const std::int32_t pid = s.pid.load(std::memory_order_acquire);
      if (pid != 0) reap_if_dead(s, pid);
    }
  }
  return false;
}

bool RunBoard::reap_if_dead(BoardSlot& s, std::int32_t pid) {
  if (!process_gone(pid)) return false;
  // State first: a process that takes the slot next writes its own after
  // its compare-exchange, and must not have it overwritten.
  s.state.store(static_cast<std::uint32_t>(BoardState::Free), std::memory_order_relaxed);
  std::int32_t expected = pid;
  s.pid.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
  return true;
}

void RunBoard::leave() noexcept {
  // Not in a child of fork() that inherited the parent's slot and never
  // took one: the slot is the parent's.
  if (mine_ == nullptr || mine_->pid.load(std::memory_order_relaxed) != static_cast<std::int32_t>(::getpid())) return;
  mine_->state.store(static_cast<std::uint32_t>(BoardState::Free), std::memory_order_relaxed);
  mine_->pid.store(0, std::memory_order_release);
  mine_ = nullptr;
}

void RunBoard::publish(BoardState state, std::uint64_t progress, std::uint64_t stalled_since_ms,
                       const std::string& waits) {
  if (mine_ == nullptr) return;
  lock_text(*mine_);
  const std::size_t n = std::min(waits.size(), kBoardText - 1);
  std::memcpy(mine_->text, waits.data(), n);
  mine_->text[n] = '\0';
  unlock_text(*mine_);
  mine_->progress.store(progress, std::memory_order_relaxed);
  mine_->stalled_since_ms.store(stalled_since_ms, std::memory_order_relaxed);
  mine_->state.store(static_cast<std::uint32_t>(state), std::memory_order_release);
}

bool RunBoard::run_hung(std::uint32_t hang_ms, std::uint64_t now_ms, std::string& finding) {
  if (mine_ == nullptr) return false;
  std::string text;
  int live = 0;
  for (BoardSlot& s : memory_->slots) {
    const std::int32_t pid = s.pid.load(std::memory_order_acquire);
    if (pid == 0) continue;
    const auto state = static_cast<BoardState>(s.state.load(std::memory_order_acquire));
    if (state != BoardState::Blocked) {
      // A process that died Running would keep the run from ever being
      // called hung: it is gone, and so is its say.
      if (pid != my_pid_ && reap_if_dead(s, pid)) continue;
      return false;
    }
    if (pid != my_pid_ && reap_if_dead(s, pid)) continue;
    if (now_ms < s.stalled_since_ms.load(std::memory_order_relaxed) + hang_ms) return false;
    ++live;
    lock_text(s);
    const std::string waits(s.text, strnlen(s.text, kBoardText));
    unlock_text(s);
    text += (text.empty() ? "" : "; ") + waits;
  }
  if (live < 2) return false;
  finding = "hang across processes: every process of the run is blocked with no timeout and nothing has happened for " +
            std::to_string(hang_ms) + " ms: " + text;
  return true;
}

bool RunBoard::others_on_board() {
  if (mine_ == nullptr) return false;
  for (BoardSlot& s : memory_->slots) {
    const std::int32_t pid = s.pid.load(std::memory_order_acquire);
    if (pid != 0 && pid != my_pid_ && !reap_if_dead(s, pid)) return true;
  }
  return false;
}

bool RunBoard::claim(const std::string& finding) {
  if (memory_ == nullptr) return false;
  std::int32_t expected = 0;
  if (!memory_->claimer.compare_exchange_strong(expected, my_pid_, std::memory_order_acq_rel)) return false;
  const std::size_t n = std::min(finding.size(), kBoardFinding - 1);
  std::memcpy(memory_->finding, finding.data(), n);
  memory_->finding[n] = '\0';
  memory_->finding_ready.store(1, std::memory_order_release);
  return true;
}

bool RunBoard::stopped(std::string& finding, bool& mine) const {
  if (mine_ == nullptr || memory_->finding_ready.load(std::memory_order_acquire) == 0) return false;
  finding.assign(memory_->finding, strnlen(memory_->finding, kBoardFinding));
  mine = memory_->claimer.load(std::memory_order_relaxed) == my_pid_;
  return true;
}

void RunBoard::wait_for_parent(std::uint32_t ms) const {
  if (memory_ == nullptr) return;
  const pid_t parent = ::getppid();
  for (std::uint32_t waited = 0; waited < ms; waited += 5) {
    bool waiting = false;
    for (const BoardSlot& s : memory_->slots)
      if (s.pid.load(std::memory_order_acquire) == static_cast<std::int32_t>(parent)) waiting = true;
    if (!waiting) return;
    pause_ms(5);
  }
}

// Until the children are gone, not only their slots: a child frees its
// slot when its trace is complete, a moment before it ends, and this
// process ending first would close the pipes it is still blocked on (its
// receive would see end of file and say so on its way out).
void RunBoard::wait_for_children(std::uint32_t ms) {
  if (memory_ == nullptr) return;
  std::vector<std::int32_t> children;
  for (BoardSlot& s : memory_->slots) {
    const std::int32_t pid = s.pid.load(std::memory_order_acquire);
    if (pid != 0 && pid != my_pid_ && s.parent.load(std::memory_order_relaxed) == my_pid_) children.push_back(pid);
  }
  for (std::uint32_t waited = 0; waited < ms && !children.empty(); waited += 5) {
    std::erase_if(children, [](std::int32_t pid) { return process_gone(pid); });
    if (!children.empty()) pause_ms(5);
  }
}

}  // namespace weft::detail
