// The trace reader every tool uses: the format's loader, then symbols; for
// a run of several processes, each member symbolized by its own modules,
// then merged (format/run.hpp).
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::symbolize {
namespace {

format::Trace load_member(const std::string& path) {
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

}  // namespace

format::Trace load_trace(const std::string& path) { return format::load_run({path}, load_member); }

format::Trace load_run(const std::vector<std::string>& paths) { return format::load_run(paths, load_member); }

}  // namespace weft::symbolize
