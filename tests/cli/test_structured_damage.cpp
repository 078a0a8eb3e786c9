// Real traces damaged chunk by chunk and field by field, with every checksum
// recomputed (tests/format/structured_damage.hpp), through every command a
// user reads a trace with: check in each format, export, stats, dump.
//
// What each variant must get:
//   - no crash, no hang, an exit status the command documents;
//   - a refusal is one line on stderr, and every command agrees on whether
//     the file loads, with the reader itself called in this process (one
//     reader, one verdict);
//   - what the generator knows to be damage is refused (never "clean"), and
//     what it knows to be a valid trace loads;
//   - every JSON output parses, and a non-UTF-8 name is carried and said so.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../format/structured_damage.hpp"
#include "../support/sanitized.hpp"
#include "weft/format/loader.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

using nlohmann::json;
using weft::format::damage::Expect;
using weft::format::damage::Variant;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

std::vector<unsigned char> record(const TempDir& dir, const std::string& scenario) {
  const std::string path = (dir.path() / (scenario + ".weft")).string();
  const auto r = run_child({std::string(WEFT_SCENARIO_DIR) + "/" + scenario}, weft::test::with_env({{"WEFT_TRACE", path}}));
  INFO(scenario << ": " << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 86));  // 86: the watchdog stopped a deadlock
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool parses(const std::string& text) { return json::accept(text); }

// Loads one damaged file here, then runs every reading command on it (with
// `read_at_all` false, none; with `every_way` false, the text check alone)
// and holds them to the promises above.
// Every variant is checked, and one in four of each family (its first, and
// every fourth after it) is also read the other five ways: they share the
// check's reader, so what they add is their output, not the verdict. Under
// a sanitizer (sanitized.hpp), where each process costs ten times as much,
// one variant in eight is checked and one in twenty-four read every way;
// there the reader's memory on every variant is the in-process load's
// part (loads_here).
constexpr std::size_t kCheckStride = weft::test::kSanitized ? 2 * weft::test::kSanitizedStride : 1;
constexpr std::size_t kEveryWayStride = weft::test::kSanitized ? 3 * kCheckStride : 4;

// Whether the reader every command shares loads `path`, in this process:
// cheap enough, even under a sanitizer, for every variant.
bool loads_here(const std::string& path) {
  try {
    weft::format::load_trace(path);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void read_every_way(const TempDir& dir, const Variant& v, bool read_at_all, bool every_way) {
  INFO("variant: " << v.name << " (must be: " << expect_name(v.expect) << ")");
  const std::string path = (dir.path() / "damaged.weft").string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(v.bytes.data()), static_cast<std::streamsize>(v.bytes.size()));
  }
  const bool loaded_here = loads_here(path);
  if (v.expect == Expect::Loads) CHECK(loaded_here);
  if (v.expect == Expect::Refused) CHECK_FALSE(loaded_here);
  if (!read_at_all) return;
  // The text check: its status says whether the file loaded.
  const auto text = run_child({WEFT_CLI, "check", path});
  INFO("check: exit " << text.exit_code << ", stderr: " << text.err);
  REQUIRE_FALSE(text.timed_out);
  REQUIRE(text.signal == 0);
  REQUIRE((text.exit_code >= 0 && text.exit_code <= 3));
  const bool loaded = text.exit_code != 2;
  CHECK(loaded == loaded_here);  // one reader, one verdict
  if (v.expect == Expect::Loads) CHECK(loaded);
  if (v.expect == Expect::Refused) CHECK_FALSE(loaded);
  if (!loaded) CHECK(one_line(text.err));

  const std::string exported = (dir.path() / "damaged.json").string();
  struct Reading {
    const char* what;
    std::vector<std::string> argv;
    bool json_stdout;
  };
  const std::vector<Reading> readings = {
      {"check --format json", {WEFT_CLI, "check", path, "--format", "json"}, true},
      {"check --format sarif", {WEFT_CLI, "check", path, "--format", "sarif"}, true},
      {"stats --json", {WEFT_CLI, "stats", path, "--json"}, true},
      {"dump", {WEFT_CLI, "dump", path}, false},
      {"export", {WEFT_CLI, "export", path, "-o", exported}, false},
  };
  if (!every_way) return;
  for (const Reading& reading : readings) {
    std::filesystem::remove(exported);
    const auto r = run_child(reading.argv);
    INFO(reading.what << ": exit " << r.exit_code << ", stderr: " << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.signal == 0);
    CHECK((r.exit_code == 2) == !loaded);  // one reader, one verdict
    if (r.exit_code == 2) {
      CHECK(one_line(r.err));
      continue;
    }
    if (reading.json_stdout) {
      CHECK(parses(r.out));
      // A name that is not UTF-8 and reaches the output is carried,
      // replaced (U+FFFD), and said so.
      if (r.out.find("\xEF\xBF\xBD") != std::string::npos) CHECK(r.out.find("UTF-8") != std::string::npos);
    }
    if (std::string(reading.what) == "export") {
      std::ifstream in(exported);
      CHECK(parses(std::string(std::istreambuf_iterator<char>(in), {})));
    }
  }
}

void damage_every_way(const std::string& scenario) {
  TempDir dir;
  const std::vector<unsigned char> trace = record(dir, scenario);
  const std::vector<Variant> variants = weft::format::damage::structured_damage(trace);
  // The reference variant is the file itself; the generator's split and
  // join must not change a byte, or every other variant is suspect.
  REQUIRE(variants.front().name == "unchanged");
  REQUIRE(variants.front().bytes == trace);
  std::map<std::string, std::size_t> seen;  // variants of each family so far
  for (const Variant& v : variants) {
    const std::size_t k = seen[v.name.substr(0, v.name.find(' '))]++;
    read_every_way(dir, v, k % kCheckStride == 0, k % kEveryWayStride == 0);
  }
  // Every family is there: a generator bug leaving one out shows.
  std::set<std::string> families;
  for (const auto& [family, count] : seen) families.insert(family);
  CHECK(families == std::set<std::string>{"unchanged", "drop", "duplicate", "swap", "THRD", "OBJT", "SITE", "END",
                                          "INDX", "EVTS"});
}

}  // namespace

TEST_CASE("structured damage: a clean trace of conditions (abc-turns), every chunk and field", "[cli][damage]") {
  damage_every_way("abc-turns");
}

TEST_CASE("structured damage: a trace with a data race (crawler-flag), every chunk and field", "[cli][damage]") {
  damage_every_way("crawler-flag");
}

TEST_CASE("structured damage: a trace the watchdog ended (safe-queue-self-deadlock), every chunk and field",
          "[cli][damage]") {
  damage_every_way("safe-queue-self-deadlock");
}
