// The main of each scenario's own program: runs the one scenario linked in.
//   <scenario> [--seed N] [--timeout SECONDS]
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
  using namespace weft::scenarios;
  // One file, one scenario, named like the file (CMake passes the name).
  if (all().size() != 1 || std::string_view(all().front()->name) != WEFT_SCENARIO_NAME) {
    std::fprintf(stderr, "scenario program %s holds %zu scenarios (%s) instead of exactly itself\n", WEFT_SCENARIO_NAME,
                 all().size(), all().empty() ? "none" : all().front()->name);
    return 2;
  }
  try {
    return run_scenario(*all().front(), parse_run_flags({argv + 1, argv + argc}));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", all().front()->name, e.what());
    return 2;
  }
}
