// `weft view [TRACE] [...]`: the viewer is its own program, weft-view, next
// to this one (the weft command does not link GL); this hands the
// arguments over to it, and its exit status is ours.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli.hpp"
#include "companions.hpp"

namespace weft::cli {

int run_view(Args args) {
  std::string program = find_companion("weft-view", "WEFT_VIEW_BIN", "is weft-view built?");
  if (::access(program.c_str(), X_OK) != 0)
    throw std::runtime_error("cannot run the viewer program " + program + ": " + std::strerror(errno));
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(raw[0], raw.data());
  throw std::runtime_error("cannot run " + program + ": " + std::strerror(errno));
}

}  // namespace weft::cli
