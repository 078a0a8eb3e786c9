// SARIF 2.1.0 (OASIS), the format code-scanning services read: one rule per
// kind of finding, one result per finding, located at its sites.
#include <nlohmann/json.hpp>

#include "check_render.hpp"
#include "json_text.hpp"
#include "weft/version.hpp"

namespace weft::cli {
namespace {

using nlohmann::json;

struct Rule {
  analysis::FindingKind kind;
  const char* name;
  const char* description;
};

constexpr Rule kRules[] = {
    {analysis::FindingKind::DataRace, "DataRace", "Two threads access shared data, one writing, with nothing ordering them."},
    {analysis::FindingKind::Deadlock, "Deadlock", "Threads wait for each other's locks in a circle and never go on."},
    {analysis::FindingKind::SelfDeadlock, "SelfDeadlock", "A thread locks a non-recursive lock it already holds."},
    {analysis::FindingKind::LockOrderInversion, "LockOrderInversion",
     "Locks are taken in orders that form a cycle: a potential deadlock."},
    {analysis::FindingKind::Hang, "Hang", "Threads are blocked forever with nobody left to wake them."},
    {analysis::FindingKind::LostWakeup, "LostWakeup", "A condition was notified while nobody waited; the later wait hangs."},
    {analysis::FindingKind::Misuse, "Misuse", "A synchronization primitive was used against its rules."},
    {analysis::FindingKind::Ordering, "Ordering", "The program's marks did not follow the expected order."},
    {analysis::FindingKind::Crash, "Crash", "A process died of a fatal signal or an uncaught exception."},
    {analysis::FindingKind::TsanReport, "ThreadSanitizerReport",
     "ThreadSanitizer, running inside the traced program, reported a problem (a second opinion)."},
};

std::string uri_of(const std::string& file) { return !file.empty() && file[0] == '/' ? "file://" + file : file; }

json location(const format::Trace& t, std::uint32_t site, const std::string& message) {
  const format::SiteInfo& s = t.sites[site];
  json loc = {{"physicalLocation",
               {{"artifactLocation", {{"uri", uri_of(s.file)}}}, {"region", {{"startLine", std::max<std::uint32_t>(s.line, 1)}}}}}};
  if (!message.empty()) loc["message"] = {{"text", message}};
  return loc;
}

}  // namespace

std::string render_sarif(const CheckResult& r) {
  const format::Trace& t = *r.trace;
  json rules = json::array();
  for (const Rule& rule : kRules)
    rules.push_back({{"id", analysis::finding_rule_id(rule.kind)},
                     {"name", rule.name},
                     {"shortDescription", {{"text", std::string(analysis::finding_kind_name(rule.kind))}}},
                     {"fullDescription", {{"text", rule.description}}},
                     {"defaultConfiguration", {{"level", "error"}}}});
  json results = json::array();
  for (const analysis::Finding& f : r.report.findings) {
    std::size_t rule_index = 0;
    while (kRules[rule_index].kind != f.kind) ++rule_index;
    json result = {{"ruleId", analysis::finding_rule_id(f.kind)},
                   {"ruleIndex", rule_index},
                   // Uncertain (events were dropped before it): a note, not an error.
                   {"level", !f.uncertain.empty() ? "note" : f.severity == analysis::Severity::Error ? "error" : "warning"},
                   {"message", {{"text", (f.uncertain.empty() ? "" : "Uncertain: " + f.uncertain + ". ") + f.title +
                                             ". " + f.explanation}}},
                   {"occurrenceCount", f.count}};
    json locations = json::array(), related = json::array();
    for (std::uint32_t site : f.sites) {
      if (site == 0 || site >= t.sites.size()) continue;
      if (locations.empty()) {
        locations.push_back(location(t, site, ""));
      } else {
        json rel = location(t, site, "also involved");
        rel["id"] = related.size();
        related.push_back(std::move(rel));
      }
    }
    if (!locations.empty()) result["locations"] = std::move(locations);
    if (!related.empty()) result["relatedLocations"] = std::move(related);
    result["properties"] = {{"about", f.about}, {"events", f.events}, {"trace", r.trace_path}};
    results.push_back(std::move(result));
  }
  json log = {
      {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "weft"}, {"version", kVersion}, {"semanticVersion", kVersion}, {"rules", rules}}}}},
         {"results", results}}}}};
  return json_text(std::move(log), [](json& doc, const std::string& note) {
    doc["runs"][0]["invocations"] = {
        {{"executionSuccessful", true},
         {"toolExecutionNotifications", {{{"level", "warning"}, {"message", {{"text", note}}}}}}}};
  });
}

}  // namespace weft::cli
