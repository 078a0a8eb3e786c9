// What `weft check` reports: findings, each with a kind, a one-line title,
// an explanation a learner can follow, the threads, objects and source sites
// involved, and the indices (in Trace::events) of the events that prove it,
// which the viewer jumps to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::analysis {

enum class FindingKind {
  DataRace,
  Deadlock,
  SelfDeadlock,
  LockOrderInversion,
  Hang,
  LostWakeup,
  Misuse,
  Ordering,
  Crash,       // a process died of a fatal signal or an uncaught exception
  TsanReport,  // ThreadSanitizer's own report, recorded in a TSan build: the second opinion
};
std::string_view finding_kind_name(FindingKind k);  // "data race", as scenarios name them
std::string_view finding_rule_id(FindingKind k);    // "weft/data-race", for SARIF

enum class Severity { Error, Warning };

// One side of a data race.
struct Access {
  std::uint64_t event = 0;       // index in Trace::events
  std::uint32_t thread = 0;
  std::uint32_t site = 0;
  bool write = false;
  std::uint64_t last_sync = ~std::uint64_t{0};  // the thread's last synchronization before it, if any
};

// One edge of a lock cycle: `thread` took `to` while holding `from`.
struct LockEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint32_t thread = 0;
  std::uint64_t event = 0;       // the acquisition of `to`
  std::uint32_t site = 0;        // where `to` was taken
  std::uint32_t held_site = 0;   // where `from` had been taken
};

struct Finding {
  FindingKind kind{};
  Severity severity = Severity::Error;
  std::string title;
  std::string explanation;
  std::vector<std::uint32_t> threads;
  std::vector<std::uint32_t> objects;
  std::vector<std::uint32_t> sites;
  std::vector<std::uint64_t> events;  // the proof, in trace order
  std::uint64_t count = 1;            // occurrences folded into this finding
  std::vector<Access> accesses;       // data races: the two accesses
  std::vector<LockEdge> cycle;        // inversions and deadlocks: the cycle
  std::string about;                  // the objects' names, sorted, joined by ", "
  // Not empty: events were dropped before the finding's last event (full
  // buffers, WEFT_ON_FULL=drop), and what is missing could explain it (a
  // lock's acquisition, its release): why it is not reported as certain.
  std::string uncertain;
};

}  // namespace weft::analysis
