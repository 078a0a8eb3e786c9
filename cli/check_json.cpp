#include <nlohmann/json.hpp>

#include "check_render.hpp"
#include "json_text.hpp"
#include "weft/format/run.hpp"
#include "weft/version.hpp"

namespace weft::cli {
namespace {

using nlohmann::json;

json site_json(const format::Trace& t, std::uint32_t site) {
  if (site == 0 || site >= t.sites.size()) return nullptr;
  const format::SiteInfo& s = t.sites[site];
  return {{"file", s.file}, {"line", s.line}, {"function", s.function}};
}

// In a run of several processes a thread also names its process (an index
// into the top-level "processes"); a single trace's JSON is as it was.
json thread_json(const format::Trace& t, std::uint32_t id) {
  json j = {{"id", id}, {"name", id < t.threads.size() ? t.threads[id].name : ""}};
  if (t.processes.size() > 1 && id < t.threads.size()) j["process"] = t.threads[id].process;
  return j;
}

json expectation_list(const std::vector<analysis::ExpectedFinding>& list) {
  json out = json::array();
  for (const auto& e : list) out.push_back({{"kind", analysis::finding_kind_name(e.kind)}, {"about", e.about}});
  return out;
}

}  // namespace

std::string render_json(const CheckResult& r) {
  const format::Trace& t = *r.trace;
  json findings = json::array();
  for (const analysis::Finding& f : r.report.findings) {
    json j = {{"kind", analysis::finding_kind_name(f.kind)},
              {"rule", analysis::finding_rule_id(f.kind)},
              {"severity", f.severity == analysis::Severity::Error ? "error" : "warning"},
              {"title", f.title},
              {"explanation", f.explanation},
              {"about", f.about},
              {"count", f.count},
              {"events", f.events},
              {"uncertain", f.uncertain.empty() ? json(nullptr) : json(f.uncertain)}};
    j["threads"] = json::array();
    for (std::uint32_t id : f.threads) j["threads"].push_back(thread_json(t, id));
    j["objects"] = json::array();
    for (std::uint32_t id : f.objects)
      j["objects"].push_back({{"id", id},
                              {"kind", id < t.objects.size() ? format::object_kind_name(t.objects[id].kind) : ""},
                              {"name", id < t.objects.size() ? t.objects[id].name.str() : ""}});
    j["sites"] = json::array();
    for (std::uint32_t id : f.sites) j["sites"].push_back(site_json(t, id));
    if (!f.accesses.empty()) {
      j["accesses"] = json::array();
      for (const auto& a : f.accesses)
        j["accesses"].push_back({{"event", a.event},
                                 {"thread", thread_json(t, a.thread)},
                                 {"site", site_json(t, a.site)},
                                 {"write", a.write},
                                 {"last_sync_event", a.last_sync == ~std::uint64_t{0} ? json(nullptr) : json(a.last_sync)}});
    }
    if (!f.cycle.empty()) {
      j["cycle"] = json::array();
      for (const auto& e : f.cycle)
        j["cycle"].push_back({{"holding", e.from < t.objects.size() ? t.objects[e.from].name.str() : ""},
                              {"takes", e.to < t.objects.size() ? t.objects[e.to].name.str() : ""},
                              {"thread", thread_json(t, e.thread)},
                              {"event", e.event},
                              {"site", site_json(t, e.site)},
                              {"held_site", site_json(t, e.held_site)}});
    }
    findings.push_back(std::move(j));
  }
  json out = {{"tool", "weft"}, {"version", kVersion}, {"trace", r.trace_path},
              {"program", t.info.program}, {"events", t.events.size()},
              {"truncated", t.truncated}, {"dropped_events", r.report.dropped},
              {"partial", partial(r)},
              {"warnings", t.warnings}, {"findings", std::move(findings)}};
  if (t.processes.size() > 1) {
    json processes = json::array();
    for (const format::ProcessInfo& p : t.processes)
      processes.push_back({{"pid", p.pid},
                           {"parent_pid", p.parent_pid},
                           {"name", p.name},
                           {"file", p.path},
                           {"ended", format::process_ending(p)}});
    out["processes"] = std::move(processes);
  }
  if (r.comparison)
    out["expectations"] = {{"matches", r.comparison->matches()},
                           {"missing", expectation_list(r.comparison->missing)},
                           {"unexpected", expectation_list(r.comparison->unexpected)}};
  return json_text(std::move(out), [](json& doc, const std::string& note) { doc["warnings"].push_back(note); });
}

}  // namespace weft::cli
