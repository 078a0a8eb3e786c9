// The `weft` command: dispatches to one subcommand per file. The first word
// is the command (or --help, --version); the command parses the rest
// (commands.cpp).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/schema.hpp"
#include "weft/version.hpp"

namespace weft::cli {
namespace {

void print_help() {
  std::printf("weft %s: record, check and view what the threads of a program do\n\n", kVersion);
  std::printf("usage: weft COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& c : commands()) std::printf("  %-56s %s\n", c.usage, c.summary);
  std::printf("\noptions:\n  %-56s %s\n  %-56s %s\n  %-56s %s\n", "-h, --help", "show this help", "--version",
              "show the version", "COMMAND --help", "the command's arguments and flags, each explained");
  std::printf("\nexit status: 0 success, 1 findings, 2 unusable input or command line\n");
}

int main_impl(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) throw usage_error("no command given (try: weft --help)");
  const std::string& first = args.front();
  if (first == "-h" || first == "--help" || first == "help") {
    print_help();
    return kExitOk;
  }
  if (first == "--version" || first == "version") {
    // The tool and the trace format are versioned apart: a trace stays
    // readable across tool versions as long as the format's major holds.
    std::printf("weft %s\ntrace format %u.%u (reads %u.x)\n", kVersion, unsigned(format::kVersionMajor),
                unsigned(format::kVersionMinor), unsigned(format::kVersionMajor));
    return kExitOk;
  }
  for (const Command& c : commands())
    if (first == c.name) return c.run(Args(args).subspan(1));
  throw usage_error("unknown command '" + first + "' (try: weft --help)");
}

}  // namespace
}  // namespace weft::cli

// What a command wrote to standard output must have reached it: a full
// disk or a closed pipe is an error naming the reason, exit status 2, not
// a report cut short and an exit status that says all went well.
static int checked_stdout(int status) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return status;
  const int e = errno;
  std::fprintf(stderr, "weft: writing to standard output failed: %s\n", e ? std::strerror(e) : "an I/O error");
  return weft::cli::kExitUnusable;
}

int main(int argc, char** argv) {
  using namespace weft::cli;
  try {
    return checked_stdout(main_impl(argc, argv));
  } catch (const usage_error& e) {
    std::fprintf(stderr, "weft: %s\n", e.what());
  } catch (const weft::format::format_error& e) {
    std::fprintf(stderr, "weft: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft: error: %s\n", e.what());
  }
  return kExitUnusable;
}
