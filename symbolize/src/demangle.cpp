#include "demangle.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace weft::symbolize {

std::string demangle(std::string_view name) {
  std::string out(name);
  // Only Itanium-mangled names go to the demangler: it would happily
  // "demangle" some plain C names (a function called "f" reads as "float").
  if (out.size() > 2 && out[0] == '_' && out[1] == 'Z') {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> plain(abi::__cxa_demangle(out.c_str(), nullptr, nullptr, &status),
                                                            &std::free);
    if (status == 0 && plain) out = plain.get();
  }
  if (out.size() > kMaxNameLength) {
    out.resize(kMaxNameLength - 3);
    out += "...";
  }
  return out;
}

}  // namespace weft::symbolize
