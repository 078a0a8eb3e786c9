// Events kept compactly: what a trace holds in memory instead of one
// 40-byte Event each (a billion-event trace would need 40 GB). A
// PackedStore of events (packed_store.hpp): a lock loop's event takes 4-5
// bytes, and none ever more than 38.
//
// Beside the packed events, the store remembers which kinds it was given
// (may_hold), so that a detector with nothing to look at skips its pass.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "weft/format/event.hpp"
#include "weft/format/packed_store.hpp"

namespace weft::format {

// An event as eight fields; its sequence number is optional (kNoSeq is ~0).
static_assert(kNoSeq == ~std::uint64_t{0});
struct EventCodec : MemberCodec<Event, 1u << 1, &Event::time_ns, &Event::seq, &Event::arg, &Event::object,
                                 &Event::site, &Event::thread, &Event::kind, &Event::flags> {
  // The field that is Event::time_ns, for reading it alone (PackedStore::field).
  static constexpr int kTimeField = 0;
  // Each field's range over a block of events, as packing needs it (see
  // packed_store_detail::ranges_of): with SSE4.2 where the CPU has it, a
  // few vector instructions an event where the plain loop takes sixteen
  // compare-and-moves and spills its sixteen running values. Every event
  // of a trace is packed twice on its way in (its thread's store, then the
  // merged one), and this pass was half of packing.
  static void ranges(const Event* events, std::size_t n, std::uint64_t (&lo)[kFields], std::uint64_t (&hi)[kFields],
                     bool (&any)[kFields]);
};

class EventStore : public PackedStore<EventCodec> {
 public:
  EventStore() = default;
  EventStore(std::initializer_list<Event> events) {
    for (const Event& e : events) push_back(e);
  }

  void push_back(const Event& e) {
    saw(e.kind);
    PackedStore::push_back(e);
  }
  // `e` with its time replaced by `time_ns`, copied once, to where it is
  // kept: a copy changed first and pushed after is loaded whole right
  // after one of its fields was stored, which stalls the core (the merge
  // places tens of millions of events, each with its time converted).
  void push_back(const Event& e, std::uint64_t time_ns) {
    saw(e.kind);
    Event& kept = PackedStore::emplace_back();
    kept = e;
    kept.time_ns = time_ns;
  }
  // Not for events: their kinds are noted as they are pushed.
  Event& emplace_back() = delete;
  // Replaces event i (i < size()).
  void set(std::size_t i, const Event& e) {
    if (i < size()) saw(e.kind);
    PackedStore::set(i, e);
  }
  template <class Change>
  void modify(std::size_t i, Change&& change) {
    Event e = (*this)[i];
    change(e);
    set(i, e);
  }
  // Moves `other`'s events after these (see PackedStore::append).
  void append(EventStore&& other) {
    for (int k = 0; k < 4; ++k) kinds_[k] |= other.kinds_[k];
    PackedStore::append(std::move(other));
    other.clear();
  }
  // Event i's time alone (i < size()): a search or a sum over times
  // unpacks one field, not the whole event.
  std::uint64_t time_ns(std::size_t i) const { return field(i, EventCodec::kTimeField); }
  void clear() {  // and gives back its memory
    PackedStore::clear();
    for (std::uint64_t& k : kinds_) k = 0;
  }

  // Whether an event of kind `k` may be in the store: never false for one
  // that is, and false for every kind never pushed or set. A detector with
  // nothing to look at skips its pass over the events.
  bool may_hold(EventKind k) const {
    const auto code = static_cast<std::uint8_t>(k);
    return (kinds_[code >> 6] >> (code & 63)) & 1;
  }

 private:
  std::uint64_t kinds_[4] = {0, 0, 0, 0};  // a bit per kind code pushed or set (may_hold)
  void saw(EventKind k) {
    const auto code = static_cast<std::uint8_t>(k);
    kinds_[code >> 6] |= std::uint64_t{1} << (code & 63);
  }
};

}  // namespace weft::format
