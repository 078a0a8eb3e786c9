// `weft check` on recorded scenario traces (data/findings/: every scenario
// whose run is under 30 KB, among them a race, a lock-order deadlock, a
// self-deadlock, a lost wake-up and hangs, misuse, and runs of several
// processes) says today, byte for byte, what the build before the packed
// event store (event_store.hpp) said: its JSON report, its text report,
// their stderr and exit statuses are the NAME.golden files, written by that
// build (commit 83fed4b) as
//   weft check --format json NAME.weft; weft check NAME.weft
// in the data directory. A change that alters a report on purpose rewrites
// the golden files the same way and says why in its commit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/subprocess.hpp"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

weft::test::ChildResult check(const std::string& trace, const std::vector<std::string>& format) {
  std::vector<std::string> argv{WEFT_CLI, "check"};
  argv.insert(argv.end(), format.begin(), format.end());
  argv.push_back(trace);
  weft::test::ChildOptions options = weft::test::with_env({}, WEFT_FINDINGS_DATA);
  options.timeout = std::chrono::seconds(60);
  return weft::test::run_child(argv, options);
}

// The report in the golden file's layout.
std::string report(const std::string& trace) {
  const weft::test::ChildResult json = check(trace, {"--format", "json"});
  const weft::test::ChildResult text = check(trace, {});
  REQUIRE_FALSE(json.timed_out);
  REQUIRE_FALSE(text.timed_out);
  return "exit " + std::to_string(json.exit_code) + "\n--- json\n" + json.out + "--- stderr\n" + json.err +
         "--- text (exit " + std::to_string(text.exit_code) + ")\n" + text.out + "--- stderr\n" + text.err;
}

}  // namespace

TEST_CASE("weft check reports on recorded scenario traces what the build before packed events did, byte for byte",
          "[findings]") {
  std::vector<fs::path> goldens;
  for (const auto& entry : fs::directory_iterator(WEFT_FINDINGS_DATA))
    if (entry.path().extension() == ".golden") goldens.push_back(entry.path());
  std::sort(goldens.begin(), goldens.end());
  REQUIRE(goldens.size() >= 40);
  // The comparison is about real findings, not only clean reports.
  const auto with_findings = std::count_if(goldens.begin(), goldens.end(),
                                           [](const fs::path& g) { return read_file(g).rfind("exit 1\n", 0) == 0; });
  CHECK(with_findings >= 8);
  for (const fs::path& golden : goldens) {
    const std::string trace = golden.stem().string() + ".weft";
    DYNAMIC_SECTION(trace) {
      REQUIRE(fs::exists(fs::path(WEFT_FINDINGS_DATA) / trace));
      CHECK(report(trace) == read_file(golden));
    }
  }
}
