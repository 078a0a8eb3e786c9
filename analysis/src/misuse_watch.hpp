// The misuse detector (find_misuse) as a step per event, so that a walk the
// check makes anyway (the model's: model_walk.hpp) can carry it instead of
// decoding every event once more for it alone. On a contended 10 M-event
// trace a walk's decoding is about 3 ns of each event's 7.
//
// The step keeps who holds each lock and which threads are inside a wait,
// inline; the events that may be misuse (a few kinds, or a flag the runtime
// set) go to look(), out of line. The findings come from finish().
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/analysis/finding.hpp"
#include "weft/analysis/object_state.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

class MisuseWatch {
 public:
  explicit MisuseWatch(const format::Trace& t);
  MisuseWatch(const MisuseWatch&) = delete;
  MisuseWatch& operator=(const MisuseWatch&) = delete;

  // Applies event `index`, which is `e` (call in trace order, every event).
  __attribute__((always_inline)) void step(std::uint64_t index, const format::Event& e);

  // One finding per kind of misuse, object and site, with a count.
  std::vector<Finding> finish();

 private:
  static constexpr std::uint32_t kNobody = ~0u;

  // The kinds look() reads whatever their flags; the others (a release, a
  // semaphore's, task_done) are misuse only when the runtime flagged them.
  static constexpr std::array<bool, format::kMaxKindCode + 1> kAlwaysLooked = [] {
    std::array<bool, format::kMaxKindCode + 1> a{};
    for (format::EventKind k : {format::EventKind::CondWaitBegin, format::EventKind::ObjectDestroy,
                                format::EventKind::ThreadEnd, format::EventKind::ThreadJoinBegin,
                                format::EventKind::ThreadCreate, format::EventKind::ThreadJoinEnd,
                                format::EventKind::ThreadDetach})
      a[static_cast<std::uint8_t>(k)] = true;
    return a;
  }();
  static constexpr std::uint8_t kMisuseFlags = format::kFlagNotOwner | format::kFlagRejected;

  void look(std::uint64_t index, const format::Event& e);  // an event that may be misuse
  Finding& add(int what, const format::Event& e, std::uint64_t index, std::string title, std::string explanation);
  std::string holder_before(std::uint32_t lock, std::uint64_t index) const;
  // A call glibc refused on a destroyed mutex; `verb`: " locks ", ...
  void add_destroyed_use(const format::Event& e, std::uint64_t index, const char* verb);
  // A join or detach of `thread`, joined or detached already.
  void add_handle_again(const format::Event& e, std::uint64_t index, std::uint32_t thread, const char* verb);

  const format::Trace& t_;
  std::map<std::tuple<int, std::uint32_t, std::uint32_t>, Finding> found_;  // (what, object, site)
  // Who holds each lock as the walk goes (exclusive holder; shared holds
  // counted per lock and thread), for a thread that ends holding one, and
  // the lock each condition is waited on with. Every event passes here:
  // per-object and per-thread state is kept in vectors indexed by id, not
  // hashed (only the rarer shared holds are).
  std::vector<std::uint32_t> holder_;          // lock -> exclusive holder
  std::vector<std::uint32_t> taken_at_;        // lock -> site of its latest acquisition
  std::vector<std::uint64_t> taken_event_;     // lock -> index of that acquisition
  std::vector<std::uint32_t> condition_lock_;  // condition -> its first wait's lock
  std::vector<std::uint32_t> holds_of_thread_;
  std::vector<char> waiting_;  // thread -> inside a wait
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> shared_holds_;
  // thread.end, and the locks it held with the sites they were taken at.
  struct HeldLock {
    std::uint32_t lock;
    std::uint32_t site;
    bool operator==(std::uint32_t l) const { return lock == l; }
  };
  std::vector<std::pair<std::uint64_t, std::vector<HeldLock>>> ended_holding_;
  // Threads' lives, for a thread never joined nor detached (thread ids).
  std::vector<std::uint32_t> thread_of_object_;  // a thread's object -> the thread
  std::vector<std::uint64_t> created_at_;        // thread -> its thread.create event, kNoEvent if not here
  std::vector<std::uint64_t> ended_at_;          // thread -> its thread.end event
  std::vector<char> released_;                   // thread -> joined or detached
  std::vector<std::uint64_t> released_at_;       // thread -> the join or detach that did it
  std::vector<char> awaited_;                    // thread -> a join without deadline began on it
  // A destroyed object's address -> (object, its object.destroy event), for
  // a call the C library refused because the object there was destroyed.
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint64_t>> destroyed_at_;
};

__attribute__((always_inline)) inline void MisuseWatch::step(std::uint64_t i, const format::Event& e) {
  const format::Meaning& m = format::meaning(e.kind);
  const bool known = e.object < holder_.size() && e.thread < holds_of_thread_.size();
  if (m.wait.op != format::WaitOp::None && e.thread < waiting_.size())
    waiting_[e.thread] = m.wait.op == format::WaitOp::Begins;
  if (e.seq != format::kNoSeq && known) {
    const format::HoldOp hold = m.hold;
    if (hold == format::HoldOp::Takes || hold == format::HoldOp::TakesShared) {
      taken_at_[e.object] = e.site;
      taken_event_[e.object] = i;
    }
    switch (hold) {
      case format::HoldOp::Takes:
        if (holder_[e.object] == kNobody) {
          holder_[e.object] = e.thread;
          ++holds_of_thread_[e.thread];
        } else if (holder_[e.object] != e.thread && ended_at_[holder_[e.object]] != kNoEvent) [[unlikely]] {
          // Taken from an owner that ended holding it: a robust mutex, whose
          // next lock returned EOWNERDEAD (a normal one is never taken
          // again). Handing the dead owner's hold on is what a robust mutex
          // is for: that lock was not left locked for good.
          for (auto& [end, locks] : ended_holding_) std::erase(locks, e.object);
          --holds_of_thread_[holder_[e.object]];
          holder_[e.object] = e.thread;
          ++holds_of_thread_[e.thread];
        }
        break;
      case format::HoldOp::Drops:
        if (e.flags & format::kFlagNotOwner)  // another thread let it go: not left locked for good
          for (auto& [end, locks] : ended_holding_) std::erase(locks, e.object);
        if (e.arg == 0 && holder_[e.object] != kNobody) {
          --holds_of_thread_[holder_[e.object]];
          holder_[e.object] = kNobody;
        }
        break;
      case format::HoldOp::TakesShared:
        ++shared_holds_[{e.object, e.thread}];
        ++holds_of_thread_[e.thread];
        break;
      case format::HoldOp::DropsShared:
        if (auto it = shared_holds_.find({e.object, e.thread}); it != shared_holds_.end() && it->second > 0) {
          --it->second;
          --holds_of_thread_[e.thread];
        }
        break;
      case format::HoldOp::None: break;
    }
  }
  if (kAlwaysLooked[static_cast<std::uint8_t>(e.kind) & format::kMaxKindCode] || (e.flags & kMisuseFlags))
    [[unlikely]] look(i, e);
}

}  // namespace weft::analysis::detail
