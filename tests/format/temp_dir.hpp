// The format tests' scratch directory and file helpers. The reader works on
// paths (it preads the file), so every in-memory trace a test builds goes
// through a real file here.
#pragma once

#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "weft/format/loader.hpp"

namespace weft::format::test {

// The shared scratch directory, plus loading what a test wrote.
class TempDir : public weft::test::TempDir {
 public:
  // Writes the bytes and loads them as a trace.
  Trace load(std::span<const unsigned char> bytes, const std::string& name = "trace.weft") const {
    return load_trace(write(name, bytes));
  }
};

inline std::vector<unsigned char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace weft::format::test
