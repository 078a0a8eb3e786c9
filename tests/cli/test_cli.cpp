// The weft command as a user meets it: help, version, errors, and dump.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "../support/abc_trace.hpp"

namespace fs = std::filesystem;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;
using weft::test::abc_trace;

TEST_CASE("weft --help lists the commands and exits 0", "[cli]") {
  for (const char* flag : {"--help", "-h", "help"}) {
    const auto r = run_child({WEFT_CLI, flag});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: weft COMMAND") != std::string::npos);
    CHECK(r.out.find("dump TRACE") != std::string::npos);
  }
}

TEST_CASE("weft --version prints the tool's version and the trace format's, apart", "[cli]") {
  const auto r = run_child({WEFT_CLI, "--version"});
  CHECK(r.exit_code == 0);
  CHECK(std::regex_match(r.out, std::regex("weft [0-9]+\\.[0-9]+\\.[0-9]+\ntrace format 1\\.[0-9]+ \\(reads 1\\.x\\)\n")));
}

TEST_CASE("command-line mistakes get one line on stderr and exit status 2", "[cli]") {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{}, "weft: no command given (try: weft --help)\n"},
      {{"frobnicate"}, "weft: unknown command 'frobnicate' (try: weft --help)\n"},
      {{"dump"}, "weft: dump: which trace? usage: weft dump TRACE [--no-header]\n"},
      {{"dump", "--colour", "x.weft"}, "weft: dump: unknown option --colour\n"},
      {{"dump", "a.weft", "b.weft"}, "weft: cannot open a.weft: No such file or directory\n"},  // a run: each must open
      {{"dump", "/nonexistent/trace.weft"}, "weft: cannot open /nonexistent/trace.weft: No such file or directory\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv{WEFT_CLI};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run_child(argv);
    INFO(c.message);
    CHECK(r.exit_code == 2);
    CHECK(r.err == c.message);
    CHECK(r.out.empty());
  }
}

TEST_CASE("dump refuses files that are not traces, in one line", "[cli]") {
  TempDir dir;
  const fs::path text = dir.path() / "notes.txt";
  std::ofstream(text) << "this is not a trace\n";
  const fs::path empty = dir.path() / "empty.weft";
  std::ofstream{empty};
  for (const auto& [path, needle] : {std::pair{text, "not a weft trace (bad magic)"}, std::pair{empty, "empty file"},
                                     std::pair{dir.path(), "no readable trace in this directory"}}) {  // a directory is a run
    const auto r = run_child({WEFT_CLI, "dump", path.string()});
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find(needle) != std::string::npos);
  }
}

TEST_CASE("dump prints the ABC scenario's events in order, one line each", "[cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto r = run_child({WEFT_CLI, "dump", trace});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("# program  abc-turns") != std::string::npos);
  CHECK(r.out.find("ended by exit") != std::string::npos);

  // The marks read (ABC) x 10, each on a line naming its thread and site.
  std::istringstream lines(r.out);
  std::string line, letters;
  const std::regex mark(R"re(^\s+[0-9.]+\s+printer-([ABC])\s+mark\s+"([ABC])"\s+abc_turns\.cpp:\d+ \(.+\)$)re");
  std::smatch m;
  int event_lines = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++event_lines;
    if (std::regex_match(line, m, mark)) {
      CHECK(m[1] == m[2]);
      letters += m[2];
    }
  }
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "ABC";
  CHECK(letters == expected);
  CHECK(event_lines > 100);
}

TEST_CASE("dump of a truncated trace prints what is there and warns", "[cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  fs::resize_file(trace, fs::file_size(trace) - 20);
  const auto r = run_child({WEFT_CLI, "dump", "--no-header", trace});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("# program") == std::string::npos);
  CHECK(r.out.find("thread.start") != std::string::npos);
  CHECK(r.err.find("warning") != std::string::npos);
  CHECK(r.err.find("truncated") != std::string::npos);
}
