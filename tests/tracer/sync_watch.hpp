// Watches the sync point while a test runs: every synchronization event any
// thread records is also kept here, as it happens. A test uses it to wait
// until another thread has recorded a given event (a primitive records its
// *.begin event inside its own critical section, just before it blocks, so
// once the event is seen, the next operation on that primitive is ordered
// after the block), and to compare what passed through
// weft::detail::sync_point with what the trace holds.
//
// One watch at a time (it owns the process-wide hook); tests run one after
// another, so that is all they need.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <weft/detail/event_buffer.hpp>
#include <weft/detail/sync_point.hpp>
#include <weft/format/schema.hpp>

namespace weft::test {

struct SeenEvent {
  std::uint32_t thread = 0;
  format::EventKind kind{};
  std::uint32_t object = 0;
  std::uint64_t seq = 0;
  std::uint64_t arg = 0;
  std::uint8_t flags = 0;
  std::string file;
  unsigned line = 0;
};

class SyncWatch {
 public:
  SyncWatch() {
    std::lock_guard<std::mutex> lock(state().m);
    state().seen.clear();
    previous_ = weft::detail::set_sync_hook(&hook);
  }
  ~SyncWatch() { weft::detail::set_sync_hook(previous_); }
  SyncWatch(const SyncWatch&) = delete;
  SyncWatch& operator=(const SyncWatch&) = delete;

  // Waits until at least `count` events of `kind` on `object` were seen.
  bool wait_for(format::EventKind kind, std::uint32_t object, std::size_t count = 1,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(state().m);
    return state().cv.wait_for(lock, timeout, [&] { return count_locked(kind, object) >= count; });
  }
  std::size_t count(format::EventKind kind, std::uint32_t object) {
    std::lock_guard<std::mutex> lock(state().m);
    return count_locked(kind, object);
  }
  std::vector<SeenEvent> seen() {
    std::lock_guard<std::mutex> lock(state().m);
    return state().seen;
  }

 private:
  struct State {
    std::mutex m;
    std::condition_variable cv;
    std::vector<SeenEvent> seen;
  };
  static State& state() {
    static State s;
    return s;
  }
  static std::size_t count_locked(format::EventKind kind, std::uint32_t object) {
    std::size_t n = 0;
    for (const SeenEvent& e : state().seen) n += e.kind == kind && e.object == object;
    return n;
  }
  static void hook(const weft::detail::sync_event& e) {
    SeenEvent s;
    s.thread = weft::detail::current_thread_id();
    s.kind = e.kind;
    s.object = e.object;
    s.seq = e.seq;
    s.arg = e.arg;
    s.flags = e.flags;
    s.file = e.site && e.site->file ? e.site->file : "";
    s.line = e.site ? e.site->line : 0;
    {
      std::lock_guard<std::mutex> lock(state().m);
      state().seen.push_back(std::move(s));
    }
    state().cv.notify_all();
  }

  weft::detail::sync_hook previous_ = nullptr;
};

// Waits until the thread owning `buffer` (its weft::detail::current_buffer(),
// taken on that thread) is blocked in a wait that began as `kind` on
// `object`, as the watchdog sees it (detail::blocked_scope). For waits that
// record no event of their own, such as a pool's idle worker waiting for
// work (QueueGetBegin on the pool). The thread sets this state inside the
// wait's own critical section, after everything it did before the wait, and
// the load here pairs with that store: once seen, what the thread did before
// it began to wait is visible. Polls (the state has no notification); what
// decides is the state, never how long the poll took.
inline bool wait_until_blocked(const weft::detail::ThreadBuffer* buffer, format::EventKind kind, std::uint32_t object,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (buffer->wait_kind.load(std::memory_order_acquire) == static_cast<std::uint8_t>(kind) &&
        buffer->wait_object.load(std::memory_order_relaxed) == object)
      return true;
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace weft::test
