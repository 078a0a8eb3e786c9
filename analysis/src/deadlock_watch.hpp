// Deadlocks that happened (deadlocks.cpp says which), found event by event
// beside a walk that steps a LockTracker: find_deadlocks' own, or the
// check's, which the lock-order collector shares (lock_walk.hpp). Who holds
// what is that tracker's, read before it steps past each event.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "lock_tracker.hpp"
#include "weft/analysis/finding.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

class DeadlockWatch {
 public:
  DeadlockWatch(const format::Trace& t, const LockTracker& locks)
      : t_(t), locks_(locks), blocked_(t.threads.size()), self_wait_(t.threads.size(), kNone) {}
  // Event `i`, before `locks` steps past it. Inline: the walk passes every
  // event here, and only the begin or end of a lock wait has work.
  void step(std::uint64_t i, const format::Event& e) {
    const format::WaitRole& role = format::meaning(e.kind).wait;
    if (role.op == format::WaitOp::None || !format::is_lock_wait(role.cause)) return;
    // The end of a wait that was never blocked (every acquisition ends a
    // lock's wait, also one that did not wait) has nothing to undo while
    // no circle is open: decided here, without the call.
    if (role.op == format::WaitOp::Ends && cycles_.empty() && self_open_ == 0 &&
        (e.thread >= blocked_.size() || !blocked_[e.thread]))
      return;
    lock_wait(i, e, role.op);
  }
  // The self-deadlocks, then the circles nothing broke before the end.
  std::vector<Finding> finish();

 private:
  struct Blocked {
    std::uint32_t lock = 0;
    std::uint64_t event = 0;
    bool timed = false;
    bool shared = false;
  };
  struct Open {
    Finding finding;
    std::set<std::uint32_t> threads;
  };
  using Path = std::vector<std::pair<std::uint32_t, const Holder*>>;  // thread, the holder it waits for

  void lock_wait(std::uint64_t i, const format::Event& e, format::WaitOp op);
  void self_deadlock(std::uint64_t i, const format::Event& e, const Holder& mine, const Blocked& b);
  void refused_self_lock(std::uint64_t i, const format::Event& e, Finding& f);
  std::vector<const Holder*> blockers(std::uint32_t thread) const;
  void find_cycle(std::uint32_t start);
  bool search(std::uint32_t start, std::uint32_t thread, Path& path, std::set<std::uint32_t>& seen);
  void report(const Path& path);

  const format::Trace& t_;
  const LockTracker& locks_;
  // By thread: the lock it waits for, if it waits (a flat array: every
  // lock wait of a contended trace begins and ends here).
  std::vector<std::optional<Blocked>> blocked_;
  std::vector<Open> cycles_;  // formed, not (yet) broken
  std::vector<Finding> out_;
  // By thread: its self-deadlock in out_ while its wait is still open (a
  // wait that ends was refused, not a deadlock, or the lock was taken after
  // another thread unlocked it: withdrawn); how many are open.
  static constexpr std::size_t kNone = ~std::size_t{0};
  std::vector<std::size_t> self_wait_;
  std::size_t self_open_ = 0;
  std::vector<std::size_t> withdrawn_;  // in out_, left out by finish()
};

}  // namespace weft::analysis::detail
