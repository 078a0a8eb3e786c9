// A real trace to test commands on: the ABC scenario (three printers taking
// turns on one condition) recorded into `dir`. The including test target
// defines WEFT_ABC_SCENARIO, the scenario program's path.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace weft::test {

inline std::string abc_trace(const TempDir& dir) {
  const std::string path = (dir.path() / "abc.weft").string();
  const auto r = run_child({WEFT_ABC_SCENARIO}, with_env({{"WEFT_TRACE", path}}));
  REQUIRE(r.exit_code == 0);
  return path;
}

}  // namespace weft::test
