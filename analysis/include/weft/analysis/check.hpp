// `weft check`: every detector over one trace, findings in a stable order,
// and the comparison with what a scenario's lesson says it should find.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weft/analysis/finding.hpp"
#include "weft/analysis/lock_graph.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/trace.hpp"

namespace weft::analysis {

struct CheckOptions {
  std::optional<std::string> marks_pattern;  // enables the ordering check
};

struct Report {
  std::vector<Finding> findings;  // by kind, then by first event
  // Events lost to full buffers while the program ran (trace.dropped): the
  // verdict covers only what was kept, and findings after a loss are
  // uncertain (Finding::uncertain).
  std::uint64_t dropped = 0;
  std::size_t certain() const {
    std::size_t n = 0;
    for (const Finding& f : findings) n += f.uncertain.empty();
    return n;
  }
};

// `lock_graph`, when given, receives the lock-order graph (lock_graph.hpp)
// from the same walk that finds the lock-order inversions: a caller that
// shows the graph (the viewer) does not walk the trace for it again.
Report check(const format::Trace& trace, const CheckOptions& options = {}, LockGraph* lock_graph = nullptr);

// Where the detectors that read the model get it. The check calls it once,
// on the calling thread, after starting the detectors that need only the
// trace on threads of their own; it may wait there for a model another
// thread is building. A caller that keeps a model of its own (the viewer's,
// ModelDetail::Full) shares it this way instead of the check building a
// second one; the findings are the same.
using ModelSource = std::function<const Model&()>;
Report check(const format::Trace& trace, const CheckOptions& options, LockGraph* lock_graph, const ModelSource& model);

// What a scenario expects (the `always` / `sometimes` findings and marks of
// its catalogue entry, as `weft-scenarios describe` prints them).
struct ExpectedFinding {
  FindingKind kind{};
  std::string about;
};
struct Expectations {
  std::vector<ExpectedFinding> always;
  std::vector<ExpectedFinding> sometimes;
  std::optional<std::string> marks;
};

// Parses the JSON of `weft-scenarios describe NAME` (or a file of the same
// shape). Throws std::invalid_argument with a one-line message.
Expectations parse_expectations(const std::string& json);

// How the findings compare with the expectations, by (kind, about): every
// `always` must be found, nothing found beyond `always` and `sometimes`.
struct Comparison {
  std::vector<ExpectedFinding> missing;
  std::vector<ExpectedFinding> unexpected;
  bool matches() const { return missing.empty() && unexpected.empty(); }
};
Comparison compare(const Report& report, const Expectations& expected);

std::optional<FindingKind> finding_kind_from_name(std::string_view name);

}  // namespace weft::analysis
