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
#include <optional>
#include <system_error>

#include "cli.hpp"
#include "weft/export/chrome_trace.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {
namespace {

struct ExportArgs {
  std::string path;
  std::vector<std::string> paths;  // path first: the run (symbolize::load_run)
  std::string format = "chrome";
  std::string output;  // empty: next to the trace
  bool findings = true;
};

// nullopt: --help was asked (and answered).
std::optional<ExportArgs> parse(Args args) {
  ExportArgs a;
  bool no_findings = false;
  command_line::parser p = command_parser("export");
  p.positional("TRACE", a.path, std::string("the trace to export (- or a FIFO: read as a stream, to its end)") + kRunHelp);
  p.option("--format", a.format, "chrome", "the output format: Chrome Trace Event JSON (the only one, the default)");
  p.option("-o,--output", a.output, "FILE|-", "where to write it; - for stdout (default: TRACE with .json for .weft)");
  p.flag("--no-findings", no_findings, "skip the detectors (faster on very large traces): no finding instants");
  if (!parse_run_command(p, "export", args, a.path, a.paths)) return std::nullopt;
  a.findings = !no_findings;
  if (a.format != "chrome")
    throw usage_error("export: unknown format '" + a.format + "' (the formats: chrome)");
  if (a.output.empty() && a.path == "-")
    throw usage_error("export: the trace comes from standard input; say where the JSON goes (-o FILE, or -o - for stdout)");
  // A directory's JSON goes beside it: dir/ -> dir.json.
  std::filesystem::path base(a.path);
  if (!base.has_filename()) base = base.parent_path();
  if (a.output.empty()) a.output = base.replace_extension(".json").string();
  if (a.output == a.path) throw usage_error("export: the output would overwrite the trace " + a.path);
  return a;
}

// Why the last write failed, as the system said.
std::string reason(int e) { return e ? std::generic_category().message(e) : "an I/O error"; }

// The JSON written to `out`, which `name` names in an error: every write
// and the close are checked.
exporter::ChromeSummary write_to(const format::Trace& trace, std::ofstream& out, const std::string& name,
                                 const exporter::ChromeOptions& options) {
  if (!out) throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  exporter::ChromeSummary summary;
  try {
    summary = exporter::write_chrome_trace(trace, out, options);
  } catch (const std::runtime_error&) {
    throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  }
  errno = 0;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  return summary;
}

exporter::ChromeSummary write_file(const format::Trace& trace, const std::string& output,
                                   const exporter::ChromeOptions& options) {
  // Not a regular file (a device, a FIFO): written in place, as a shell's
  // redirection would; renaming a file over it would replace it.
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(output, ec);
  if (std::filesystem::is_directory(st)) throw std::runtime_error("cannot write " + output + ": it is a directory");
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    std::ofstream out(output, std::ios::binary);
    return write_to(trace, out, output, options);
  }
  const std::string temp = output + ".tmp-" + std::to_string(::getpid());
  try {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    const exporter::ChromeSummary summary = write_to(trace, out, output, options);
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
  const std::optional<ExportArgs> parsed = parse(args);
  if (!parsed) return kExitOk;
  const ExportArgs& a = *parsed;
  const format::Trace trace = symbolize::load_run(a.paths);
  for (const std::string& w : trace.warnings) std::fprintf(stderr, "weft: warning: %s: %s\n", a.path.c_str(), w.c_str());
  exporter::ChromeOptions options;
  options.findings = a.findings;
  if (a.output == "-") {
    try {
      exporter::write_chrome_trace(trace, std::cout, options);
    } catch (const std::runtime_error&) {
      throw std::runtime_error("cannot write the JSON to standard output: " + reason(errno));
    }
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
