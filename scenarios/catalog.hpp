// The scenario catalogue: classic teaching programs about threads, ported
// from Python lessons to C++ on weft's primitives. Each program registers
// itself with what it is, what it teaches, the lesson it ports, and the
// verdict `weft check` must reach on its trace: the findings it always
// produces, those it may produce in some runs, or none (clean).
//
// A scenario file:
//   namespace {
//   int run(const weft::scenarios::options& opt) { ... return 0; }
//   const weft::scenarios::registrar registered{{
//       .name = "abc-turns", .summary = "...", .teaches = "...", .lesson = "...",
//       .marks = "(A B C ){10}", .run = run}};
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::scenarios {

enum class finding {
  data_race,
  deadlock,              // a wait-for cycle that happened
  self_deadlock,         // a thread locking a non-recursive lock it holds
  lock_order_inversion,  // a potential deadlock: locks taken in both orders
  hang,                  // threads blocked forever with nobody to wake them
  lost_wakeup,           // a notification sent while nobody waited
  misuse,                // API misuse: unlock by a non-owner, over-release, ...
  ordering,              // marks out of the expected order
};
std::string_view finding_name(finding f);  // "data race"

// One expected finding, and what it is about: the object names involved
// (for a race, the shared variable), as the trace names them.
struct expectation {
  finding kind;
  std::string about;
};

struct options {
  std::uint64_t seed = 1;  // for scenarios that randomize timing
};

struct scenario {
  const char* name = "";       // "abc-turns": lowercase words joined by '-'
  const char* summary = "";    // one line
  const char* teaches = "";    // what a learner sees in it
  const char* lesson = "";     // the Python lesson it ports, and what changed in C++
  std::vector<expectation> always;     // every run produces these
  std::vector<expectation> sometimes;  // some runs (timing-dependent)
  // The expected order of marks: a regex (ECMAScript) that must match the
  // whole of the marks' texts, each followed by one space: "(A B C ){10}".
  const char* marks = nullptr;
  // Event kinds (dotted names, as `weft dump` prints them) that the trace
  // must contain: the events the lesson is about.
  std::vector<std::string> shows;
  bool hangs = false;                  // its lesson is a hang: the runner stops it
  // Its bug is a bet that a sleep is long enough for the other threads to
  // get somewhere (a loaded machine loses the bet). weft explore lets its
  // timers fire early, while other threads can still run (--early-timers);
  // other scenarios' sleeps are taken as the timing they rely on.
  bool timing_bet = false;
  int (*run)(const options&) = nullptr;

  bool clean() const { return always.empty() && sometimes.empty(); }
};

// Scenarios register themselves at start-up (from the scenario's own file).
struct registrar {
  explicit registrar(scenario s);
};

const std::vector<const scenario*>& all();  // sorted by name
const scenario* find(std::string_view name);
// Names within a small edit distance of `name`, or containing it: for "did
// you mean".
std::vector<std::string> close_matches(std::string_view name);

// One line about the verdict: "clean", "data race (counter)", ...
std::string describe_verdict(const scenario& s);

}  // namespace weft::scenarios
