// The command line of every weft program — `weft` and each of its commands,
// weft-view, weft-scenarios and each scenario's own program, weft-compare —
// parsed one way: CLI11 underneath, set up to keep the project's promises.
//
//   - `-h` / `--help`: the usage line, every argument and flag with a
//     one-line description; parse() returns false and the caller prints
//     help() on stdout and exits 0.
//   - A mistake (an unknown option, an option without its value, a value
//     given to a flag, an argument too many) is a usage_error whose message
//     is one line naming the problem, with no program name: the caller
//     prefixes its own ("weft: check: ...") and exits 2. Nothing else is
//     printed.
//   - `--name value`, `--name=value` and `-nVALUE` all work; a value may
//     start with '-' (`-o -`); the last of a repeated option wins.
//   - Values stay text: each program checks its own numbers and ranges, in
//     its own words.
//
// CLI11 stays inside command_line.cpp: a large header, compiled once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft::command_line {

// A mistake on the command line; what() is one line naming it.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class parser {
 public:
  // `program`: as the user types it ("weft check", "weft-view"); `usage`:
  // the rest of the usage line ("TRACE [--format text|json|sarif]");
  // `summary`: what the command does, one line.
  parser(std::string program, std::string usage, std::string summary);
  ~parser();
  parser(parser&&) noexcept;
  parser& operator=(parser&&) noexcept;

  // Declarations, in the order help lists them. `names`: "-o,--output".
  // The variables must outlive parse(); a value is stored only when given.
  void positional(const std::string& name, std::string& into, const std::string& help);
  void positional(const std::string& name, std::optional<std::string>& into, const std::string& help);
  void option(const std::string& names, std::string& into, const std::string& value_name, const std::string& help);
  void option(const std::string& names, std::optional<std::string>& into, const std::string& value_name,
              const std::string& help);
  void flag(const std::string& names, bool& into, const std::string& help);
  // Printed after the flags (e.g. the list of workloads).
  void footer(const std::string& text);

  // Words the error for an argument beyond the declared positionals, e.g.
  // "one trace at a time (got a.weft and b.weft)". Without one:
  // "unexpected argument ARG".
  using extra_argument = std::function<std::string(const std::string& arg)>;

  // true: parsed, go on. false: help was asked for. Throws usage_error.
  bool parse(std::span<const std::string> args, const extra_argument& extra = {});

  std::string help() const;   // several lines, ending in a newline
  std::string usage() const;  // "usage: weft check TRACE [--format text|json|sarif] [--expect FILE]"

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace weft::command_line
