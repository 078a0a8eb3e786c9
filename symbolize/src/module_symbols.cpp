#include "module_symbols.hpp"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <cstring>
#include <vector>

#include "demangle.hpp"
#include "function_index.hpp"
#include "unit_index.hpp"
#include "weft/format/standard_library.hpp"

namespace weft::symbolize {
namespace {

// The offline callbacks: the file is named by the trace, separate debug info
// is looked for the standard ways (.gnu_debuglink, /usr/lib/debug/.build-id).
char* g_debuginfo_path = nullptr;
const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &g_debuginfo_path,
};

// One Dwfl per module: a file that fails to open, or two modules whose ELF
// ranges would overlap in a single map, cannot spoil the other modules.
Dwfl* open_at(const format::ModuleInfo& m, std::uint64_t report_base, Dwfl_Module** out) {
  Dwfl* dwfl = dwfl_begin(&kCallbacks);
  if (dwfl == nullptr) return nullptr;
  dwfl_report_begin(dwfl);
  *out = dwfl_report_elf(dwfl, m.path.c_str(), m.path.c_str(), -1, report_base, false);
  dwfl_report_end(dwfl, nullptr, nullptr);
  if (*out == nullptr) {
    dwfl_end(dwfl);
    return nullptr;
  }
  return dwfl;
}

bool same_build(Dwfl_Module* module, const std::string& recorded) {
  if (recorded.empty()) return true;  // nothing recorded to compare with
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(module, &bits, &vaddr);
  return n > 0 && static_cast<std::size_t>(n) == recorded.size() &&
         std::memcmp(bits, recorded.data(), recorded.size()) == 0;
}

// Where an inlined call was made, from its DW_TAG_inlined_subroutine:
// DW_AT_call_file (an index into the unit's file table) and DW_AT_call_line
// (0 if absent). false if the file is not said.
bool call_site(Dwarf_Die* cu, Dwarf_Die* call, const char** file, std::uint32_t* line) {
  Dwarf_Attribute attr;
  Dwarf_Word index = 0;
  if (dwarf_formudata(dwarf_attr(call, DW_AT_call_file, &attr), &index) != 0) return false;
  Dwarf_Files* files = nullptr;
  std::size_t count = 0;
  if (dwarf_getsrcfiles(cu, &files, &count) != 0 || index >= count) return false;
  *file = dwarf_filesrc(files, index, nullptr, nullptr);
  if (*file == nullptr) return false;
  Dwarf_Word lineno = 0;
  if (dwarf_formudata(dwarf_attr(call, DW_AT_call_line, &attr), &lineno) != 0) lineno = 0;
  *line = static_cast<std::uint32_t>(lineno);
  return true;
}

// A place in a standard library header (an inlined std::lock_guard,
// std::mutex::lock, __gthread_mutex_lock, std::thread's constructor...)
// moves out along the inline chain (innermost first) to the first call made
// from a file that is not one: that line, in the function containing it
// (the next scope out: an inlined call or the concrete function). When the
// whole chain is standard library code (a std function compiled out of
// line), the place stays the innermost one.
void look_past_standard_library(Dwarf_Die* cu, const std::vector<Dwarf_Die*>& chain, CodePlace& place) {
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    if (dwarf_tag(chain[i]) != DW_TAG_inlined_subroutine) return;
    const char* file = nullptr;
    std::uint32_t line = 0;
    if (!call_site(cu, chain[i], &file, &line)) return;
    if (!format::is_standard_library_file(file)) {
      place.file = file;
      place.line = line;
      place.function = FunctionIndex::name(chain[i + 1]);
      return;
    }
  }
}

}  // namespace

ModuleSymbols::ModuleSymbols(const format::ModuleInfo& m) {
  if (m.path.empty()) return;
  Dwfl_Module* module = nullptr;
  Dwfl* dwfl = open_at(m, m.base, &module);
  if (dwfl == nullptr) return;
  // dwfl_report_elf places a shared object's first PT_LOAD segment at the
  // given address; the trace records the load bias. They agree when that
  // segment's link-time address is 0 (almost always); otherwise report again
  // where the bias comes out as recorded.
  Dwarf_Addr bias = 0;
  if (dwfl_module_getelf(module, &bias) != nullptr && bias != m.base) {
    const std::uint64_t first_vaddr = m.base - bias;
    dwfl_end(dwfl);
    dwfl = open_at(m, m.base + first_vaddr, &module);
    if (dwfl == nullptr) return;
  }
  if (!same_build(module, m.build_id)) {  // a rebuilt or upgraded file: its symbols would lie
    dwfl_end(dwfl);
    return;
  }
  dwfl_ = dwfl;
  module_ = module;
  functions_ = std::make_unique<FunctionIndex>();
  units_ = std::make_unique<UnitIndex>();
}

ModuleSymbols::~ModuleSymbols() {
  if (dwfl_ != nullptr) dwfl_end(dwfl_);
}

CodePlace ModuleSymbols::code(std::uint64_t address) {
  CodePlace place;
  if (module_ == nullptr) return place;
  Dwarf_Addr bias = 0;
  if (Dwarf_Die* unit = units_->find(module_, address, &bias)) {
    // For an address in inlined code this is the line inside the inlined
    // function, where the innermost function below is that function too;
    // unless that is standard library code, whose caller's line is wanted.
    if (Dwarf_Line* line = dwarf_getsrc_die(unit, address - bias)) {
      int lineno = 0;
      dwarf_lineno(line, &lineno);
      if (const char* file = dwarf_linesrc(line, nullptr, nullptr); file != nullptr) {
        place.file = file;
        place.line = lineno > 0 ? static_cast<std::uint32_t>(lineno) : 0;
      }
    }
    const std::vector<Dwarf_Die*> chain = functions_->chain(unit, address - bias);
    if (!chain.empty()) place.function = FunctionIndex::name(chain.front());
    if (format::is_standard_library_file(place.file)) look_past_standard_library(unit, chain, place);
  }
  if (place.function.empty()) {  // no debug info here: the symbol table, if any
    GElf_Off offset = 0;
    GElf_Sym sym;
    if (const char* name = dwfl_module_addrinfo(module_, address, &offset, &sym, nullptr, nullptr, nullptr);
        name != nullptr && *name != '\0')
      place.function = demangle(name);
  }
  return place;
}

std::optional<std::string> ModuleSymbols::data(std::uint64_t address) const {
  if (module_ == nullptr) return std::nullopt;
  GElf_Off offset = 0;
  GElf_Sym sym;
  const char* name = dwfl_module_addrinfo(module_, address, &offset, &sym, nullptr, nullptr, nullptr);
  if (name == nullptr || *name == '\0') return std::nullopt;
  const int type = GELF_ST_TYPE(sym.st_info);
  if (type != STT_OBJECT && type != STT_COMMON && type != STT_TLS) return std::nullopt;
  // addrinfo may answer with the nearest symbol below the address; only one
  // that really covers it names the object.
  if (offset >= sym.st_size) return std::nullopt;
  std::string label = demangle(name);
  if (offset != 0) label += "+" + std::to_string(offset);
  return label;
}

}  // namespace weft::symbolize
