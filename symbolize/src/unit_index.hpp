// Which compilation unit holds a code address.
//
// libdw finds it through .debug_aranges, which clang does not emit by
// default, and elfutils before 0.191 does not fall back to the units' own
// ranges: dwfl_module_addrdie then finds nothing for a whole module built
// with clang. This index reads every unit's DW_AT_low_pc/high_pc/ranges once
// and answers from them.
#pragma once

#include <elfutils/libdwfl.h>

#include <vector>

namespace weft::symbolize {

class UnitIndex {
 public:
  // The unit DIE covering a run-time address, and the module's bias
  // (run-time address - DWARF address); nullptr if none covers it.
  Dwarf_Die* find(Dwfl_Module* module, Dwarf_Addr address, Dwarf_Addr* bias);

 private:
  struct Entry {
    Dwarf_Addr low = 0, high = 0;  // DWARF addresses
    Dwarf_Die* unit = nullptr;     // owned by libdwfl, lives as long as the Dwfl
  };
  void build(Dwfl_Module* module);

  bool built_ = false;
  Dwarf_Addr bias_ = 0;
  std::vector<Entry> entries_;  // by low
};

}  // namespace weft::symbolize
