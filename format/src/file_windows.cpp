#include "file_windows.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace weft::format::detail {
namespace {

// The live windows, as the SIGBUS handler sees them: a fixed table (the
// handler may not allocate or lock), each slot claimed by one window.
// A slot is published (kLive) only once its range is written, and taken out
// of the handler's sight (kClaimed) before its window is unmapped.
struct Slot {
  static constexpr int kFree = 0, kClaimed = 1, kLive = 2;
  std::atomic<int> state{kFree};
  std::atomic<std::uintptr_t> begin{0}, end{0};
  std::atomic<bool> shrank{false};
};
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

// A load holds a few windows at a time (a batch's and the next): this
// serves dozens of traces loaded side by side. Past it, view() says no and
// the caller copies.
Slot slots[FileWindows::kMostWindows];
std::size_t page_bytes = 0;  // set before the handler is installed
struct sigaction previous_action {};

void restore_default_and_return() {
  // The fault happens again on return, and now kills the process (with a
  // core), as if no handler had been installed.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGBUS, &dfl, nullptr);
}

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Slot& s : slots) {
    if (s.state.load(std::memory_order_acquire) != Slot::kLive) continue;
    if (at < s.begin.load(std::memory_order_relaxed) || at >= s.end.load(std::memory_order_relaxed)) continue;
    // The page is gone from the file: zeros in its place, read-only as the
    // window is. (mmap is a plain system call on Linux, safe here.)
    void* page = reinterpret_cast<void*>(at & ~(page_bytes - 1));
    if (::mmap(page, page_bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
      restore_default_and_return();
      return;
    }
    s.shrank.store(true, std::memory_order_release);
    return;
  }
  // Not a window's: whoever handled SIGBUS before does.
  if ((previous_action.sa_flags & SA_SIGINFO) && previous_action.sa_sigaction != nullptr) {
    previous_action.sa_sigaction(sig, info, context);
  } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    previous_action.sa_handler(sig);
  } else {
    restore_default_and_return();  // a SIGBUS from a fault cannot be ignored
  }
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    page_bytes = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_action);
  });
}

int claim_slot(std::uintptr_t begin, std::uintptr_t end) {
  for (int k = 0; k < FileWindows::kMostWindows; ++k) {
    int free = Slot::kFree;
    if (!slots[k].state.compare_exchange_strong(free, Slot::kClaimed, std::memory_order_acquire)) continue;
    slots[k].begin.store(begin, std::memory_order_relaxed);
    slots[k].end.store(end, std::memory_order_relaxed);
    slots[k].shrank.store(false, std::memory_order_relaxed);
    slots[k].state.store(Slot::kLive, std::memory_order_release);
    return k;
  }
  return -1;
}

// Out of the handler's sight; what it noted.
bool retire_slot(int k) {
  slots[k].state.store(Slot::kClaimed, std::memory_order_release);
  const bool shrank = slots[k].shrank.load(std::memory_order_acquire);
  slots[k].state.store(Slot::kFree, std::memory_order_release);
  return shrank;
}

}  // namespace

FileWindows::FileWindows(int fd, std::uint64_t file_size, std::size_t window_bytes)
    : fd_(fd), file_size_(file_size), window_bytes_(window_bytes) {}

FileWindows::~FileWindows() {
  for (const Window& w : windows_) unmap(w);
}

void FileWindows::unmap(const Window& w) {
  if (retire_slot(w.slot)) shrank_ = true;
  ::munmap(w.data, w.length);
}

const unsigned char* FileWindows::view(std::uint64_t offset, std::size_t length) {
  if (offset > file_size_ || length > file_size_ - offset) return nullptr;
  for (auto it = windows_.rbegin(); it != windows_.rend(); ++it)
    if (offset >= it->offset && offset + length <= it->offset + it->length) return it->data + (offset - it->offset);
  install_handler();
  const std::uint64_t start = offset / page_bytes * page_bytes;
  // At least a window, up to the end of the file (its last page whole: the
  // bytes past the end of the file in it read as zeros).
  const std::uint64_t wanted = std::max<std::uint64_t>(offset + length - start, window_bytes_);
  const std::uint64_t to_end = (file_size_ - start + page_bytes - 1) / page_bytes * page_bytes;
  const auto window_length = static_cast<std::size_t>(std::min(wanted, to_end));
  // Read in now, in one call: page by page, each first read would fault.
  void* p = ::mmap(nullptr, window_length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(start));
  if (p == MAP_FAILED) return nullptr;
  auto* data = static_cast<unsigned char*>(p);
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const int slot = claim_slot(begin, begin + window_length);
  if (slot < 0) {
    ::munmap(p, window_length);
    return nullptr;
  }
  windows_.push_back({start, window_length, data, slot});
  return data + (offset - start);
}

void FileWindows::release_before(std::uint64_t offset) {
  std::erase_if(windows_, [&](const Window& w) {
    if (w.offset + w.length > offset) return false;
    unmap(w);
    return true;
  });
}

bool FileWindows::shrank() const {
  if (shrank_) return true;
  for (const Window& w : windows_)
    if (slots[w.slot].shrank.load(std::memory_order_acquire)) return true;
  return false;
}

}  // namespace weft::format::detail
