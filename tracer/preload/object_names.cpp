// See object_names.hpp.
#include "object_names.hpp"

#include <cxxabi.h>
#include <elf.h>

#include <cstdlib>

#include "modules.hpp"

namespace weft::preload {
namespace {

// A symbol's name as its source spells it (C's as is).
std::string demangled(const std::string& name) {
  int status = -1;
  char* plain = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  std::string out = status == 0 && plain != nullptr ? std::string(plain) : name;
  std::free(plain);
  return out;
}

// A function's name without its parameter list: "transfer(account&,
// account&)" -> "transfer"; the list is the last parenthesized group.
std::string without_parameters(std::string name) {
  if (name.empty() || name.back() != ')') return name;
  int depth = 0;
  for (std::size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return name.substr(0, i);
  }
  return name;
}

}  // namespace

std::string name_for_messages(const std::string& placeholder, std::uint64_t address, std::uint64_t first_use) {
  std::string symbol;
  std::uint64_t offset = 0;
  if (symbol_in_program(address, STT_OBJECT, symbol, offset))
    return demangled(symbol) + (offset != 0 ? "+" + std::to_string(offset) : "");
  // A return address: the call lies just before it, in the caller.
  if (first_use != 0 && symbol_in_program(first_use - 1, STT_FUNC, symbol, offset))
    return placeholder + " (first used in " + without_parameters(demangled(symbol)) + ")";
  return {};
}

}  // namespace weft::preload
