// One detector per kind of finding. Each is a pure function of the trace
// (and the model built from it): same trace in, same findings out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "weft/analysis/finding.hpp"
#include "weft/analysis/model.hpp"

namespace weft::analysis {

// Unordered conflicting accesses to weft::shared variables; one finding per
// pair of sites, with a count. Needs only the trace (not the model), so
// check() runs it alongside the model and the other detectors.
std::vector<Finding> find_races(const format::Trace& t);
inline std::vector<Finding> find_races(const Model& m) { return find_races(*m.trace); }
// Cycles in the "acquired B while holding A" graph, taken by at least two
// threads and not guarded by a common gate lock. Needs only the trace.
std::vector<Finding> find_lock_order_inversions(const format::Trace& t);
inline std::vector<Finding> find_lock_order_inversions(const Model& m) { return find_lock_order_inversions(*m.trace); }
// Self-deadlocks and wait-for cycles among mutexes that never resolved.
std::vector<Finding> find_deadlocks(const Model& m);
// Threads blocked forever (untimed waits open at the end of a program weft
// stopped as stuck), grouped by what they wait on; lost wake-ups
// where a condition was notified while nobody waited. Threads in `deadlocked`
// are left to the deadlock findings.
std::vector<Finding> find_hangs(const Model& m, const std::vector<std::uint32_t>& deadlocked);
// API misuse: unlock by a non-owner or of an unlocked lock, bounded
// semaphore over-release, task_done too often, condition wait without its
// lock, destroying a held lock, joining oneself. Needs only the trace.
std::vector<Finding> find_misuse(const format::Trace& t);
inline std::vector<Finding> find_misuse(const Model& m) { return find_misuse(*m.trace); }
// ThreadSanitizer's reports recorded in the trace (TSan builds), one
// finding each, with TSan's threads mapped to weft's.
std::vector<Finding> find_tsan_reports(const format::Trace& t);
// Processes that died of a fatal signal or an uncaught exception, one
// finding each, on the thread they died on. Needs only the trace.
std::vector<Finding> find_crashes(const format::Trace& t);
// Marks against an expected pattern (a regex over the marks' texts, each
// followed by one space).
std::vector<Finding> find_ordering(const Model& m, const std::string& marks_pattern);

// Helpers shared by the detectors.
std::string object_name(const format::Trace& t, std::uint32_t object);
std::string thread_name(const format::Trace& t, std::uint32_t thread);
std::string site_text(const format::Trace& t, std::uint32_t site);  // "file.cpp:12"
std::string join_sorted(std::vector<std::string> names);             // sorted, ", "
// Whether a site is in a header of the C++ standard library (where a std::
// lock guard or std::lock called a weft lock's lock()), or of the C library
// or compiler: format::is_standard_library_file, the test the symbolizer
// uses to look past inlined std code.
bool in_standard_library(const format::Trace& t, std::uint32_t site);
// A sentence for an explanation when any of `sites` is in the standard
// library, saying why and what records the user's line instead; "" if none.
std::string standard_library_note(const format::Trace& t, const std::vector<std::uint32_t>& sites);

}  // namespace weft::analysis
