#include "subprocess.hpp"

#include <stdexcept>

namespace weft::test {

ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options) {
  ChildResult r = weft::subprocess::run(argv, options);
  if (!r.spawn_error.empty()) throw std::runtime_error(r.spawn_error);
  return r;
}

}  // namespace weft::test
