// Where weft finds the programs and library it hands work to: weft-scenarios
// (list, run, explore), weft-view (view) and libweft_preload.so (record,
// explore -- PROGRAM). In a build tree they sit next to weft (bin/); once
// installed, weft-view is beside weft and the other two are in weft's
// private directory (<libdir>/weft, e.g. /usr/lib/weft), which weft finds
// from its own place, so an installed tree may be moved as a whole
// (dpkg -x into any directory works).
#pragma once

#include <string>

namespace weft::cli {

// The path of companion `file` ("weft-scenarios", "weft-view",
// "libweft_preload.so"): the environment variable `override_env` if set
// (tests point it elsewhere), else the first of next to weft, then weft's
// private directory. Throws std::runtime_error naming every place looked
// at when it is in none, with `hint` (what to build or install).
std::string find_companion(const std::string& file, const char* override_env, const std::string& hint);

}  // namespace weft::cli
