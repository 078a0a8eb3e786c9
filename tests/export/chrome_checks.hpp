// What every exported Chrome trace must satisfy for Perfetto UI and
// chrome://tracing to draw it as meant, checked on the parsed JSON:
//   - the slices ("X") of each track nest (a viewer stacks them);
//   - every flow has exactly one "s" and one "f", and each end lies inside
//     a slice of its track (a flow binds to the slice enclosing it);
//   - every track that has events is named by a thread_name metadata event.
// Times are compared in integer nanoseconds, read from the JSON's text
// through the parser's number (three decimals: exact to the nanosecond
// once rounded).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace weft::test {

inline std::int64_t ns_of(const nlohmann::json& micros) { return std::llround(micros.get<double>() * 1000.0); }

struct ChromeProblems {
  std::vector<std::string> list;
  void add(std::string p) {
    if (list.size() < 20) list.push_back(std::move(p));
  }
};

inline ChromeProblems check_chrome_trace(const nlohmann::json& doc) {
  ChromeProblems problems;
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
    problems.add("no traceEvents array");
    return problems;
  }
  using Track = std::pair<std::int64_t, std::int64_t>;  // (pid, tid)
  struct Span {
    std::int64_t begin, end;
    std::string name;
  };
  std::map<Track, std::vector<Span>> slices;
  std::set<Track> named, used;
  std::map<std::uint64_t, std::vector<const nlohmann::json*>> starts, ends;
  for (const nlohmann::json& e : doc["traceEvents"]) {
    const std::string ph = e.at("ph");
    const Track track{e.at("pid").get<std::int64_t>(), e.value("tid", std::int64_t{0})};
    if (ph == "M") {
      if (e.at("name") == "thread_name") named.insert(track);
      continue;
    }
    if (ph != "C") used.insert(track);
    if (ph == "X") slices[track].push_back({ns_of(e.at("ts")), ns_of(e.at("ts")) + ns_of(e.at("dur")), e.at("name")});
    if (ph == "s") starts[e.at("id").get<std::uint64_t>()].push_back(&e);
    if (ph == "f") ends[e.at("id").get<std::uint64_t>()].push_back(&e);
  }
  for (auto& [track, spans] : slices) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return std::tie(a.begin, b.end) < std::tie(b.begin, a.end);
    });
    std::vector<const Span*> open;
    for (const Span& s : spans) {
      while (!open.empty() && open.back()->end <= s.begin) open.pop_back();
      if (!open.empty() && s.end > open.back()->end)
        problems.add("'" + s.name + "' crosses '" + open.back()->name + "' on tid " + std::to_string(track.second));
      open.push_back(&s);
    }
  }
  const auto enclosed = [&](const nlohmann::json& e) {
    const Track track{e.at("pid").get<std::int64_t>(), e.at("tid").get<std::int64_t>()};
    const std::int64_t t = ns_of(e.at("ts"));
    const auto it = slices.find(track);
    return it != slices.end() &&
           std::any_of(it->second.begin(), it->second.end(), [&](const Span& s) { return s.begin <= t && t < s.end; });
  };
  for (const auto& [id, list] : starts) {
    if (list.size() != 1) problems.add("flow " + std::to_string(id) + " has " + std::to_string(list.size()) + " starts");
    if (!ends.count(id)) problems.add("flow " + std::to_string(id) + " never ends");
    for (const auto* e : list)
      if (!enclosed(*e)) problems.add("flow " + std::to_string(id) + " starts outside any slice");
  }
  for (const auto& [id, list] : ends) {
    if (list.size() != 1) problems.add("flow " + std::to_string(id) + " has " + std::to_string(list.size()) + " ends");
    if (!starts.count(id)) problems.add("flow " + std::to_string(id) + " never starts");
    for (const auto* e : list) {
      if (!enclosed(*e)) problems.add("flow " + std::to_string(id) + " ends outside any slice");
      if (e->value("bp", "") != "e") problems.add("flow " + std::to_string(id) + " does not bind to its enclosing slice");
    }
  }
  for (const Track& t : used)
    if (!named.count(t)) problems.add("tid " + std::to_string(t.second) + " has events but no thread_name");
  return problems;
}

// The events of a phase, in file order.
inline std::vector<nlohmann::json> events_of(const nlohmann::json& doc, const std::string& ph) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& e : doc["traceEvents"])
    if (e.at("ph") == ph) out.push_back(e);
  return out;
}

// tid of the track named `name` (thread_name metadata), -1 if none.
inline std::int64_t tid_named(const nlohmann::json& doc, const std::string& name) {
  for (const nlohmann::json& e : doc["traceEvents"])
    if (e.at("ph") == "M" && e.at("name") == "thread_name" && e.at("args").at("name") == name)
      return e.at("tid").get<std::int64_t>();
  return -1;
}

}  // namespace weft::test
