// The runner's tables, as aligned text for a terminal or as GitHub markdown
// for the README (--markdown): one set of rows, two renderings, so the two
// never disagree.
#pragma once

#include <string>
#include <vector>

namespace weft::compare {

struct table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column: right-aligned (missing: left)
  std::vector<std::vector<std::string>> rows;

  std::string render(bool markdown) const;
};

}  // namespace weft::compare
