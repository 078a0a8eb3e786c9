// `weft check TRACE [--format text|json|sarif] [--expect FILE]`.
// Exit status: 0 clean, 1 findings, 2 unusable input. With --expect: 0 when
// the findings are exactly the expected ones, 1 when they are not.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "check_render.hpp"
#include "cli.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {

namespace {

// The traces this process checked, never freed: the process ends once the
// report is written, and the kernel takes a process's memory back at once,
// where freeing a trace first gave back each of its mappings one by one
// (the contended 10 M-event trace: 20 ms of the check's 400). Held from a
// static, so that a leak checker sees them still reachable.
const format::Trace& kept_for_the_process(format::Trace trace) {
  static auto* const kept = new std::vector<std::unique_ptr<format::Trace>>;
  return *kept->emplace_back(std::make_unique<format::Trace>(std::move(trace)));
}

}  // namespace

int check_trace(const std::string& path, const std::string& format, const std::optional<std::string>& expect_json,
                const std::string& expect_source) {
  return check_run({path}, format, expect_json, expect_source);
}

int check_run(const std::vector<std::string>& paths, const std::string& format,
              const std::optional<std::string>& expect_json, const std::string& expect_source) {
  const std::string& path = paths.front();
  const format::Trace& trace = kept_for_the_process(symbolize::load_run(paths));
  std::optional<analysis::Expectations> expected;
  if (expect_json) {
    try {
      expected = analysis::parse_expectations(*expect_json);
    } catch (const std::invalid_argument& e) {
      throw usage_error("check: " + expect_source + ": " + e.what());
    }
  }
  analysis::CheckOptions options;
  if (expected) options.marks_pattern = expected->marks;
  CheckResult r;
  r.trace_path = path;
  r.trace = &trace;
  try {
    r.report = analysis::check(trace, options);
  } catch (const std::invalid_argument& e) {
    throw usage_error("check: " + expect_source + ": " + e.what());
  }
  if (expected) r.comparison = analysis::compare(r.report, *expected);

  const std::string out = format == "json" ? render_json(r) : format == "sarif" ? render_sarif(r) : render_text(r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (r.comparison) return r.comparison->matches() ? kExitOk : kExitFindings;
  if (r.report.certain() > 0) return kExitFindings;
  // Nothing certain: clean, unless the trace holds only part of the run.
  return partial(r) ? kExitIncomplete : kExitOk;
}

int run_check(Args args) {
  std::string path, format = "text";
  std::vector<std::string> paths;
  std::optional<std::string> expect_file;
  command_line::parser p = command_parser("check");
  p.positional("TRACE", path, std::string("the trace to check (- or a FIFO: read as a stream, to its end)") + kRunHelp);
  p.option("--format", format, "text|json|sarif", "text for people (the default), json for tools, sarif for code scanning");
  p.option("--expect", expect_file, "FILE", "the findings expected, as JSON: exit 0 when they are exactly these");
  p.footer(
      "Exit status: 0 no findings, 1 findings, 2 unusable input (or output that could not be written), 3 no certain "
      "finding in a trace that holds only part of the run (cut short, without its end record, or with events "
      "dropped: findings after a loss are marked uncertain).");
  if (!parse_run_command(p, "check", args, path, paths)) return kExitOk;
  if (format != "text" && format != "json" && format != "sarif")
    throw usage_error("check: --format must be text, json or sarif, not '" + format + "'");
  std::optional<std::string> expect_json;
  if (expect_file) {
    std::ifstream in(*expect_file);
    if (!in) throw usage_error("check: cannot read " + *expect_file);
    std::stringstream text;
    text << in.rdbuf();
    expect_json = text.str();
  }
  return check_run(paths, format, expect_json, expect_file.value_or(""));
}

}  // namespace weft::cli
