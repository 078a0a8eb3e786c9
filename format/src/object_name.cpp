#include "weft/format/object_name.hpp"

#include <algorithm>
#include <cstring>

namespace weft::format {
namespace {

// Stems are packed into blocks of this size (a longer one gets a block of
// its own): a trace of a few objects takes one small block.
constexpr std::size_t kFirstBlock = 4096, kLargestBlock = std::size_t{1} << 20;

// The number after the last '#' of `name`, if joining it back gives the
// same text: digits only, no leading zero, below 2^32 (0: none).
std::uint32_t split_number(std::string_view name, std::size_t& stem_size) {
  stem_size = name.size();
  const std::size_t hash = name.rfind('#');
  if (hash == std::string_view::npos) return 0;
  const std::string_view digits = name.substr(hash + 1);
  if (digits.empty() || digits.size() > 10 || digits[0] == '0') return 0;
  std::uint64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n > UINT32_MAX) return 0;
  stem_size = hash;
  return static_cast<std::uint32_t>(n);
}

}  // namespace

ObjectName NameStore::keep(std::string_view name) {
  std::size_t stem_size = 0;
  const std::uint32_t number = split_number(name, stem_size);
  const std::lock_guard<std::mutex> lock(m_);
  const std::string_view stem = intern(name.substr(0, stem_size));
  return ObjectName(stem.data(), static_cast<std::uint32_t>(stem.size()), number);
}

ObjectName NameStore::keep_from(const ObjectName& name) {
  const std::lock_guard<std::mutex> lock(m_);
  const std::string_view stem = intern(name.stem());
  return ObjectName(stem.data(), static_cast<std::uint32_t>(stem.size()), name.number());
}

std::string_view NameStore::intern(std::string_view stem) {
  if (const auto it = stems_.find(stem); it != stems_.end()) return *it;
  const std::size_t need = stem.size();
  if (blocks_.empty() || block_size_ - block_used_ < need) {
    block_size_ = std::max(need, blocks_.empty() ? kFirstBlock : std::min(block_size_ * 2, kLargestBlock));
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  if (!stem.empty()) std::memcpy(at, stem.data(), stem.size());
  block_used_ += need;
  const std::string_view kept(at, stem.size());
  stems_.insert(kept);
  return kept;
}

}  // namespace weft::format
