// The `weft` command's shared pieces: every subcommand is a function from
// its arguments to an exit status. Exit statuses: 0 success, 1 findings (for
// commands that look for problems), 2 the input or the command line is
// unusable.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace weft::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUnusable = 2;

// A mistake on the command line: reported as one line, exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Args = std::span<const std::string>;

int run_dump(Args args);
int run_export(Args args);
int run_list(Args args);
int run_run(Args args);
int run_check(Args args);
int run_stats(Args args);
int run_view(Args args);

// Checks one trace; `expect_json` as in --expect. Prints the report and
// returns the exit status (see check.cpp).
int check_trace(const std::string& path, const std::string& format, const std::optional<std::string>& expect_json,
                const std::string& expect_source);

}  // namespace weft::cli
