#include "active_holds.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace weft::viewer {

using analysis::HoldEnd;
using analysis::kNoEvent;

namespace {
// HoldCodec's fields by position (object_state.hpp).
constexpr int kFirst = 0, kLast = 1, kEnd = 7;
}  // namespace

std::uint64_t ActiveHolds::first(std::uint64_t k) const { return holds_->field(k, kFirst); }

std::uint64_t ActiveHolds::until(std::uint64_t k) const {
  return static_cast<HoldEnd>(holds_->field(k, kEnd)) == HoldEnd::Open ? kNoEvent : holds_->field(k, kLast);
}

ActiveHolds::ActiveHolds(const analysis::HoldStore& holds) : holds_(&holds) {
  const std::size_t n = holds.size();
  // 32-bit indices, as the replay's: 2^32 holds are 8.6 G events, more than
  // a viewer opens.
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("more lock holds than the replay can index: " + std::to_string(n));
  marks_.push_back(0);
  mark_first_.push_back(n == 0 ? 0 : first(0));
  open_from_.push_back(0);
  open_from_.push_back(0);
  // The holds begun since the last checkpoint, and those of its set: what
  // the next checkpoint's set is chosen from.
  std::vector<std::uint32_t> pending;
  std::size_t spacing = kSpacing;
  std::uint64_t last_first = 0;
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint64_t begins = first(k);
    if (begins < last_first)
      throw std::logic_error("the model's holds are not by acquisition at hold " + std::to_string(k));
    last_first = begins;
    if (k - marks_.back() >= spacing) {
      std::erase_if(pending, [&](std::uint32_t h) { return until(h) < begins; });
      marks_.push_back(k);
      mark_first_.push_back(begins);
      open_.insert(open_.end(), pending.begin(), pending.end());
      open_from_.push_back(static_cast<std::uint32_t>(open_.size()));
      spacing = std::max<std::size_t>(kSpacing, std::size_t{kRatio} * pending.size());
    }
    pending.push_back(k);
  }
}

std::vector<std::uint32_t> ActiveHolds::at(std::uint64_t applied) const {
  std::vector<std::uint32_t> out;
  // The last checkpoint at a hold begun before `applied`: every hold begun
  // before it and still under way at `applied` is in its set.
  const std::size_t j =
      static_cast<std::size_t>(std::partition_point(mark_first_.begin(), mark_first_.end(),
                                                    [&](std::uint64_t f) { return f < applied; }) -
                               mark_first_.begin());
  if (j == 0 || holds_->empty()) return out;
  const std::size_t c = j - 1;
  for (std::uint32_t x = open_from_[c]; x < open_from_[c + 1]; ++x)
    if (until(open_[x]) >= applied) out.push_back(open_[x]);
  for (std::uint64_t k = marks_[c]; k < holds_->size() && first(k) < applied; ++k)
    if (until(k) >= applied) out.push_back(static_cast<std::uint32_t>(k));
  return out;
}

}  // namespace weft::viewer
