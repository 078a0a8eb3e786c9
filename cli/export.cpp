// `weft export TRACE [--format chrome] [-o FILE|-] [--no-findings]`: the
// trace as Chrome Trace Event JSON, for Perfetto UI and chrome://tracing.
// Without -o the JSON goes next to the trace (abc.weft -> abc.json); `-o -`
// writes it to stdout. A file is written under a temporary name and renamed
// when complete, so a failed export never leaves half a JSON file behind.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "cli.hpp"
#include "weft/export/chrome_trace.hpp"
#include "weft/format/loader.hpp"

namespace weft::cli {
namespace {

constexpr const char* kUsage = "usage: weft export TRACE [--format chrome] [-o FILE|-] [--no-findings]";

struct ExportArgs {
  std::string path;
  std::string format = "chrome";
  std::string output;  // empty: next to the trace
  bool findings = true;
};

ExportArgs parse(Args args) {
  ExportArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--format" || arg == "-o" || arg == "--output") {
      if (i + 1 == args.size()) throw usage_error("export: " + arg + " needs a value");
      (arg == "--format" ? a.format : a.output) = args[++i];
    } else if (arg == "--no-findings") {
      a.findings = false;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw usage_error("export: unknown option " + arg);
    } else if (a.path.empty()) {
      a.path = arg;
    } else {
      throw usage_error("export: one trace at a time (got " + a.path + " and " + arg + ")");
    }
  }
  if (a.path.empty()) throw usage_error(std::string("export: which trace? ") + kUsage);
  if (a.format != "chrome")
    throw usage_error("export: unknown format '" + a.format + "' (the formats: chrome)");
  if (a.output.empty()) a.output = std::filesystem::path(a.path).replace_extension(".json").string();
  if (a.output == a.path) throw usage_error("export: the output would overwrite the trace " + a.path);
  return a;
}

exporter::ChromeSummary write_file(const format::Trace& trace, const std::string& output,
                                   const exporter::ChromeOptions& options) {
  const std::string temp = output + ".tmp-" + std::to_string(::getpid());
  try {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + output + ": " + std::generic_category().message(errno));
    const exporter::ChromeSummary summary = exporter::write_chrome_trace(trace, out, options);
    out.close();
    if (!out) throw std::runtime_error("cannot write " + output);
    std::filesystem::rename(temp, output);
    return summary;
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

}  // namespace

int run_export(Args args) {
  const ExportArgs a = parse(args);
  const format::Trace trace = format::load_trace(a.path);
  for (const std::string& w : trace.warnings) std::fprintf(stderr, "weft: warning: %s: %s\n", a.path.c_str(), w.c_str());
  exporter::ChromeOptions options;
  options.findings = a.findings;
  if (a.output == "-") {
    exporter::write_chrome_trace(trace, std::cout, options);
    return kExitOk;
  }
  const exporter::ChromeSummary summary = write_file(trace, a.output, options);
  std::printf("%s: %llu trace events (%llu slices, %llu flows, %llu findings); open it in https://ui.perfetto.dev\n",
              a.output.c_str(), static_cast<unsigned long long>(summary.trace_events),
              static_cast<unsigned long long>(summary.slices), static_cast<unsigned long long>(summary.flows),
              static_cast<unsigned long long>(summary.findings));
  return kExitOk;
}

}  // namespace weft::cli
