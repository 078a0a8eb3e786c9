#include "unit_index.hpp"

#include <algorithm>
#include <iterator>

namespace weft::symbolize {

void UnitIndex::build(Dwfl_Module* module) {
  built_ = true;
  Dwarf_Addr bias = 0;
  for (Dwarf_Die* unit = dwfl_module_nextcu(module, nullptr, &bias); unit != nullptr;
       unit = dwfl_module_nextcu(module, unit, &bias)) {
    bias_ = bias;
    Dwarf_Addr base = 0, low = 0, high = 0;
    for (ptrdiff_t off = 0; (off = dwarf_ranges(unit, off, &base, &low, &high)) > 0;)
      if (low < high) entries_.push_back({low, high, unit});
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.low < b.low; });
}

Dwarf_Die* UnitIndex::find(Dwfl_Module* module, Dwarf_Addr address, Dwarf_Addr* bias) {
  // .debug_aranges first: present in GCC's output, and libdw reads it fast.
  if (Dwarf_Die* unit = dwfl_module_addrdie(module, address, bias)) return unit;
  if (!built_) build(module);
  const Dwarf_Addr a = address - bias_;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), a,
                             [](Dwarf_Addr x, const Entry& e) { return x < e.low; });
  // Units' ranges do not overlap; the one starting last at or before the
  // address is the only candidate.
  if (it == entries_.begin() || a >= std::prev(it)->high) return nullptr;
  *bias = bias_;
  return std::prev(it)->unit;
}

}  // namespace weft::symbolize
