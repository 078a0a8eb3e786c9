// Who holds which lock, event by event, read off the meaning table's hold
// roles with object_state.hpp's policy for what a trace gets wrong. The
// detectors that walk the trace (lock order, deadlocks, misuse) ask it what
// is held before each event; the model runs it in recording mode to keep
// every hold, with the condition-wait gaps and the anomalies.
//
// Invariants, after every step:
//  - a lock has either one exclusive holder or any number of shared holders
//    (at most one entry per thread);
//  - a thread's held list has exactly the locks whose holder lists name it,
//    in the order it took them (outermost first);
//  - in recording mode, a holder's `hold` is the index of its open Hold.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "series_builder.hpp"
#include "weft/analysis/object_state.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis::detail {

struct Holder {
  std::uint32_t thread = 0;
  std::uint32_t depth = 1;     // re-entries of a recursive mutex (or of a shared hold)
  bool shared = false;
  std::uint64_t since = 0;     // the acquisition that began the hold
  std::size_t hold = 0;        // recording mode: index in ObjectState::holds
};

struct HeldLock {
  std::uint32_t lock = 0;
  std::uint32_t site = 0;      // where it was taken
  bool shared = false;
};

class LockTracker {
 public:
  explicit LockTracker(const format::Trace& trace);
  // Recording mode: keeps every hold, the anomalies and the lock series.
  LockTracker(const format::Trace& trace, ObjectState& record, SeriesBuilder& series);

  // Whether `object` is a lock (its object kind takes holds).
  bool is_lock(std::uint32_t object) const { return object < slot_of_.size() && slot_of_[object] != kNotALock; }

  // Applies event `index`, which is `e` (call in trace order). Inline: the
  // walks call it for every event. What a change of hold does is out of
  // line.
  __attribute__((always_inline)) void step(std::uint64_t index, const format::Event& e) {
    if (e.thread >= held_.size()) return;
    const format::Meaning& m = format::meaning(e.kind);
    if (record_ && m.wait.cause == format::WaitCause::Condition) note_condition_wait(index, e);
    // A refused operation (no sequence number) changed no hold.
    if (m.hold == format::HoldOp::None || e.seq == format::kNoSeq || !is_lock(e.object)) return;
    if (!record_ && step_plainly(index, e, m.hold)) return;
    switch (m.hold) {
      case format::HoldOp::Takes: take(index, e, false); break;
      case format::HoldOp::TakesShared: take(index, e, true); break;
      case format::HoldOp::Drops: drop(index, e, false); break;
      case format::HoldOp::DropsShared: drop(index, e, true); break;
      case format::HoldOp::None: break;
    }
    if (series_) record_series(index, e);
  }
  // Recording mode: ends the holds still open, at `end_ns`.
  void finish(std::uint64_t end_ns);

  std::span<const Holder> holders(std::uint32_t lock) const {
    return is_lock(lock) ? holders_of(slots_[slot_of_[lock]]) : std::span<const Holder>();
  }
  // Inline: the lock walk's two observers ask it for every lock event.
  const Holder* holder(std::uint32_t lock, std::uint32_t thread) const {
    for (const Holder& h : holders(lock))
      if (h.thread == thread) return &h;
    return nullptr;
  }
  std::span<const HeldLock> held_by(std::uint32_t thread) const {
    return thread < held_.size() ? std::span<const HeldLock>(held_[thread]) : std::span<const HeldLock>();
  }

 private:
  // A lock's holders: at most one exclusive, kept inline (most locks are
  // plain mutexes, and every lock event looks here), or any number shared,
  // in a list of shared_lists_ that only a lock ever held shared has (a
  // trace may have millions of locks, two slots each: one in the model's
  // tracker, one in the lock walk's).
  static constexpr std::uint32_t kNoList = ~0u;
  struct LockSlot {
    Holder exclusive;
    std::uint32_t shared_list = kNoList;  // index in shared_lists_, once held shared
    bool held = false;            // `exclusive` is a holder
    bool readers_kept = false;    // a shared mutex: how many read is a series
    bool depth_kept = false;      // re-entered once: its depth is a series from then on
  };
  static constexpr std::uint32_t kNotALock = ~0u;
  std::span<Holder> shared_holders(const LockSlot& slot) {
    return slot.shared_list == kNoList ? std::span<Holder>() : std::span<Holder>(shared_lists_[slot.shared_list]);
  }
  std::span<const Holder> holders_of(const LockSlot& slot) const {
    if (slot.held) return {&slot.exclusive, 1};
    return slot.shared_list == kNoList ? std::span<const Holder>() : std::span<const Holder>(shared_lists_[slot.shared_list]);
  }

  // The usual step outside recording mode, inline: a thread takes a lock
  // nobody holds, or lets go of the lock it took last; what take() and
  // drop() would do then, without their calls and searches (a contended
  // loop's walk is these two, ten million times). False for anything else,
  // which they do.
  __attribute__((always_inline)) bool step_plainly(std::uint64_t index, const format::Event& e, format::HoldOp hold) {
    LockSlot& slot = slots_[slot_of_[e.object]];
    std::vector<HeldLock>& mine = held_[e.thread];
    const bool no_readers = slot.shared_list == kNoList || shared_lists_[slot.shared_list].empty();
    if (hold == format::HoldOp::Takes && !slot.held && no_readers) {
      slot.held = true;
      start_hold(slot.exclusive, mine, index, e, false, std::max<std::uint32_t>(static_cast<std::uint32_t>(e.arg), 1));
      return true;
    }
    if (hold == format::HoldOp::Drops && slot.held && slot.exclusive.thread == e.thread && e.arg == 0 &&
        !mine.empty() && mine.back().lock == e.object && !mine.back().shared) {
      slot.held = false;
      mine.pop_back();
      return true;
    }
    return false;
  }
  // Holder `h` of e.object begins at event `index`, and the lock joins
  // `held`, the thread's held list (held_[e.thread], looked up by the
  // caller before the stores below): open() and step_plainly() both.
  // Filled in place, field by field: a Holder built aside and copied in
  // costs a store-forwarding stall on every acquisition.
  __attribute__((always_inline)) static void start_hold(Holder& h, std::vector<HeldLock>& held, std::uint64_t index,
                                                        const format::Event& e, bool shared, std::uint32_t depth) {
    h.thread = e.thread;
    h.depth = depth;
    h.shared = shared;
    h.since = index;
    h.hold = 0;
    held.push_back({e.object, e.site, shared});
  }
  void take(std::uint64_t index, const format::Event& e, bool shared);
  void drop(std::uint64_t index, const format::Event& e, bool shared);
  void open(std::uint64_t index, const format::Event& e, bool shared, std::uint32_t depth);
  // Ends the hold of `h` (exclusive, or shared by h.thread).
  void close(std::uint32_t lock, const Holder& h, std::uint64_t index, const format::Event& e, HoldEnd how);
  void note_condition_wait(std::uint64_t index, const format::Event& e);
  void anomaly(std::uint64_t index, const format::Event& e, AnomalyKind kind);
  // Inline: the model passes every lock event here, and only a lock that
  // was re-entered or is a shared mutex has a series to add to.
  void record_series(std::uint64_t index, const format::Event& e) {
    LockSlot& slot = slots_[slot_of_[e.object]];
    const std::span<const Holder> hs = holders_of(slot);
    // A lock's depth is kept from its first re-entry on: until then a held
    // lock is at depth 1, and most locks are never re-entered.
    const std::uint32_t depth = hs.empty() || hs.front().shared ? 0 : hs.front().depth;
    if (depth > 1 || slot.depth_kept || slot.readers_kept) [[unlikely]]
      add_to_series(slot, index, e, depth);
  }
  void add_to_series(LockSlot& slot, std::uint64_t index, const format::Event& e, std::uint32_t depth);

  const format::Trace& trace_;
  std::vector<std::uint32_t> slot_of_;        // by object: its index in slots_, or kNotALock
  std::vector<LockSlot> slots_;               // the locks'
  std::vector<std::vector<Holder>> shared_lists_;  // the shared holders of the locks ever held shared
  std::vector<std::vector<HeldLock>> held_;   // by thread

  // Recording mode only.
  ObjectState* record_ = nullptr;
  SeriesBuilder* series_ = nullptr;
  std::vector<std::uint64_t> last_end_ns_;                // by lock: where its last exclusive hold ended
  std::vector<std::uint64_t> condition_wait_;             // by thread: the begin of its condition wait, or kNoEvent
  std::vector<std::vector<std::size_t>> resuming_;        // by thread: holds re-taken inside that wait
};

}  // namespace weft::analysis::detail
