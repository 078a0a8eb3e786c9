// The trace reader every tool uses: the format's loader, then symbols; for
// a run of several processes, each member symbolized by its own modules,
// then merged (format/run.hpp).
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::symbolize {
namespace {

format::Trace load_member(const std::string& path, const format::LoadOptions& options) {
  format::Trace trace = format::load_trace_with(path, options);
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

format::Trace load_trace(const std::string& path) { return load_run({path}, format::LoadOptions{}); }

format::Trace load_trace(const std::string& path, const format::LoadOptions& options) {
  return load_run({path}, options);
}

format::Trace load_run(const std::vector<std::string>& paths) { return load_run(paths, format::LoadOptions{}); }

format::Trace load_run(const std::vector<std::string>& paths, const format::LoadOptions& options) {
  return format::load_run(paths, [&options](const std::string& path) { return load_member(path, options); });
}

}  // namespace weft::symbolize
