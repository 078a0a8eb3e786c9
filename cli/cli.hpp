// The `weft` command's shared pieces: every subcommand is a function from
// its arguments to an exit status. Exit statuses: 0 success, 1 findings (for
// commands that look for problems), 2 the input or the command line is
// unusable.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "weft/support/command_line.hpp"

namespace weft::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUnusable = 2;
// check: no findings, but the trace holds only part of the run.
inline constexpr int kExitIncomplete = 3;

// A mistake on the command line: reported as one line, exit status 2.
using usage_error = command_line::usage_error;

using Args = std::span<const std::string>;

// One command of `weft`: its name, usage line (after "weft "), summary.
struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  int (*run)(Args);
};
std::span<const Command> commands();  // in the order `weft --help` lists them

// The parser of `weft NAME`, its usage and summary those of commands().
command_line::parser command_parser(std::string_view name);

// Parses a command's arguments. false: --help was asked, and the command's
// help is printed. A mistake is a usage_error "NAME: what is wrong".
bool parse_command(command_line::parser& parser, std::string_view name, Args args,
                   const command_line::parser::extra_argument& extra = {});

// parse_command for a command on one trace, the positional `path`: a
// second trace is "one trace at a time (got A and B)", none is "which
// trace? usage: ...".
bool parse_trace_command(command_line::parser& parser, std::string_view name, Args args, const std::string& path);

// parse_command for a command on a run (format/run.hpp): the positional
// `path` (a trace, a run's first trace or a directory) and any further trace
// files after it. `paths` gets them all, `path` first; none is "which
// trace? usage: ...".
bool parse_run_command(command_line::parser& parser, std::string_view name, Args args, const std::string& path,
                       std::vector<std::string>& paths);

// The help line of a command's TRACE positional: what a run may be given as.
inline constexpr const char* kRunHelp =
    "; or a run of several processes: its first trace (the files of the processes it started, <stem>.<pid>.weft, "
    "are found beside it), a directory of one run's traces, or several trace files of one run";

int run_dump(Args args);
int run_export(Args args);
int run_list(Args args);
int run_run(Args args);
int run_explore(Args args);
int run_record(Args args);
int run_check(Args args);
int run_stats(Args args);
int run_view(Args args);

// Checks one trace; `expect_json` as in --expect. Prints the report and
// returns the exit status (see check.cpp).
int check_trace(const std::string& path, const std::string& format, const std::optional<std::string>& expect_json,
                const std::string& expect_source);
// The same for a run named by several paths (symbolize::load_run), the
// first one naming it in the report.
int check_run(const std::vector<std::string>& paths, const std::string& format,
              const std::optional<std::string>& expect_json, const std::string& expect_source);

}  // namespace weft::cli
