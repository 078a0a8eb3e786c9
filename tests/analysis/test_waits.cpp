// The model's waits are packed (model.hpp, WaitCodec): each is read back as
// the trace made it, also one that ends long after hundreds of others began
// (its record is in a packed block by then, and changed there).
#include <catch2/catch.hpp>

#include <vector>

#include "trace_maker.hpp"
#include "weft/analysis/model.hpp"

using weft::analysis::Wait;
using weft::analysis::WaitCause;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

namespace {

// A wait as the model should list it, not yet ended.
Wait wait_of(std::uint32_t thread, std::uint32_t object, WaitCause cause, std::uint64_t begin, bool timed = false) {
  Wait w;
  w.thread = thread;
  w.object = object;
  w.cause = cause;
  w.timed = timed;
  w.begin = begin;
  return w;
}

}  // namespace

TEST_CASE("packed waits keep their ends: one that outlasts hundreds of others and one still open", "[waits]") {
  TraceMaker tm;
  const auto a = tm.thread("a"), b = tm.thread("b"), c = tm.thread("c");
  const auto lock = tm.object(ObjectKind::Mutex, "L");
  const auto held = tm.object(ObjectKind::Mutex, "held");
  tm.start(a);
  tm.start(b);
  tm.start(c);
  tm.lock(c, lock);  // c holds L: a waits for it
  std::vector<Wait> expect;
  expect.push_back(wait_of(a, lock, WaitCause::Lock, tm.add(a, EventKind::MutexLockBegin, lock)));
  // Far more waits than a block holds (256) begin and end meanwhile.
  for (int k = 0; k < 700; ++k) {
    Wait w = wait_of(b, 0, WaitCause::Sleep, tm.add(b, EventKind::SleepBegin, 0, 1000), true);
    w.end = tm.add(b, EventKind::SleepEnd);
    expect.push_back(w);
  }
  tm.unlock(c, lock);
  expect.front().end = tm.add(a, EventKind::MutexAcquired, lock, 1);
  // A wait still open when the trace ends has no end.
  tm.lock(a, held);
  expect.push_back(wait_of(c, held, WaitCause::Lock, tm.add(c, EventKind::MutexLockBegin, held)));

  const weft::analysis::Model m = weft::analysis::build_model(tm.t, weft::analysis::ModelDetail::Waits);
  REQUIRE(m.waits.size() == expect.size());
  for (std::size_t k = 0; k < expect.size(); ++k) {
    INFO("wait " << k);
    const Wait w = m.waits[k];
    CHECK(w.thread == expect[k].thread);
    CHECK(w.object == expect[k].object);
    CHECK(w.cause == expect[k].cause);
    CHECK(w.timed == expect[k].timed);
    CHECK(w.begin == expect[k].begin);
    CHECK(w.end == expect[k].end);
  }
  CHECK_FALSE(m.waits.back().end.has_value());
  // A few bytes a wait, not 32.
  CHECK(m.waits.memory_bytes() < expect.size() * 16);
}
