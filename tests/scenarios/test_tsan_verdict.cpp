// ThreadSanitizer as the second opinion (TSan builds, the `tsan` label): the
// scenario named by WEFT_SCENARIO_NAME runs with TSan built in, and three
// verdicts must agree: the one its catalogue entry declares, weft's own
// (`weft check`), and TSan's (its reports, which the runtime records into
// the trace as they fire). A racy scenario must be reported by TSan, a
// lock-order one must get TSan's lock-order-inversion report, a clean one
// no report at all; and no report may come from inside weft's runtime. A
// race between two processes (shared-value-race) is weft's alone: TSan sees
// one process at a time.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"

namespace fs = std::filesystem;
using weft::analysis::FindingKind;

namespace {

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return "{" + out + "}";
}

// The TSan report types a weft finding kind corresponds to.
std::set<std::string> tsan_types_for(FindingKind k) {
  switch (k) {
    case FindingKind::DataRace: return {"data-race"};
    case FindingKind::LockOrderInversion: return {"lock-order-inversion"};
    // A mutex unlocked by a thread that does not hold it, or destroyed
    // while held, is misuse TSan sees on the std::mutex underneath.
    case FindingKind::Misuse: return {"mutex-bad-unlock", "mutex-destroy-locked", "mutex-invalid-access"};
    default: return {};
  }
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("ThreadSanitizer, weft and the catalogue agree on the scenario's verdict", "[tsan]") {
  const char* env_name = std::getenv("WEFT_SCENARIO_NAME");
  REQUIRE(env_name != nullptr);
  const std::string name = env_name;
  const auto described = weft::test::run_child({WEFT_SCENARIOS_BIN, "describe", name});
  REQUIRE(described.exit_code == 0);
  const weft::analysis::Expectations expected = weft::analysis::parse_expectations(described.out);

  const fs::path dir = fs::temp_directory_path() / ("weft-tsan-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string trace_path = (dir / "run.weft").string();
  // exitcode=0: the program's exit status stays weft's (86 when it was
  // stopped); TSan's verdict is read from its reports. The longest history
  // keeps TSan from missing races whose accesses are far apart.
  weft::test::ChildOptions options = weft::test::with_env(
      {{"WEFT_TRACE", trace_path}, {"TSAN_OPTIONS", "exitcode=0 halt_on_error=0 history_size=7"}});
  options.timeout = std::chrono::seconds(120);
  const auto result = weft::test::run_child({WEFT_SCENARIOS_BIN, "run", name, "--seed", "7919"}, options);
  INFO("scenario " << name << "; stderr: " << result.err.substr(0, 3000));
  REQUIRE_FALSE(result.timed_out);
  REQUIRE((result.exit_code == 0 || result.exit_code == 86));
  const weft::format::Trace trace = weft::format::load_run({trace_path}, weft::format::load_trace);
  const weft::analysis::Report report = weft::analysis::check(trace);

  // TSan watches one process: a race between two processes, on memory they
  // share, is out of its sight (each process has a TSan of its own). Those
  // are weft's alone to find.
  std::set<std::string> across_processes;
  for (const auto& f : report.findings) {
    if (f.kind != FindingKind::DataRace) continue;
    std::set<std::uint32_t> processes;
    for (std::uint32_t th : f.threads) processes.insert(trace.threads.at(th).process);
    if (processes.size() > 1) across_processes.insert(f.about);
  }

  // The three verdicts, as sets of names.
  std::set<std::string> declared, weft_found, tsan_found, tsan_required, tsan_allowed;
  for (const auto& e : expected.always) {
    declared.insert(std::string(weft::analysis::finding_kind_name(e.kind)) + " (" + e.about + ")");
    for (const std::string& t : tsan_types_for(e.kind)) {
      tsan_allowed.insert(t);
      // TSan need not see every misuse, nor a race between processes.
      if (e.kind != FindingKind::Misuse && !(e.kind == FindingKind::DataRace && across_processes.count(e.about)))
        tsan_required.insert(t);
    }
  }
  for (const auto& e : expected.sometimes)
    for (const std::string& t : tsan_types_for(e.kind)) tsan_allowed.insert(t);
  std::size_t tsan_reports = 0;
  bool from_runtime = false;
  for (const auto& f : report.findings) {
    if (f.kind != FindingKind::TsanReport) {
      weft_found.insert(std::string(weft::analysis::finding_kind_name(f.kind)) + " (" + f.about + ")");
      continue;
    }
    ++tsan_reports;
    tsan_found.insert(f.about);
    // A race whose access is in weft's runtime is a bug in weft, whatever
    // the scenario; only weft::shared's accessors touch the program's data.
    if (f.about == "data-race" && !f.events.empty()) {
      const nlohmann::json r = nlohmann::json::parse(trace.text(trace.events[f.events.front()]));
      for (const auto& mop : r.at("mops")) {
        const std::string top = mop.at("frames").empty() ? "" : mop["frames"][0].get<std::string>();
        if (top.find("/tracer/") != std::string::npos && top.find("/weft/shared.hpp") == std::string::npos) {
          from_runtime = true;
          UNSCOPED_INFO("TSan found a race inside weft's runtime, at " << top);
        }
      }
    }
  }
  const auto comparison = weft::analysis::compare(report, expected);

  std::set<std::string> tsan_missing, tsan_unexpected;
  for (const std::string& t : tsan_required)
    if (!tsan_found.count(t)) tsan_missing.insert(t);
  for (const std::string& t : tsan_found)
    if (!tsan_allowed.count(t)) tsan_unexpected.insert(t);

  INFO("scenario " << name << ": declared " << joined(declared) << "; weft found " << joined(weft_found)
                   << "; TSan reported " << joined(tsan_found));
  CHECK(comparison.matches());
  CHECK(tsan_missing.empty());
  CHECK(tsan_unexpected.empty());
  CHECK_FALSE(from_runtime);
  // Every report TSan printed is in the trace, recorded by the hook.
  CHECK(tsan_reports == count_of(result.err, "WARNING: ThreadSanitizer:"));
  fs::remove_all(dir);
}
