// `weft stats TRACE --json`: the figures of the text tables as one JSON
// document a script can read, on a recorded scenario whose counts are known
// (counter-locked: ten workers, 10,000 iterations each, the lock taken twice
// per iteration).
#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

using nlohmann::json;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

std::string record_counter_locked(const TempDir& dir) {
  const std::string path = (dir.path() / "counter-locked.weft").string();
  const auto r = run_child({std::string(WEFT_SCENARIO_DIR) + "/counter-locked"}, weft::test::with_env({{"WEFT_TRACE", path}}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return path;
}

// The text table's cells after the name: numbers, and for threads the
// blocked share ("12.5%") and causes.
std::map<std::string, std::vector<std::string>> text_rows(const std::string& out) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cells(line);
    std::string name, cell;
    cells >> name;
    while (cells >> cell) rows[name].push_back(cell);
  }
  return rows;
}

// The text shows milliseconds with three decimals.
std::string ms(const json& ns_value) {
  const auto ns = ns_value.get<std::uint64_t>();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", double(ns) / 1e6);
  return buf;
}

}  // namespace

TEST_CASE("stats --json: per lock and per thread, the text's figures in nanoseconds", "[cli][stats]") {
  TempDir dir;
  const std::string trace = record_counter_locked(dir);
  const auto r = run_child({WEFT_CLI, "stats", trace, "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const json doc = json::parse(r.out);  // one document, nothing else on stdout
  CHECK(doc.at("tool") == "weft");
  CHECK(doc.at("trace") == trace);
  CHECK(doc.at("program") == "counter-locked");
  CHECK(doc.at("truncated") == false);

  // The lock: every acquisition counted; the figures hang together.
  const json& locks = doc.at("locks");
  REQUIRE(locks.size() == 1);
  const json& lock = locks.at(0);
  CHECK(lock.at("name") == "counter_lock");
  CHECK(lock.at("id").get<int>() > 0);
  CHECK(lock.at("acquisitions") == 200000);
  CHECK(lock.at("contended").get<std::uint64_t>() <= 200000);
  CHECK(lock.at("wait_max_ns").get<std::uint64_t>() <= lock.at("wait_total_ns").get<std::uint64_t>());
  CHECK(lock.at("hold_max_ns").get<std::uint64_t>() <= lock.at("hold_total_ns").get<std::uint64_t>());
  CHECK(lock.at("hold_total_ns").get<std::uint64_t>() > 0);
  CHECK(lock.at("max_waiters").get<unsigned>() <= 10);
  if (lock.at("contended") > 0) CHECK(lock.at("max_waiters").get<unsigned>() >= 1);

  // The threads: main and ten workers; a life is running plus blocked time.
  const json& threads = doc.at("threads");
  int workers = 0;
  for (const json& th : threads) {
    INFO(th.dump());
    const std::string name = th.at("name");
    workers += name.rfind("worker-", 0) == 0;
    CHECK(th.at("id").is_number_unsigned());
    std::uint64_t blocked = 0;
    for (const auto& [cause, ns] : th.at("blocked_ns").items()) {
      CHECK((cause == "lock" || cause == "join" || cause == "sleep" || cause == "condition"));
      blocked += ns.get<std::uint64_t>();
    }
    CHECK(th.at("running_ns").get<std::uint64_t>() + blocked == th.at("lifetime_ns").get<std::uint64_t>());
  }
  CHECK(workers == 10);

  // The same figures as the text tables, row by row.
  const auto text = run_child({WEFT_CLI, "stats", trace});
  REQUIRE(text.exit_code == 0);
  const auto rows = text_rows(text.out);
  REQUIRE(rows.count("counter_lock"));
  const auto& l = rows.at("counter_lock");
  REQUIRE(l.size() == 7);
  CHECK(l[0] == std::to_string(lock.at("acquisitions").get<std::uint64_t>()));
  CHECK(l[1] == std::to_string(lock.at("contended").get<std::uint64_t>()));
  CHECK(l[2] == ms(lock.at("wait_total_ns")));
  CHECK(l[3] == ms(lock.at("wait_max_ns")));
  CHECK(l[4] == ms(lock.at("hold_total_ns")));
  CHECK(l[5] == ms(lock.at("hold_max_ns")));
  CHECK(l[6] == std::to_string(lock.at("max_waiters").get<unsigned>()));
  for (const json& th : threads) {
    const std::string name = th.at("name");
    INFO(name);
    REQUIRE(rows.count(name));
    const auto& t = rows.at(name);
    REQUIRE(t.size() >= 3);
    CHECK(t[0] == ms(th.at("lifetime_ns")));
    CHECK(t[1] == ms(th.at("running_ns")));
    // Each cause the text names, with its time.
    for (const auto& [cause, ns] : th.at("blocked_ns").items()) {
      bool found = false;
      for (std::size_t i = 3; i + 1 < t.size(); ++i)
        found = found || (t[i] == cause && (t[i + 1] == ms(ns) || t[i + 1] == ms(ns) + ","));
      CHECK(found);
    }
  }
}
