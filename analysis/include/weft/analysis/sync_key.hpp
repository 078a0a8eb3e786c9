// The release or acquire an event performs, read off the meaning table: the
// one vocabulary happens-before and the causal edges both interpret, so the
// two cannot disagree on what synchronizes with what.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "weft/format/meaning.hpp"

namespace weft::analysis {

// Where a release is published and an acquire reads from: one order of one
// object (a barrier's generation, a queue's item).
struct SyncKey {
  std::uint32_t object = 0;
  format::Channel channel{};
  std::uint64_t sub = 0;  // the generation (Arrival), the item (Item), else 0
  bool operator==(const SyncKey&) const = default;
};

struct SyncKeyHash {
  std::size_t operator()(const SyncKey& k) const noexcept {
    const std::uint64_t h = (k.sub * 0x9E3779B97F4A7C15ull) ^ (std::uint64_t{k.object} << 8) ^
                            static_cast<std::uint64_t>(k.channel);
    return std::hash<std::uint64_t>{}(h);
  }
};

struct SyncAction {
  format::SyncOp op{};
  SyncKey key;
};

// What `e` does to happens-before, if anything.
inline std::optional<SyncAction> sync_action(const format::Event& e) {
  const format::SyncRole& role = format::meaning(e.kind).sync;
  if (role.op == format::SyncOp::None || !format::applies(role.when, e)) return std::nullopt;
  SyncKey key{role.object_in_arg ? static_cast<std::uint32_t>(e.arg) : e.object, role.channel, 0};
  if (role.channel == format::Channel::Arrival) key.sub = format::barrier_generation(e.arg);
  if (role.channel == format::Channel::Item) key.sub = e.arg;
  return SyncAction{role.op, key};
}

}  // namespace weft::analysis
