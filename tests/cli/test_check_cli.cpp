// `weft check`, `weft stats` and `weft run --check` as a user (or a CI job)
// meets them: what each format says about real scenario traces, the exit
// statuses a script relies on, and one-line errors for bad input.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/sanitized.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Records one scenario (through its own small program) into DIR/NAME.weft.
std::string record(const TempDir& dir, const std::string& name) {
  const std::string path = (dir.path() / (name + ".weft")).string();
  const std::string program = std::string(WEFT_SCENARIO_DIR) + "/" + name;
  const auto r = run_child({program}, weft::test::with_env({{"WEFT_TRACE", path}}));
  INFO(name << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return path;
}

// In a ThreadSanitizer build (the tsan preset) the scenarios run with TSan
// inside, and its reports enter the trace as tsan.report events: `weft
// check` lists them as findings of their own kind ("tsan report", rule
// tsan/report), TSan's second opinion beside weft's findings, never one of
// them. Tests hold weft's findings to the same verdict in every build, and
// TSan's apart.
constexpr bool kTsanBuild = weft::test::kTsan;

bool is_tsan_report(const json& finding) { return finding.at("kind") == "tsan report"; }
bool is_tsan_result(const json& result) { return result.at("ruleId") == "tsan/report"; }

}  // namespace

TEST_CASE("check: a racy trace gives exit 1 and names the variable, both sites and the threads", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-race");

  const auto text = run_child({WEFT_CLI, "check", trace});
  CHECK(text.exit_code == 1);
  CHECK(text.err.empty());
  CHECK(contains(text.out, "== DATA RACE"));
  CHECK(contains(text.out, "data race on counter"));
  CHECK(contains(text.out, "counter_race.cpp:"));

  const auto out = run_child({WEFT_CLI, "check", trace, "--format", "json"});
  CHECK(out.exit_code == 1);
  const json report = json::parse(out.out);
  REQUIRE(report.at("findings").is_array());
  std::vector<json> weft_findings, tsan_reports;
  for (const json& f : report["findings"]) (is_tsan_report(f) ? tsan_reports : weft_findings).push_back(f);
  // TSan's reports, in a TSan build only: it sees the same race on counter.
  if (kTsanBuild) {
    CHECK_FALSE(tsan_reports.empty());
    for (const json& f : tsan_reports) {
      CHECK(f.at("rule") == "tsan/report");
      CHECK(f.at("severity") == "warning");
      CHECK(f.at("about") == "data-race");
    }
  } else {
    CHECK(tsan_reports.empty());
  }
  // weft's own findings, in every build: data races on counter, nothing else.
  REQUIRE_FALSE(weft_findings.empty());
  for (const json& f : weft_findings) {
    CHECK(f.at("kind") == "data race");
    CHECK(f.at("about") == "counter");
    CHECK(f.at("rule") == "weft/data-race");
    CHECK(f.at("count").get<long>() >= 1);
    REQUIRE(f.at("accesses").size() == 2);
    // The two accesses are by different threads, and one of them writes.
    const json& a = f["accesses"][0];
    const json& b = f["accesses"][1];
    CHECK(a.at("thread").at("id") != b.at("thread").at("id"));
    CHECK((a.at("write").get<bool>() || b.at("write").get<bool>()));
    for (const json* x : {&a, &b}) {
      CHECK(contains((*x).at("site").at("file").get<std::string>(), "counter_race.cpp"));
      CHECK((*x).at("site").at("line").get<int>() > 0);
      CHECK(contains((*x).at("thread").at("name").get<std::string>(), "worker-"));
    }
  }
}

TEST_CASE("check: a clean trace gives exit 0 in every format", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-locked");
  const auto text = run_child({WEFT_CLI, "check", trace});
  CHECK(text.exit_code == 0);
  CHECK(contains(text.out, "no findings"));
  const auto js = run_child({WEFT_CLI, "check", trace, "--format", "json"});
  CHECK(js.exit_code == 0);
  CHECK(json::parse(js.out).at("findings").empty());
  const auto sarif = run_child({WEFT_CLI, "check", trace, "--format", "sarif"});
  CHECK(sarif.exit_code == 0);
  CHECK(json::parse(sarif.out).at("runs").at(0).at("results").empty());
}

TEST_CASE("check --format sarif is SARIF 2.1.0 that code scanning can place in the source", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-race");
  const auto r = run_child({WEFT_CLI, "check", trace, "--format", "sarif"});
  CHECK(r.exit_code == 1);
  const json sarif = json::parse(r.out);
  CHECK(sarif.at("version") == "2.1.0");
  CHECK(contains(sarif.at("$schema").get<std::string>(), "sarif-schema-2.1.0"));
  REQUIRE(sarif.at("runs").size() == 1);
  const json& run = sarif["runs"][0];
  CHECK(run.at("tool").at("driver").at("name") == "weft");
  const json& rules = run["tool"]["driver"].at("rules");
  REQUIRE(rules.is_array());
  std::vector<json> weft_results, tsan_results;
  for (const json& result : run.at("results")) (is_tsan_result(result) ? tsan_results : weft_results).push_back(result);
  // TSan's reports, in a TSan build only: warnings under their own rule.
  if (kTsanBuild) {
    CHECK_FALSE(tsan_results.empty());
    for (const json& result : tsan_results) {
      const auto index = result.at("ruleIndex").get<std::size_t>();
      REQUIRE(index < rules.size());
      CHECK(rules[index].at("id") == "tsan/report");
      CHECK(result.at("level") == "warning");
    }
  } else {
    CHECK(tsan_results.empty());
  }
  // weft's own results, in every build: the data races on counter.
  REQUIRE_FALSE(weft_results.empty());
  for (const json& result : weft_results) {
    CHECK(result.at("ruleId") == "weft/data-race");
    // ruleIndex points at the rule with that id.
    const auto index = result.at("ruleIndex").get<std::size_t>();
    REQUIRE(index < rules.size());
    CHECK(rules[index].at("id") == result["ruleId"]);
    CHECK(result.at("level") == "error");
    CHECK(contains(result.at("message").at("text").get<std::string>(), "counter"));
    const json& where = result.at("locations").at(0).at("physicalLocation");
    CHECK(contains(where.at("artifactLocation").at("uri").get<std::string>(), "counter_race.cpp"));
    CHECK(where.at("region").at("startLine").get<int>() > 0);
  }
}

// Code-scanning services reject SARIF their schema rejects, so weft's SARIF is
// held to the standard's own JSON schema (tests/cli/data, with its source and
// licence), offline, by tests/cli/validate_json_schema.py with Python's
// jsonschema (Debian python3-jsonschema, installed by scripts/setup.sh).
TEST_CASE("check --format sarif is valid against the SARIF 2.1.0 schema, with findings and without",
          "[cli][check][sarif]") {
  const std::string python = WEFT_PYTHON3;
  if (python.empty()) {
    WARN("skipped: no python3 was found when configuring (scripts/setup.sh installs python3-jsonschema)");
    return;
  }
  if (const auto has = run_child({python, "-c", "import jsonschema"}); has.exit_code != 0) {
    WARN("skipped: " << python << " cannot import jsonschema (Debian: python3-jsonschema, installed by "
                     << "scripts/setup.sh): " << has.err);
    return;
  }
  const auto validate = [&](const std::string& document) {
    return run_child({python, WEFT_JSON_SCHEMA_VALIDATOR, WEFT_SARIF_SCHEMA, document});
  };
  TempDir dir;
  struct Case {
    std::string name;
    std::string trace;
    int exit_code;
    bool results;
  };
  const std::string latin1 = (dir.path() / "latin1.weft").string();
  REQUIRE(run_child({WEFT_LATIN1_NAMES}, weft::test::with_env({{"WEFT_TRACE", latin1}})).exit_code == 0);
  const std::vector<Case> cases = {
      {"findings", record(dir, "counter-race"), 1, true},    // data races (and, under TSan, TSan's reports)
      {"clean", record(dir, "counter-locked"), 0, false},    // no results at all
      {"not-utf8", latin1, 1, true},                         // findings and a tool notification
  };
  std::string with_findings;
  for (const Case& c : cases) {
    const auto r = run_child({WEFT_CLI, "check", c.trace, "--format", "sarif"});
    INFO(c.name << ": " << r.err);
    CHECK(r.exit_code == c.exit_code);
    const json sarif = json::parse(r.out);
    CHECK(sarif.at("runs").at(0).at("results").empty() == !c.results);
    const std::string file = dir.write_text(c.name + ".sarif", r.out);
    const auto v = validate(file);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 0);
    if (c.name == "findings") with_findings = r.out;
  }

  // The validator does reject what the schema forbids, so a pass above is
  // worth something: no version, and a level SARIF does not have.
  json broken = json::parse(with_findings);
  broken.erase("version");
  broken["runs"][0]["results"][0]["level"] = "fatal";
  const auto v = validate(dir.write_text("broken.sarif", broken.dump(2)));
  INFO(v.out << v.err);
  CHECK(v.exit_code == 1);
  CHECK(contains(v.err, "(root): 'version' is a required property"));
  CHECK(contains(v.err, "runs/0/results/0/level: 'fatal' is not one of"));
}

TEST_CASE("check finds the lock-order inversion of the deadlock scenario, with its cycle", "[cli][check]") {
  TempDir dir;
  const std::string trace = (dir.path() / "inversion.weft").string();
  // Whether this run deadlocked (and was stopped) or got through, the
  // inversion is there.
  const auto ran = run_child({std::string(WEFT_SCENARIO_DIR) + "/lock-order-deadlock"},
                             weft::test::with_env({{"WEFT_TRACE", trace}}));
  REQUIRE((ran.exit_code == 0 || ran.exit_code == 86));
  const auto r = run_child({WEFT_CLI, "check", trace, "--format", "json"});
  CHECK(r.exit_code == 1);
  const json report = json::parse(r.out);
  bool inversion = false;
  for (const json& f : report.at("findings")) {
    if (f.at("kind") != "lock-order inversion") continue;
    inversion = true;
    CHECK(f.at("about") == "lock_X, lock_Y");
    CHECK(f.at("cycle").size() == 2);
  }
  CHECK(inversion);
}

TEST_CASE("check --expect: exit 0 when the findings are exactly the expected ones, 1 when not", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-race");
  const std::string right = dir.write_text("right.json", R"({"always": [{"kind": "data race", "about": "counter"}]})");
  const std::string wrong = dir.write_text("wrong.json", R"({"always": [{"kind": "deadlock", "about": "counter"}]})");
  const std::string none = dir.write_text("none.json", R"({"always": []})");

  CHECK(run_child({WEFT_CLI, "check", trace, "--expect", right}).exit_code == 0);
  const auto missing = run_child({WEFT_CLI, "check", trace, "--expect", wrong});
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.out, "deadlock"));
  const auto extra = run_child({WEFT_CLI, "check", trace, "--expect", none, "--format", "json"});
  CHECK(extra.exit_code == 1);
  const json report = json::parse(extra.out);
  CHECK(report.dump().find("unexpected") != std::string::npos);
}

TEST_CASE("check: unusable input and command-line mistakes exit 2 with one line", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-locked");
  const std::string junk = dir.write_text("junk.weft", "definitely not a trace");
  const std::string bad_expect = dir.write_text("bad.json", "{\"always\": [{\"kind\": \"telepathy\"}]}");
  const std::vector<std::vector<std::string>> cases = {
      {"check"},
      {"check", junk},
      {"check", (dir.path() / "missing.weft").string()},
      {"check", trace, "--format", "xml"},
      {"check", trace, "--format"},
      {"check", trace, "--expect", (dir.path() / "missing.json").string()},
      {"check", trace, "--expect", bad_expect},
      {"check", trace, "--colour"},
      {"stats"},
      {"stats", junk},
      {"run", "no-such-scenario"},
  };
  for (const auto& args : cases) {
    std::vector<std::string> argv{WEFT_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_child(argv);
    INFO(args.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.out.empty());
  }
}

TEST_CASE("stats: per-lock contention and per-thread running and blocked time", "[cli][stats]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-locked");
  const auto r = run_child({WEFT_CLI, "stats", trace});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "LOCKS"));
  CHECK(contains(r.out, "THREADS"));
  // Ten workers share one lock, each taking it twice per iteration, 10,000
  // iterations: the lock's row counts every acquisition, and every worker
  // has a row of its own.
  std::istringstream lines(r.out);
  std::string line;
  int workers = 0;
  long acquired = -1;
  while (std::getline(lines, line)) {
    if (line.rfind("worker-", 0) == 0) ++workers;
    if (line.rfind("counter_lock ", 0) == 0) std::istringstream(line.substr(13)) >> acquired;
  }
  CHECK(workers == 10);
  CHECK(acquired == 200000);
}

TEST_CASE("run --check records a scenario and holds it to its declared verdict", "[cli][run]") {
  TempDir dir;
  // A racy scenario matches its verdict (the race is expected): exit 0.
  const std::string out = (dir.path() / "race.weft").string();
  const auto race = run_child({WEFT_CLI, "run", "counter-race", "-o", out, "--check"});
  CHECK(race.exit_code == 0);
  CHECK(fs::exists(out));
  CHECK(contains(race.out, "data race on counter"));
  // And a clean one too.
  const auto clean = run_child({WEFT_CLI, "run", "abc-turns", "-o", (dir.path() / "abc.weft").string(), "--check"});
  CHECK(clean.exit_code == 0);
}

TEST_CASE("run: an unknown scenario names the close matches", "[cli][run]") {
  const auto r = run_child({WEFT_CLI, "run", "counter-rase"});
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK(contains(r.err, "counter-race"));
}

// Output that never reached its file is an error, not a report cut short:
// /dev/full takes nothing (ENOSPC), as a full disk.
TEST_CASE("output to a full disk is exit status 2 and one line naming the reason, never success", "[cli]") {
  if (!fs::exists("/dev/full")) {
    WARN("no /dev/full here: skipped");
    return;
  }
  TempDir dir;
  const std::string trace = record(dir, "abc-turns");
  const auto shell = [](const std::string& command) { return run_child({"/bin/sh", "-c", command}); };
  const std::string weft = WEFT_CLI;
  for (const std::string& command :
       {weft + " check " + trace + " --format sarif > /dev/full", weft + " check " + trace + " --format json > /dev/full",
        weft + " dump " + trace + " > /dev/full", weft + " stats " + trace + " > /dev/full",
        weft + " export " + trace + " -o - > /dev/full", weft + " export " + trace + " -o /dev/full"}) {
    const auto r = shell(command);
    INFO(command << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(contains(r.err, "No space left on device"));
  }
  // The device is written to, never replaced by a file renamed over it.
  CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("names that are not UTF-8 come out of every format: JSON and SARIF replace the bytes and say so",
          "[cli][check]") {
  TempDir dir;
  const std::string trace = (dir.path() / "latin1.weft").string();
  REQUIRE(run_child({WEFT_LATIN1_NAMES}, weft::test::with_env({{"WEFT_TRACE", trace}})).exit_code == 0);
  const auto text = run_child({WEFT_CLI, "check", trace});
  CHECK(text.exit_code == 1);
  CHECK(contains(text.out, "caf\xe9"));  // text output carries the bytes as they are
  for (const std::string format : {"json", "sarif"}) {
    const auto r = run_child({WEFT_CLI, "check", trace, "--format", format});
    INFO(format << ": " << r.err);
    CHECK(r.exit_code == 1);  // the findings, reported
    CHECK(one_line(r.err));
    CHECK(contains(r.err, "not valid UTF-8"));
    const json doc = json::parse(r.out);  // valid JSON
    CHECK(contains(r.out, "caf\xef\xbf\xbd"));  // the invalid byte, as U+FFFD
    // (Under ThreadSanitizer its own report of the inversion comes too.)
    if (format == "json") {
      CHECK(contains(doc["findings"].dump(), "lock-order inversion"));
      CHECK(contains(doc["warnings"].dump(), "not valid UTF-8"));
    } else {
      CHECK(!doc["runs"][0]["results"].empty());
      CHECK(contains(doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
                     "not valid UTF-8"));
    }
  }
  const auto stats = run_child({WEFT_CLI, "stats", trace, "--json"});
  CHECK(stats.exit_code == 0);
  CHECK(json::parse(stats.out)["locks"].size() == 2);
}

TEST_CASE("a trace piped in (- or a FIFO) is read as a stream, a FIFO nobody writes to is refused, not waited on", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "counter-race");
  const std::string weft = WEFT_CLI;
  const auto shell = [](const std::string& command) { return run_child({"/bin/sh", "-c", command}); };
  const auto piped = shell("cat " + trace + " | " + weft + " check -");
  CHECK(piped.exit_code == 1);
  CHECK(contains(piped.out, "weft check -: "));
  CHECK(contains(piped.out, "data race"));
  CHECK(shell(weft + " dump - < " + trace).exit_code == 0);
  CHECK(shell("cat " + trace + " | " + weft + " export - -o " + (dir.path() / "t.json").string()).exit_code == 0);
  const auto where = shell("cat " + trace + " | " + weft + " export -");
  CHECK(where.exit_code == 2);
  CHECK(contains(where.err, "say where the JSON goes"));
  const auto garbage = shell("head -c 100000 /dev/zero | " + weft + " check -");
  CHECK(garbage.exit_code == 2);
  CHECK(garbage.err == "weft: standard input: not a weft trace (bad magic)\n");

  const std::string fifo = (dir.path() / "fifo").string();
  REQUIRE(shell("mkfifo " + fifo).exit_code == 0);
  // A writer: read to its end, as a file.
  const auto written = shell("cat " + trace + " > " + fifo + " & " + weft + " check " + fifo);
  CHECK(written.exit_code == 1);
  CHECK(contains(written.out, "data race"));
  // A writer that comes a moment later is waited for.
  const auto late = shell("(sleep 1; cat " + trace + " > " + fifo + ") & " + weft + " check " + fifo);
  CHECK(late.exit_code == 1);
  // None: refused after a few seconds, not a hang (the child's 30 s timeout would say so).
  const auto nobody = run_child({WEFT_CLI, "check", fifo});
  CHECK_FALSE(nobody.timed_out);
  CHECK(nobody.exit_code == 2);
  CHECK(nobody.err == "weft: " + fifo + ": a FIFO nobody wrote to within 5 s, not a trace\n");
  const auto device = run_child({WEFT_CLI, "check", "/dev/zero"});
  CHECK(device.exit_code == 2);
  CHECK(device.err == "weft: /dev/zero: not a regular file (a device, or a socket)\n");
}

TEST_CASE("check on a trace the program did not finish says the verdict is partial, exit status 3", "[cli][check]") {
  TempDir dir;
  const std::string trace = record(dir, "abc-turns");
  const std::string cut = (dir.path() / "cut.weft").string();
  fs::copy_file(trace, cut);
  fs::resize_file(cut, 300);  // the header and a few chunks
  const auto r = run_child({WEFT_CLI, "check", cut});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "no findings as far as the trace goes (it is truncated"));
  const auto whole = run_child({WEFT_CLI, "check", trace});
  CHECK(whole.exit_code == 0);
  CHECK(contains(whole.out, "no findings (clean)"));
}

TEST_CASE("drop mode: findings the dropped events could explain are uncertain, and the verdict partial (exit 3)",
          "[cli][check]") {
  // A correctly locked program whose tiny buffers drop most events: what is
  // left shows accesses without the locking around them.
  TempDir dir;
  const std::string path = (dir.path() / "dropped.weft").string();
  const std::string program = std::string(WEFT_SCENARIO_DIR) + "/counter-locked";
  const auto rec = run_child({program}, weft::test::with_env({{"WEFT_TRACE", path}, {"WEFT_BUFFER_EVENTS", "1024"},
                                                             {"WEFT_ON_FULL", "drop"}}));
  REQUIRE(rec.exit_code == 0);
  const auto r = run_child({WEFT_CLI, "check", path});
  INFO(r.out);
  CHECK(r.exit_code == 3);  // nothing certain, and not clean either
  CHECK(contains(r.out, "the verdict is partial: "));
  for (const std::string& line : {std::string("[1] "), std::string("[2] ")})
    if (contains(r.out, line)) CHECK(contains(r.out, "UNCERTAIN: "));
  const json doc = json::parse(run_child({WEFT_CLI, "check", path, "--format", "json"}).out);
  CHECK(doc["partial"] == true);
  CHECK(doc["dropped_events"].get<std::uint64_t>() > 0);
  for (const json& f : doc["findings"]) CHECK(f["uncertain"].is_string());
}

TEST_CASE("check gives the same bytes twice, in separate processes, in every format", "[cli][check]") {
  // The detectors run on threads of their own: the report must not depend
  // on which finishes first, nor on anything else of one process's life.
  TempDir dir;
  const std::string trace = record(dir, "counter-race");
  for (const std::string format : {"text", "json", "sarif"}) {
    const auto first = run_child({WEFT_CLI, "check", trace, "--format", format});
    const auto second = run_child({WEFT_CLI, "check", trace, "--format", format});
    INFO(format);
    CHECK(first.exit_code == 1);
    CHECK(!first.out.empty());
    CHECK(first.out == second.out);
  }
}
