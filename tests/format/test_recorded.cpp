// Traces written by earlier builds must keep loading. Two kinds of files:
//   - tests/format/data/*-2026-12-01.weft: scenario traces recorded on that
//     day (weft run NAME -o FILE, RelWithDebInfo build), each checked here
//     literally: what it holds, kind by kind, as it was recorded. Never
//     regenerate them: a trace from that day must load as it did then.
//   - tests/fuzz/corpus/*.weft, whatever is there when the test runs (the
//     fuzzers' seeds): each loads whole (future.weft too: what a newer
//     writer may add is skipped), except the ones named truncated*, which
//     are refused with a format error or load as truncated, never worse.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "weft/format/bytes.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/schema.hpp"

using namespace weft::format;
namespace fs = std::filesystem;

namespace {

struct KindCount {
  unsigned code;
  const char* name;
  std::size_t count;
  bool operator==(const KindCount& o) const {
    return code == o.code && std::string(name) == o.name && count == o.count;
  }
};

std::ostream& operator<<(std::ostream& out, const KindCount& k) {
  return out << "{" << k.code << ", \"" << k.name << "\", " << k.count << "}";
}

struct Recorded {
  const char* file;
  std::size_t events, threads, objects, sites;  // threads and objects as the file defines them
  std::vector<KindCount> kinds;                 // by code
  std::size_t contended, try_flag, not_owner;   // events with these flags
};

// Written out from the files when they were recorded (weft dump), not
// computed by the code under test.
const std::vector<Recorded>& recorded() {
  static const std::vector<Recorded> all{
      {"thread-pool-callbacks-2026-12-01.weft", 75, 4, 9, 12,
       {{1, "thread.create", 3}, {2, "thread.start", 4}, {3, "thread.end", 4}, {4, "thread.join.begin", 3},
        {5, "thread.join.end", 3}, {30, "mark", 5}, {31, "log", 4}, {40, "object.create", 5},
        {41, "object.destroy", 5}, {60, "sem.acquire.begin", 3}, {61, "sem.acquired", 3}, {63, "sem.released", 3},
        {110, "pool.submit", 3}, {111, "task.start", 3}, {112, "task.end", 3}, {115, "future.wait.end", 7},
        {116, "future.callback", 4}, {117, "pool.shutdown.begin", 2}, {118, "pool.shutdown.end", 2},
        {125, "sleep.begin", 3}, {126, "sleep.end", 3}},
       3, 0, 0},
      {"lock-chain-mutex-2026-12-01.weft", 48, 4, 7, 19,
       {{1, "thread.create", 3}, {2, "thread.start", 4}, {3, "thread.end", 4}, {4, "thread.join.begin", 3},
        {5, "thread.join.end", 3}, {10, "mutex.lock.begin", 2}, {11, "mutex.acquired", 5}, {13, "mutex.released", 5},
        {30, "mark", 3}, {31, "log", 4}, {40, "object.create", 3}, {41, "object.destroy", 3}, {125, "sleep.begin", 3},
        {126, "sleep.end", 3}},
       2, 0, 5},
      {"queue-nowait-squares-2026-12-01.weft", 107, 5, 7, 11,
       {{1, "thread.create", 4}, {2, "thread.start", 5}, {3, "thread.end", 5}, {4, "thread.join.begin", 4},
        {5, "thread.join.end", 4}, {31, "log", 16}, {40, "object.create", 2}, {41, "object.destroy", 2},
        {91, "queue.put", 10}, {94, "queue.get", 10}, {95, "queue.get.failed", 4}, {120, "shared.read", 11},
        {121, "shared.write", 10}, {125, "sleep.begin", 10}, {126, "sleep.end", 10}},
       0, 14, 0},
  };
  return all;
}

}  // namespace

TEST_CASE("traces recorded on 2026-12-01 load as they were recorded", "[recorded]") {
  for (const Recorded& r : recorded()) {
    INFO(r.file);
    const Trace t = load_trace(std::string(WEFT_FORMAT_DATA) + "/" + r.file);
    CHECK_FALSE(t.truncated);
    CHECK(t.warnings.empty());
    REQUIRE(t.end.has_value());
    CHECK(t.end->reason == EndReason::Exit);
    CHECK(t.end->events == r.events);
    CHECK(t.end->dropped == 0);
    CHECK(t.info.program == "weft-scenarios");
    CHECK(t.info.weft_version == "0.1.0");
    CHECK(t.events.size() == r.events);
    CHECK(t.threads.size() == r.threads);
    CHECK(t.objects.size() == r.objects + 1);  // [0] stands for "none"
    CHECK(t.sites.size() == r.sites + 1);      // [0] stands for "unknown"

    std::map<unsigned, std::size_t> counts;
    std::size_t contended = 0, try_flag = 0, not_owner = 0;
    for (const Event& e : t.events) {
      ++counts[static_cast<unsigned>(e.kind)];
      contended += (e.flags & kFlagContended) != 0;
      try_flag += (e.flags & kFlagTry) != 0;
      not_owner += (e.flags & kFlagNotOwner) != 0;
    }
    std::vector<KindCount> kinds;
    for (const auto& [code, n] : counts) {
      // The name this build gives the code, and the name the file's own
      // kind table (written when it was recorded) gives it: the same.
      const std::string_view name = builtin_kind(static_cast<std::uint8_t>(code)).name;
      CHECK(t.kind_name(static_cast<EventKind>(code)) == name);
      REQUIRE(code < t.kinds.size());
      CHECK(t.kinds[code].name == name);
      kinds.push_back({code, name.data(), n});
    }
    CHECK(kinds == r.kinds);
    CHECK(contended == r.contended);
    CHECK(try_flag == r.try_flag);
    CHECK(not_owner == r.not_owner);
  }
}

TEST_CASE("every trace of the fuzz corpus loads, or is refused as what its name says it is", "[recorded]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(WEFT_FUZZ_CORPUS_DIR))
    if (entry.is_regular_file() && entry.path().extension() == ".weft") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 5);  // the directory is there and holds the seeds
  for (const fs::path& path : files) {
    const std::string name = path.filename().string();
    INFO(name);
    // Named for what is wrong with it: truncated*.weft.
    const bool damaged = name.rfind("truncated", 0) == 0;
    try {
      const Trace t = load_trace(path.string());
      if (damaged) {
        // As it does today: what is there, marked as cut short.
        CHECK(t.truncated);
      } else {
        CHECK_FALSE(t.truncated);
        CHECK(t.end.has_value());
        if (t.end) CHECK(t.end->events == t.events.size());
      }
    } catch (const format_error& e) {
      INFO(e.what());
      CHECK(damaged);  // a valid seed must load
      const std::string message = e.what();
      CHECK(message.find('\n') == std::string::npos);  // refused in one line
    }
  }
}
