// Writes the Chrome export of the small hand-built trace (small_trace.hpp)
// to the file named on the command line. Not a test and not built by
// default: the one, manual way to regenerate tests/export/data/small_trace.json
// when a change of the export is meant (see tests/export/data/README.md).
// The golden test itself only ever reads that file.
#include <cstdio>
#include <fstream>

#include "small_trace.hpp"
#include "weft/export/chrome_trace.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.json\n", argv[0]);
    return 2;
  }
  weft::test::SmallTrace s;
  std::ofstream out(argv[1], std::ios::binary);
  weft::exporter::write_chrome_trace(s.tm.t, out, {});
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
