// ThreadSanitizer builds only (the `tsan` label): TSan must see the lock
// order of every weft lock, whichever way it was taken. TSan learns lock
// order only from blocking acquisitions, and weft's uncontended path is a
// try-lock, so each weft lock shows TSan a blocking acquisition of a shadow
// mutex; these tests hold every lock type to that. Each case runs
// lock_order_child, whose two threads take two locks one after the other (no
// deadlock can happen), and reads TSan's verdict from its stderr and from
// the trace, where the runtime records TSan's reports as they fire.
#include <string>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "weft/format/loader.hpp"

namespace {

struct Outcome {
  weft::test::ChildResult result;
  std::size_t inversions_in_trace = 0;
};

Outcome run_child(const std::string& kind, const std::string& order) {
  const weft::test::TempDir dir;
  const std::string trace = dir.file("child.weft");
  // exitcode=0: the child's status stays its own; TSan's verdict is read
  // from what it printed and recorded.
  Outcome out;
  out.result = weft::test::run_child({WEFT_LOCK_ORDER_CHILD, kind, order},
                                     weft::test::with_env({{"WEFT_TRACE", trace}, {"TSAN_OPTIONS", "exitcode=0"}}));
  const weft::format::Trace t = weft::format::load_trace(trace);
  for (const auto& e : t.events)
    if (e.kind == weft::format::EventKind::TsanReport &&
        std::string(t.text(e)).find("\"lock-order-inversion\"") != std::string::npos)
      ++out.inversions_in_trace;
  return out;
}

constexpr const char* kInversion = "WARNING: ThreadSanitizer: lock-order-inversion";

}  // namespace

TEST_CASE("TSan reports two weft locks of one kind taken in opposite orders", "[tsan][lock-order]") {
  const std::string kind = GENERATE("mutex", "recursive_mutex", "shared_mutex");
  const Outcome out = run_child(kind, "inverted");
  INFO(kind << "; stderr: " << out.result.err.substr(0, 3000));
  REQUIRE(out.result.exit_code == 0);
  CHECK(out.result.err.find(kInversion) != std::string::npos);
  CHECK(out.inversions_in_trace == 1);
}

TEST_CASE("TSan reports nothing when both threads take the locks in one order", "[tsan][lock-order]") {
  // Also proves that a recursive mutex's re-entry shows TSan nothing it
  // would call a double lock.
  const std::string kind = GENERATE("mutex", "recursive_mutex", "shared_mutex");
  const Outcome out = run_child(kind, "same");
  INFO(kind << "; stderr: " << out.result.err.substr(0, 3000));
  REQUIRE(out.result.exit_code == 0);
  CHECK(out.result.err.find("WARNING: ThreadSanitizer") == std::string::npos);
  CHECK(out.inversions_in_trace == 0);
}
