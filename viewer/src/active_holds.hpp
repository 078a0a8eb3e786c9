// The lock holds under way at any replay cursor, found without visiting
// every lock: a trace of two million locks made each seek (every frame of
// playback) a search per lock, some 100 ms.
//
// The model keeps its holds by acquisition. Checkpoints along them each
// keep the holds begun before them and not yet ended there; a query starts
// at the checkpoint before the cursor, keeps what is still under way of
// its set, and reads on through the holds begun since.
//
// Invariants:
//  - marks_[0] == 0, its set empty; marks_ increase.
//  - The set of checkpoint j is every hold k < marks_[j] whose end
//    (its last event; never, while open) is at or after the acquisition of
//    hold marks_[j], in index order.
//  - A checkpoint follows the one before it by at least kSpacing holds and
//    by at least kRatio times that one's set: a query reads fewer than
//    kSpacing + (kRatio + 1) x (its set) holds, and all sets together keep
//    at most one hold in kRatio.
#pragma once

#include <cstdint>
#include <vector>

#include "weft/analysis/object_state.hpp"

namespace weft::viewer {

class ActiveHolds {
 public:
  static constexpr std::uint32_t kSpacing = 4096;
  static constexpr std::uint32_t kRatio = 8;

  // `holds` (by acquisition, as ObjectState keeps them) must outlive this.
  explicit ActiveHolds(const analysis::HoldStore& holds);

  // The holds under way after the first `applied` events (begun before
  // it, and their last event not among them), in acquisition order.
  std::vector<std::uint32_t> at(std::uint64_t applied) const;

  std::size_t checkpoints() const { return marks_.size(); }
  std::size_t kept() const { return open_.size(); }  // the sets' holds, all together

 private:
  std::uint64_t first(std::uint64_t k) const;
  std::uint64_t until(std::uint64_t k) const;  // the last event; kNoEvent while open

  const analysis::HoldStore* holds_;
  std::vector<std::uint32_t> marks_;       // the hold each checkpoint is at
  std::vector<std::uint64_t> mark_first_;  // that hold's acquisition: what a query searches
  std::vector<std::uint32_t> open_;        // the sets, one after another
  std::vector<std::uint32_t> open_from_;   // checkpoint j's set is open_[open_from_[j], open_from_[j + 1])
};

}  // namespace weft::viewer
