#include "function_index.hpp"

#include <dwarf.h>

#include <algorithm>

#include "demangle.hpp"

namespace weft::symbolize {
namespace {

const char* attribute_string(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  // _integrate follows DW_AT_abstract_origin and DW_AT_specification: an
  // inlined call or an out-of-line member function keeps its names on the
  // abstract or declaring DIE.
  if (dwarf_attr_integrate(die, name, &attr) == nullptr) return nullptr;
  return dwarf_formstring(&attr);
}

// The linkage name demangles to the qualified name with its parameters
// ("Cache::get(int)"); DW_AT_name alone would be "get".
std::string function_name(Dwarf_Die* die) {
  if (const char* s = attribute_string(die, DW_AT_linkage_name)) return demangle(s);
  if (const char* s = attribute_string(die, DW_AT_MIPS_linkage_name)) return demangle(s);
  if (const char* s = attribute_string(die, DW_AT_name)) return demangle(s);
  return {};
}

// Types hold no code in what GCC and clang emit (member functions are
// defined at namespace level, pointing back with DW_AT_specification);
// skipping them spares most of a C++ unit's DIEs.
bool holds_no_code(int tag) {
  switch (tag) {
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
    case DW_TAG_subroutine_type:
    case DW_TAG_formal_parameter:
    case DW_TAG_variable:
    case DW_TAG_template_type_parameter:
    case DW_TAG_template_value_parameter:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool FunctionIndex::Scope::contains(Dwarf_Addr a) const {
  return std::any_of(ranges.begin(), ranges.end(), [a](const Range& r) { return a >= r.low && a < r.high; });
}

void FunctionIndex::walk(Dwarf_Die* parent, Unit& unit, std::vector<std::uint32_t>* parent_inner) {
  Dwarf_Die die;
  if (dwarf_child(parent, &die) != 0) return;
  do {
    const int tag = dwarf_tag(&die);
    if (holds_no_code(tag)) continue;
    if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
      Scope scope{die, {}, {}};
      Dwarf_Addr base = 0, low = 0, high = 0;
      for (ptrdiff_t off = 0; (off = dwarf_ranges(&die, off, &base, &low, &high)) > 0;)
        if (low < high) scope.ranges.push_back({low, high});
      // No code: a declaration or an abstract instance; its children are
      // abstract too.
      if (scope.ranges.empty()) continue;
      const auto index = static_cast<std::uint32_t>(unit.scopes.size());
      if (parent_inner != nullptr) {
        parent_inner->push_back(index);
      } else {
        for (const Range& r : scope.ranges) unit.tops.push_back({r, index});
      }
      unit.scopes.push_back(std::move(scope));
      // Collected into a local list: unit.scopes may reallocate meanwhile.
      std::vector<std::uint32_t> inner;
      walk(&die, unit, &inner);
      unit.scopes[index].inner = std::move(inner);
    } else if (dwarf_haschildren(&die)) {  // namespaces, lexical blocks, ...
      walk(&die, unit, parent_inner);
    }
  } while (dwarf_siblingof(&die, &die) == 0);
}

FunctionIndex::Unit FunctionIndex::build(Dwarf_Die* cu) {
  Unit unit;
  walk(cu, unit, nullptr);
  std::sort(unit.tops.begin(), unit.tops.end(), [](const Top& a, const Top& b) { return a.range.low < b.range.low; });
  return unit;
}

std::string FunctionIndex::name(Dwarf_Die* function) { return function_name(function); }

std::vector<Dwarf_Die*> FunctionIndex::chain(Dwarf_Die* cu, Dwarf_Addr address) {
  auto it = units_.find(dwarf_dieoffset(cu));
  if (it == units_.end()) it = units_.emplace(dwarf_dieoffset(cu), build(cu)).first;
  Unit& unit = it->second;

  // The top-level range that starts last at or before the address; a few
  // before it too, should ranges nest (a nested function's own subprogram).
  auto top = std::upper_bound(unit.tops.begin(), unit.tops.end(), address,
                              [](Dwarf_Addr a, const Top& t) { return a < t.range.low; });
  Scope* scope = nullptr;
  for (int tries = 0; top != unit.tops.begin() && tries < 8 && scope == nullptr; ++tries) {
    --top;
    if (address < top->range.high) scope = &unit.scopes[top->scope];
  }
  if (scope == nullptr) return {};
  // Down through the calls inlined at the address.
  std::vector<Dwarf_Die*> out{&scope->die};
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const std::uint32_t i : scope->inner)
      if (unit.scopes[i].contains(address)) {
        scope = &unit.scopes[i];
        out.push_back(&scope->die);
        deeper = true;
        break;
      }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace weft::symbolize
