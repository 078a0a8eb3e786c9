// The main of each scenario's own program: runs the one scenario linked in.
//   <scenario> [--seed N] [--timeout SECONDS]
#include <cstdio>
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
  const scenario& s = *all().front();
  run_flags flags;
  weft::command_line::parser p(s.name, "[--seed N] [--timeout SECONDS]", s.summary);
  declare_run_flags(p, flags);
  run_settings settings;
  try {
    if (!p.parse(std::vector<std::string>(argv + 1, argv + argc))) {
      std::fputs(p.help().c_str(), stdout);
      return 0;
    }
    settings = settings_from(flags);
  } catch (const weft::command_line::usage_error& e) {
    std::fprintf(stderr, "%s: %s\n", s.name, e.what());
    return 2;
  }
  return run_scenario(s, settings);
}
