// The functions (inlined ones included) at a code address, innermost first.
//
// dwarf_getscopes answers this, but walks the whole compilation unit's DIE
// tree on every call (twice for an inlined call, to find its abstract
// origin): milliseconds per address in a C++ unit that includes big headers.
// This index walks each unit once, on its first address, and keeps only the
// function DIEs that have code, as a tree: top-level functions sorted by
// address, each with the calls inlined into it.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace weft::symbolize {

class FunctionIndex {
 public:
  // cu: the unit's DIE (dwfl_module_addrdie); address: in the unit's own
  // address space (run-time address - bias). The function DIEs covering the
  // address, innermost first: the innermost inlined call
  // (DW_TAG_inlined_subroutine), the calls it is inlined into, and last the
  // concrete function (DW_TAG_subprogram). Empty if no function DIE covers
  // the address. The DIEs live as long as the index.
  std::vector<Dwarf_Die*> chain(Dwarf_Die* cu, Dwarf_Addr address);

  // A function DIE's name: demangled linkage name with its parameters
  // ("Cache::get(int)"), or its plain name; "" if it has none.
  static std::string name(Dwarf_Die* function);

 private:
  struct Range {
    Dwarf_Addr low = 0, high = 0;
  };
  struct Scope {  // a DW_TAG_subprogram or DW_TAG_inlined_subroutine with code
    Dwarf_Die die;
    std::vector<Range> ranges;
    std::vector<std::uint32_t> inner;  // scopes inlined into this one
    bool contains(Dwarf_Addr a) const;
  };
  struct Top {  // one range of a top-level scope
    Range range;
    std::uint32_t scope = 0;
  };
  struct Unit {
    std::vector<Scope> scopes;
    std::vector<Top> tops;  // by range.low
  };

  static Unit build(Dwarf_Die* cu);
  static void walk(Dwarf_Die* die, Unit& unit, std::vector<std::uint32_t>* parent_inner);

  std::unordered_map<Dwarf_Off, Unit> units_;  // by the unit DIE's offset
};

}  // namespace weft::symbolize
