// The command line of weft-view (and `weft view`):
//
//   weft-view [TRACE] [--screenshot OUT.png] [--select-finding N]
//             [--time A..B] [--size WxH]
//
// Parsed without a window so that a bad command line is a one-line error,
// exit status 2, even where no display exists. The parser is the project's
// one (weft::command_line); the values are checked here, in the viewer's
// words.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft::viewer {

struct TimeRange {
  double begin_ns = 0, end_ns = 0;
};

struct Options {
  std::optional<std::string> trace;
  // Further trace files of the same run (weft view a.weft a.123.weft):
  // opened together with `trace` as one run (format/run.hpp).
  std::vector<std::string> more_traces;
  std::optional<std::string> screenshot;   // render off-screen to this PNG and exit
  std::optional<std::size_t> select_finding;  // 1-based, as `weft check` numbers them
  std::optional<TimeRange> time;
  int width = 1600, height = 900;
  bool help = false;
};

class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Options parse_options(const std::vector<std::string>& args);  // throws usage_error
const char* usage_text();  // one line: "usage: weft view [TRACE] ..."
std::string help_text();   // --help: the usage, every argument and flag explained

// "250", "250ns", "1.5us", "1.5µs", "12ms", "3s" -> nanoseconds (a bare
// number is nanoseconds). Throws usage_error.
double parse_time(const std::string& text);
TimeRange parse_time_range(const std::string& text);  // "A..B", A < B

}  // namespace weft::viewer
