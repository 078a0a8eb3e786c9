// Ordering: the marks a program made, in the trace's order, against the
// order its lesson expects (a regex over the marks' texts, each followed by
// one space).
#include <regex>

#include "weft/analysis/detectors.hpp"

namespace weft::analysis {

std::vector<Finding> find_ordering(const Model& m, const std::string& pattern) {
  const format::Trace& t = *m.trace;
  std::string marks;
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == format::EventKind::Mark) {
      marks += std::string(t.text(t.events[i])) + " ";
      indices.push_back(i);
    }
  std::regex expected;
  try {
    expected = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("the expected marks pattern '" + pattern + "' is not a valid regex: " + e.what());
  }
  if (std::regex_match(marks, expected)) return {};

  // Where does it go wrong? The longest prefix of marks that can still be
  // completed is costly to find with std::regex; report the whole sequence,
  // clipped, and point at the marks.
  Finding f;
  f.kind = FindingKind::Ordering;
  const std::string shown = marks.size() > 200 ? marks.substr(0, 200) + "..." : marks;
  f.title = "ordering violation: the marks do not follow " + pattern;
  f.explanation = "The program's marks, in order, were \"" + shown + "\", which does not match the expected pattern " +
                  pattern + ".";
  f.events = indices;
  for (std::uint64_t i : indices) {
    f.threads.push_back(t.events[i].thread);
    f.sites.push_back(t.events[i].site);
  }
  return {f};
}

}  // namespace weft::analysis
