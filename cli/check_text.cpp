#include <algorithm>
#include <cctype>
#include <map>

#include "check_render.hpp"
#include "weft/analysis/detectors.hpp"

namespace weft::cli {
namespace {

std::string list_threads(const format::Trace& t, const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (std::uint32_t id : ids) out += (out.empty() ? "" : ", ") + analysis::thread_name(t, id);
  return out;
}

std::string list_sites(const format::Trace& t, const std::vector<std::uint32_t>& ids) {
  std::string out;
  std::vector<std::uint32_t> seen;
  for (std::uint32_t id : ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    out += (out.empty() ? "" : ", ") + analysis::site_text(t, id);
  }
  return out;
}

// Word-wraps `text` at 78 columns, each line indented by `indent`.
std::string wrap(const std::string& text, const std::string& indent) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > 78) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

}  // namespace

std::string render_text(const CheckResult& r) {
  const format::Trace& t = *r.trace;
  std::string out;
  std::map<analysis::FindingKind, int> counts;
  for (const auto& f : r.report.findings) ++counts[f.kind];
  out += "weft check " + r.trace_path + ": ";
  if (r.report.findings.empty() && incomplete(t)) {
    out += "no findings as far as the trace goes (" + incomplete_reason(t) + "): the verdict covers only what it holds\n";
  } else if (r.report.findings.empty()) {
    out += "no findings (clean)\n";
  } else {
    out += std::to_string(r.report.findings.size()) + (r.report.findings.size() == 1 ? " finding (" : " findings (");
    bool first = true;
    for (const auto& [kind, n] : counts) {
      out += (first ? "" : ", ") + std::to_string(n) + " " + std::string(analysis::finding_kind_name(kind));
      first = false;
    }
    out += ")";
    const std::size_t unsure = r.report.findings.size() - r.report.certain();
    if (unsure) out += ", " + std::to_string(unsure) + " of them uncertain";
    out += "\n";
  }
  if (r.report.dropped)
    out += "the verdict is partial: " + std::to_string(r.report.dropped) +
           " events were dropped (full buffers); findings after a loss are marked uncertain\n";
  for (const std::string& w : t.warnings) out += "warning: " + w + "\n";

  int n = 0;
  analysis::FindingKind last{};
  for (const analysis::Finding& f : r.report.findings) {
    if (n == 0 || f.kind != last) {
      std::string heading(analysis::finding_kind_name(f.kind));
      for (char& c : heading) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out += "\n== " + heading + "\n";
      last = f.kind;
    }
    out += "\n[" + std::to_string(++n) + "] " + f.title + "\n";
    if (!f.uncertain.empty()) out += "    UNCERTAIN: " + f.uncertain + "\n";
    out += wrap(f.explanation, "    ");
    if (!f.threads.empty()) out += "    threads: " + list_threads(t, f.threads) + "\n";
    if (!f.sites.empty()) out += "    sites:   " + list_sites(t, f.sites) + "\n";
    if (!f.events.empty()) {
      out += "    events: ";
      for (std::size_t i = 0; i < f.events.size() && i < 8; ++i) out += " #" + std::to_string(f.events[i]);
      if (f.events.size() > 8) out += " ...";
      out += "\n";
    }
  }
  if (r.comparison) {
    out += "\nexpected by the scenario: ";
    if (r.comparison->matches()) {
      out += "matches\n";
    } else {
      out += "DOES NOT MATCH\n";
      for (const auto& e : r.comparison->missing)
        out += "  missing:    " + std::string(analysis::finding_kind_name(e.kind)) + " (" + e.about + ")\n";
      for (const auto& e : r.comparison->unexpected)
        out += "  unexpected: " + std::string(analysis::finding_kind_name(e.kind)) + " (" + e.about + ")\n";
    }
  }
  return out;
}

}  // namespace weft::cli
