// The catalogue as JSON, for tools (`weft list --json`) and for the tests
// that hold every scenario to its verdict.
#pragma once

#include <string>

#include "catalog.hpp"

namespace weft::scenarios {

std::string scenario_json(const scenario& s);
std::string catalog_json();  // an array of scenario_json

}  // namespace weft::scenarios
