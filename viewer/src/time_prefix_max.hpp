// The running maximum of event times in trace order, which makes "the
// events up to time t" a binary search (for the arrows a frame draws and
// for the replay cursor). Event times are for display only and may step
// back across threads: each core's clock is read at its own moment, and
// the trace's order comes from sequence numbers.
//
// Stored as the few places where the maximum differs from the event's own
// time. In a recorded trace fewer than one event in a thousand lies below
// the maximum before it (2,088 of a 10 M-event contended trace, 94,000 of
// 100 M), so this costs kilobytes where a packed copy of the maximum cost
// 1.8 bytes an event: 18 MB of new memory for every open of 10 M events.
//
// Invariant: dips_ are disjoint and ascending; inside a dip the maximum is
// its `value`, everywhere else the event's time.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/format/event_store.hpp"

namespace weft::viewer {

class TimePrefixMax {
 public:
  TimePrefixMax() = default;
  // Reads `events`, which must outlive this and stay where they are (a
  // Document keeps both).
  explicit TimePrefixMax(const format::EventStore& events);
  // Built in a walk of the caller's: extend() with each event's time in
  // order, then attach() the events the times came from.
  void extend(std::uint64_t time_ns);
  void attach(const format::EventStore& events) { events_ = &events; }

  std::uint64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::uint64_t max() const { return max_; }  // of all the times
  // The maximum of the times of events [0, i]; i < size().
  std::uint64_t operator[](std::uint64_t i) const;
  // The first event whose maximum is at or after t (size() if none).
  std::uint64_t first_at(std::uint64_t t) const;

  // operator[] for a caller that asks at indices that never go down (the
  // arrows' indexes, over edges in the order of the events they name): the
  // dips are walked along instead of searched, and only the time of the
  // event is unpacked, not all of it. An index below the last one asked
  // is searched for, as operator[] does.
  class Ascending;

 private:
  struct Dip {
    std::uint64_t first = 0, end = 0;  // events [first, end) lie below...
    std::uint64_t value = 0;           // ...this, the time of an event before them
  };
  const format::EventStore* events_ = nullptr;
  std::vector<Dip> dips_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

class TimePrefixMax::Ascending {
 public:
  explicit Ascending(const TimePrefixMax& m) : m_(m), dip_(m.dips_.begin()) {}
  std::uint64_t operator()(std::uint64_t i) {
    if (i < last_) [[unlikely]]
      return m_[i];
    last_ = i;
    while (dip_ != m_.dips_.end() && dip_->end <= i) ++dip_;
    if (dip_ != m_.dips_.end() && dip_->first <= i) return dip_->value;
    return m_.events_->time_ns(i);
  }

 private:
  const TimePrefixMax& m_;
  std::vector<Dip>::const_iterator dip_;
  std::uint64_t last_ = 0;
};

}  // namespace weft::viewer
