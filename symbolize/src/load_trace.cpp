// The trace reader every tool uses: the format's loader, then symbols.
#include "weft/format/loader.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::symbolize {

format::Trace load_trace(const std::string& path) {
  format::Trace trace = format::load_trace(path);
  const Stats stats = resolve(trace);
  if (const std::size_t n = stats.missing_modules.size(); n != 0) {
    // One warning, a few paths: a trace from another machine can miss dozens.
    std::string list;
    for (std::size_t i = 0; i < n && i < 3; ++i) list += (i ? ", " : "") + stats.missing_modules[i];
    if (n > 3) list += ", ...";
    trace.warnings.push_back("symbols: " + std::to_string(n) + (n == 1 ? " module" : " modules") +
                             " not found or not the recorded build (" + list + "): their sites show module+offset");
  }
  return trace;
}

}  // namespace weft::symbolize
