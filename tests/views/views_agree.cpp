#include "views_agree.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "timeline.hpp"
#include "weft/analysis/model.hpp"
#include "weft/export/chrome_trace.hpp"

namespace weft::test {
namespace {

using nlohmann::json;

// A hold as both views can state it: the lock's label, the acquisition, and
// its time span in ns.
using Hold = std::tuple<std::string, std::uint64_t, std::uint64_t, std::uint64_t>;
// A counter step: (lock or object label, series name) -> (time ns, value) in order.
using Counters = std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::uint64_t, std::int64_t>>>;

std::uint64_t ns_of(const json& micros) { return static_cast<std::uint64_t>(std::llround(micros.get<double>() * 1000)); }

std::string_view series_of(viewer::LaneKind k) {
  switch (k) {
    case viewer::LaneKind::Lock: return "waiters";
    case viewer::LaneKind::Queue: return "depth";
    case viewer::LaneKind::Semaphore: return "value";
    case viewer::LaneKind::Barrier: return "arrivals";
    case viewer::LaneKind::Thread:
    case viewer::LaneKind::Signal: break;  // a condition or event: no holds, no exported counter
  }
  return {};
}

std::string describe(const Hold& h) {
  std::ostringstream s;
  s << std::get<0>(h) << " acquired at event " << std::get<1>(h) << " [" << std::get<2>(h) << ", " << std::get<3>(h)
    << "] ns";
  return s.str();
}

}  // namespace

std::vector<std::string> view_disagreements(const format::Trace& trace) {
  const analysis::Model model = analysis::build_model(trace);
  const viewer::Timeline timeline = viewer::build_timeline(trace, model);
  std::ostringstream out;
  exporter::ChromeOptions options;
  options.findings = false;
  exporter::write_chrome_trace(trace, out, options);

  std::set<Hold> viewer_holds, export_holds;
  Counters viewer_counters, export_counters;
  std::set<std::string> counted;  // the objects whose counters the viewer draws
  for (const viewer::Lane& lane : timeline.lanes) {
    if (lane.kind == viewer::LaneKind::Thread) continue;
    for (const viewer::Span& s : lane.spans.spans)
      if (!s.shared) viewer_holds.insert({lane.label, s.begin_event, s.begin_ns, s.end_ns});
    counted.insert(lane.label);
    auto& steps = viewer_counters[{lane.label, std::string(series_of(lane.kind))}];
    for (const viewer::Step& step : lane.series.steps) steps.emplace_back(step.time_ns, step.value);
    if (steps.empty()) viewer_counters.erase({lane.label, std::string(series_of(lane.kind))});
  }
  // The export writes one trace event per line: parse only the holds and
  // counters (a scenario's export is tens of megabytes of other slices).
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    const bool hold = line.find("\"cat\":\"hold\"") != std::string::npos;
    const bool counter = line.find("\"ph\":\"C\"") != std::string::npos;
    if (!hold && !counter) continue;
    if (!line.empty() && line.back() == ',') line.pop_back();
    const json e = json::parse(line);
    if (hold && e.at("name").get<std::string>().rfind("hold shared ", 0) != 0) {
      const std::uint64_t begin = ns_of(e.at("ts"));
      export_holds.insert({e.at("args").at("object"), e.at("args").at("event"), begin, begin + ns_of(e.at("dur"))});
    } else if (counter && counted.count(e.at("name"))) {
      for (const auto& [series, value] : e.at("args").items())
        export_counters[{e.at("name"), series}].emplace_back(ns_of(e.at("ts")), value.get<std::int64_t>());
    }
  }
  // The export also has series the viewer does not draw (a lock's depth,
  // its readers): compare those the viewer draws.
  for (auto it = export_counters.begin(); it != export_counters.end();) {
    const bool drawn = it->first.second == "waiters" || it->first.second == "depth" || it->first.second == "value" ||
                       it->first.second == "arrivals";
    it = drawn ? std::next(it) : export_counters.erase(it);
  }

  std::vector<std::string> problems;
  for (const Hold& h : viewer_holds)
    if (!export_holds.count(h)) problems.push_back("the viewer's hold is not exported: " + describe(h));
  for (const Hold& h : export_holds)
    if (!viewer_holds.count(h)) problems.push_back("the exported hold is not in the viewer: " + describe(h));
  for (const auto& [key, steps] : viewer_counters) {
    const auto it = export_counters.find(key);
    if (it == export_counters.end())
      problems.push_back("the viewer's counter " + key.first + " / " + key.second + " is not exported");
    else if (it->second != steps)
      problems.push_back("counter " + key.first + " / " + key.second + ": " + std::to_string(steps.size()) +
                         " steps in the viewer, " + std::to_string(it->second.size()) + " exported, not the same");
  }
  for (const auto& [key, steps] : export_counters)
    if (!viewer_counters.count(key))
      problems.push_back("the exported counter " + key.first + " / " + key.second + " is not in the viewer");
  return problems;
}

}  // namespace weft::test
