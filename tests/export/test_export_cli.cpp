// `weft export` as a user runs it: on a freshly recorded ABC scenario, to a
// file and to stdout, and the one-line errors for what it cannot do.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "chrome_checks.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/loader.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

std::string abc_trace(const TempDir& dir) {
  const std::string path = (dir.path() / "abc.weft").string();
  const auto r = run_child({WEFT_ABC_SCENARIO}, weft::test::with_env({{"WEFT_TRACE", path}}));
  REQUIRE(r.exit_code == 0);
  return path;
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(in);
}

}  // namespace

TEST_CASE("export writes TRACE.json next to the trace by default", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto r = run_child({WEFT_CLI, "export", trace});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const fs::path out = dir.path() / "abc.json";
  CHECK(one_line(r.out));
  CHECK(r.out.rfind(out.string() + ": ", 0) == 0);
  REQUIRE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(dir.path()))  // no temporary file left behind
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("the ABC scenario's export: named threads, paired flows, marks in order", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const fs::path out = dir.path() / "turns.json";
  const auto r = run_child({WEFT_CLI, "export", trace, "--format", "chrome", "-o", out.string()});
  REQUIRE(r.exit_code == 0);
  const json doc = read_json(out);

  const auto problems = weft::test::check_chrome_trace(doc);
  for (const auto& p : problems.list) UNSCOPED_INFO(p);
  CHECK(problems.list.empty());

  for (const char* name : {"main", "printer-A", "printer-B", "printer-C"}) CHECK(weft::test::tid_named(doc, name) > 0);
  CHECK(doc["otherData"]["program"] == "abc-turns");

  // Every mark, in file order and in time: (ABC) x 10, each on its printer.
  std::string letters;
  double last_ts = -1;
  for (const json& e : weft::test::events_of(doc, "i")) {
    if (e["cat"] != "mark") continue;
    const std::string letter = e["name"];
    letters += letter;
    CHECK(e["tid"] == weft::test::tid_named(doc, "printer-" + letter));
    CHECK(e["ts"].get<double>() >= last_ts);
    last_ts = e["ts"];
  }
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "ABC";
  CHECK(letters == expected);

  // The printers hand the turn over through the lock and the condition.
  std::map<std::string, int> flows;
  for (const json& e : weft::test::events_of(doc, "s")) ++flows[e["name"]];
  CHECK(flows["start"] == 3);
  CHECK(flows["join"] == 3);
  // One arrow per causal edge of the trace: how many notifications woke a
  // waiter, or unlocks passed the lock on, depends on the run's timing.
  const weft::format::Trace loaded = weft::format::load_trace(trace);
  std::map<std::string, int> edges;
  for (const auto& e : weft::analysis::causal_edges(loaded)) ++edges[std::string(weft::analysis::causal_kind_name(e.kind))];
  CHECK(flows["notify"] == edges["notify"]);
  CHECK(flows["unlock"] == edges["unlock"]);
  CHECK(flows["unlock"] > 0);
  CHECK(weft::test::events_of(doc, "s").size() == weft::test::events_of(doc, "f").size());

  std::size_t waits = 0, holds = 0;
  for (const json& e : weft::test::events_of(doc, "X")) {
    waits += e["cat"] == "wait";
    holds += e["cat"] == "hold";
  }
  // One slice per wait and per hold of the model. How often a printer had
  // to wait for its turn depends on the run's timing (an ASan run once had
  // 24 waits); the three joins are waits whatever the timing, and every
  // letter is printed holding the lock.
  const weft::analysis::Model model = weft::analysis::build_model(loaded);
  CHECK(waits == model.waits.size());
  CHECK(holds == model.state.holds.size());
  CHECK(waits >= 3);
  CHECK(holds >= 30);
}

TEST_CASE("export -o - writes the same JSON to stdout", "[export-cli]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto to_stdout = run_child({WEFT_CLI, "export", trace, "-o", "-"});
  REQUIRE(to_stdout.exit_code == 0);
  CHECK(to_stdout.err.empty());
  const auto to_file = run_child({WEFT_CLI, "export", trace});
  REQUIRE(to_file.exit_code == 0);
  std::ifstream in(dir.path() / "abc.json", std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(to_stdout.out == file);
  CHECK_NOTHROW(json::parse(to_stdout.out));
}

TEST_CASE("export refuses what it cannot do in one line, exit status 2", "[export-cli]") {
  TempDir dir;
  const fs::path text = dir.path() / "notes.weft";
  std::ofstream(text) << "this is not a trace\n";
  const std::string missing = (dir.path() / "missing.weft").string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"export"}, "weft: export: which trace? usage: weft export TRACE [--format chrome] [-o FILE|-] [--no-findings]\n"},
      {{"export", "x.weft", "--format", "svg"}, "weft: export: unknown format 'svg' (the formats: chrome)\n"},
      {{"export", "x.weft", "--format"}, "weft: export: --format needs a value\n"},
      {{"export", "x.weft", "--colour"}, "weft: export: unknown option --colour\n"},
      {{"export", "a.weft", "b.weft"}, "weft: export: one trace at a time (got a.weft and b.weft)\n"},
      {{"export", "x.weft", "-o", "x.weft"}, "weft: export: the output would overwrite the trace x.weft\n"},
      {{"export", missing}, "weft: cannot open " + missing + ": No such file or directory\n"},
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
  const auto corrupt = run_child({WEFT_CLI, "export", text.string()});
  CHECK(corrupt.exit_code == 2);
  CHECK(one_line(corrupt.err));
  CHECK(corrupt.err.find("not a weft trace") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "notes.json"));
}
