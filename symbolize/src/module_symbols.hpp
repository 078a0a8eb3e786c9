// One module of a recorded program (executable or shared library), opened
// once with libdw and asked about many addresses.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "weft/format/trace.hpp"

struct Dwfl;
struct Dwfl_Module;

namespace weft::symbolize {

class FunctionIndex;
class UnitIndex;

// What the module says about one code address. file is empty when it has no
// line information there (no debug info); function may come from the symbol
// table then. In code inlined from a standard library header it is the line
// the outermost such inlined call was made from, in the user's function.
struct CodePlace {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
};

class ModuleSymbols {
 public:
  // Opens the module's file at its recorded load bias, so that run-time
  // addresses are the addresses libdw answers for. Never throws: a file that
  // is missing, not ELF, or not the build the trace recorded leaves the
  // module unusable (usable() false) and every question unanswered.
  explicit ModuleSymbols(const format::ModuleInfo& module);
  ~ModuleSymbols();
  ModuleSymbols(const ModuleSymbols&) = delete;
  ModuleSymbols& operator=(const ModuleSymbols&) = delete;

  bool usable() const { return module_ != nullptr; }

  // address: a run-time address inside the code (for a return address, the
  // call instruction before it).
  CodePlace code(std::uint64_t address);

  // The data symbol covering a run-time address: "name", or "name+offset"
  // inside it; nothing when no symbol covers it (heap, stack, stripped).
  std::optional<std::string> data(std::uint64_t address) const;

 private:
  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* module_ = nullptr;
  std::unique_ptr<UnitIndex> units_;          // built if .debug_aranges is missing
  std::unique_ptr<FunctionIndex> functions_;  // built as addresses ask
};

}  // namespace weft::symbolize
