// `weft export TRACE [--format chrome|perfetto] [-o FILE|-] [--no-findings]`:
// the trace as Chrome Trace Event JSON (Perfetto UI and chrome://tracing), or
// as Perfetto's own protobuf trace (Perfetto UI; several times smaller, for
// large traces). Without -o the output goes next to the trace (abc.weft ->
// abc.json, abc.perfetto-trace); `-o -` writes it to stdout. A file is
// written under a temporary name and renamed when complete, so a failed
// export never leaves half a file behind.
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
#include "weft/export/perfetto_trace.hpp"
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
  p.option("--format", a.format, "chrome|perfetto",
           "the output format: Chrome Trace Event JSON (the default), or Perfetto's protobuf trace (smaller)");
  p.option("-o,--output", a.output, "FILE|-",
           "where to write it; - for stdout (default: TRACE with .json, or .perfetto-trace, for .weft)");
  p.flag("--no-findings", no_findings, "skip the detectors (faster on very large traces): no finding instants");
  if (!parse_run_command(p, "export", args, a.path, a.paths)) return std::nullopt;
  a.findings = !no_findings;
  if (a.format != "chrome" && a.format != "perfetto")
    throw usage_error("export: unknown format '" + a.format + "' (the formats: chrome, perfetto)");
  const bool perfetto = a.format == "perfetto";
  if (a.output.empty() && a.path == "-")
    throw usage_error(std::string("export: the trace comes from standard input; say where the ") +
                      (perfetto ? "Perfetto trace" : "JSON") + " goes (-o FILE, or -o - for stdout)");
  // A directory's export goes beside it: dir/ -> dir.json.
  std::filesystem::path base(a.path);
  if (!base.has_filename()) base = base.parent_path();
  if (a.output.empty()) a.output = base.replace_extension(perfetto ? ".perfetto-trace" : ".json").string();
  if (a.output == a.path) throw usage_error("export: the output would overwrite the trace " + a.path);
  return a;
}

// Why the last write failed, as the system said.
std::string reason(int e) { return e ? std::generic_category().message(e) : "an I/O error"; }

// Writes the export in the chosen format, and says what it wrote (the
// line printed after a file is written).
std::string write_export(const format::Trace& trace, std::ostream& out, const ExportArgs& a) {
  if (a.format == "perfetto") {
    exporter::PerfettoOptions options;
    options.findings = a.findings;
    const exporter::PerfettoSummary s = exporter::write_perfetto_trace(trace, out, options);
    const auto n = [](std::uint64_t v) { return std::to_string(v); };
    return n(s.bytes) + " bytes, " + n(s.packets) + " packets (" + n(s.slices) + " slices, " + n(s.flows) + " flows, " +
           n(s.findings) + " findings)";
  }
  exporter::ChromeOptions options;
  options.findings = a.findings;
  const exporter::ChromeSummary s = exporter::write_chrome_trace(trace, out, options);
  return std::to_string(s.trace_events) + " trace events (" + std::to_string(s.slices) + " slices, " +
         std::to_string(s.flows) + " flows, " + std::to_string(s.findings) + " findings)";
}

// The export written to `out`, which `name` names in an error: every write
// and the close are checked.
std::string write_to(const format::Trace& trace, std::ofstream& out, const std::string& name, const ExportArgs& a) {
  if (!out) throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  std::string summary;
  try {
    summary = write_export(trace, out, a);
  } catch (const std::runtime_error&) {
    throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  }
  errno = 0;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + name + ": " + reason(errno));
  return summary;
}

std::string write_file(const format::Trace& trace, const std::string& output, const ExportArgs& a) {
  // Not a regular file (a device, a FIFO): written in place, as a shell's
  // redirection would; renaming a file over it would replace it.
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(output, ec);
  if (std::filesystem::is_directory(st)) throw std::runtime_error("cannot write " + output + ": it is a directory");
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    std::ofstream out(output, std::ios::binary);
    return write_to(trace, out, output, a);
  }
  const std::string temp = output + ".tmp-" + std::to_string(::getpid());
  try {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    const std::string summary = write_to(trace, out, output, a);
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
  if (a.output == "-") {
    try {
      write_export(trace, std::cout, a);
    } catch (const std::runtime_error&) {
      throw std::runtime_error(std::string("cannot write the ") + (a.format == "perfetto" ? "Perfetto trace" : "JSON") +
                               " to standard output: " + reason(errno));
    }
    return kExitOk;
  }
  const std::string summary = write_file(trace, a.output, a);
  std::printf("%s: %s; open it in https://ui.perfetto.dev\n", a.output.c_str(), summary.c_str());
  return kExitOk;
}

}  // namespace weft::cli
