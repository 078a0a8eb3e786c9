// What two runs of one schedule must share: `weft dump --no-header`'s text
// without what differs whatever the schedule, the OS thread ids and the
// padding after them (an id of 6 digits pads its column one space less
// than one of 5); and what two explorations of the same runs must share.
#pragma once

#include <regex>
#include <string>

namespace weft::test {

// Also without ThreadSanitizer's reports (the tsan preset): TSan's opinion
// beside the events, whose addresses and OS thread ids differ from one
// process to the next (ASLR), where the events a replay repeats do not.
inline std::string without_thread_ids(const std::string& dump) {
  const std::string ids = std::regex_replace(dump, std::regex("tid=[0-9]+ *"), "tid=N ");
  return std::regex_replace(ids, std::regex(R"([^\n]* tsan\.report [^\n]*\n)"), "");
}

// `weft explore`'s report without what differs from one call to the next
// however its runs went: the time it took and `dir`, where it kept traces.
inline std::string explore_report(const std::string& out, const std::string& dir) {
  std::string s = std::regex_replace(out, std::regex(" in [0-9.]+ s, [0-9]+ runs/s"), "");
  for (std::size_t at; (at = s.find(dir)) != std::string::npos;) s.replace(at, dir.size(), "DIR");
  return s;
}

}  // namespace weft::test
