// How `weft check` prints a report: text for people, JSON for tools, SARIF
// 2.1.0 for code-scanning in CI. All three say the same thing.
#pragma once

#include <optional>
#include <string>

#include "weft/analysis/check.hpp"
#include "weft/format/trace.hpp"

namespace weft::cli {

struct CheckResult {
  std::string trace_path;
  const format::Trace* trace = nullptr;
  analysis::Report report;
  std::optional<analysis::Comparison> comparison;  // with --expect
};

// A trace that ends before its END record (the program was killed, or
// exec'd; the file is cut) holds only part of the run: "clean" would claim
// more than it shows. check exits kExitIncomplete then.
bool incomplete(const format::Trace& t);
std::string incomplete_reason(const format::Trace& t);  // "truncated: ...", or "no end record: ..."
// The verdict covers only part of the run: the trace is incomplete, or
// events were dropped.
inline bool partial(const CheckResult& r) { return incomplete(*r.trace) || r.report.dropped > 0; }

std::string render_text(const CheckResult& r);
std::string render_json(const CheckResult& r);
std::string render_sarif(const CheckResult& r);

}  // namespace weft::cli
