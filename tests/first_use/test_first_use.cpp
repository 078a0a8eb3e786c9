// What a new user hit when trying weft: programs written the way C++ idioms
// say, on the real runtime, recorded, then checked. Each was a false (or
// badly worded) finding; each is held here.
#include <chrono>
#include <mutex>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/detectors.hpp"

using namespace std::chrono_literals;
using weft::analysis::FindingKind;

namespace {

// The findings of this process's trace that involve `object`.
std::vector<weft::analysis::Finding> findings_about(const weft::format::Trace& trace, std::uint32_t object) {
  std::vector<weft::analysis::Finding> out;
  for (auto& f : weft::analysis::check(trace).findings)
    if (std::find(f.objects.begin(), f.objects.end(), object) != f.objects.end()) out.push_back(std::move(f));
  return out;
}

std::string titles(const std::vector<weft::analysis::Finding>& found) {
  std::string s;
  for (const auto& f : found) s += "\n  " + f.title;
  return s;
}

}  // namespace

TEST_CASE("std::scoped_lock over two weft::mutexes, in both orders, is no lock-order inversion", "[first-use]") {
  // std::lock takes every mutex after the first with try_lock and backs off:
  // the C++ idiom that avoids exactly this deadlock.
  weft::mutex a("account_a"), b("account_b");
  {
    weft::thread one("transfer-1", [&] {
      for (int i = 0; i < 2000; ++i) std::scoped_lock both(a, b);
    });
    weft::thread two("transfer-2", [&] {
      for (int i = 0; i < 2000; ++i) std::scoped_lock both(b, a);
    });
  }
  const auto probe = weft::test::Probe::take();
  const auto found = findings_about(probe.trace, a.id());
  INFO("findings:" << titles(found));
  CHECK(found.empty());
}

TEST_CASE("weft::scoped_lock takes both in either order without deadlock, and records the user's line",
          "[first-use]") {
  weft::mutex a("account_a"), b("account_b");
  const unsigned guard_line = __LINE__ + 2;
  const auto transfer = [&](weft::mutex& from, weft::mutex& to) {
    for (int i = 0; i < 2000; ++i) weft::scoped_lock both(from, to);
  };
  {
    weft::thread one("transfer-1", transfer, std::ref(a), std::ref(b));
    weft::thread two("transfer-2", transfer, std::ref(b), std::ref(a));
  }
  const unsigned adopt_line = __LINE__ + 1;
  { weft::scoped_lock adopted(std::adopt_lock, (a.lock(), a)); }  // adopts: unlocks at scope exit
  const auto probe = weft::test::Probe::take();
  const auto found = findings_about(probe.trace, a.id());
  INFO("findings:" << titles(found));
  CHECK(found.empty());
  for (const auto& e : probe.on_object(a.id())) {
    if (e.kind == weft::format::EventKind::ObjectCreate || e.kind == weft::format::EventKind::ObjectDestroy) continue;
    INFO(probe.trace.kind_name(e.kind) << " at " << probe.site_file(e) << ":" << probe.trace.site(e.site).line);
    CHECK(probe.site_file(e).find("test_first_use.cpp") != std::string::npos);
    const unsigned at = probe.trace.site(e.site).line;
    CHECK((at == guard_line || at == adopt_line));
  }
  CHECK(a.holder() == -1);
  CHECK(b.holder() == -1);
}

TEST_CASE("backing off with try_lock_for, in both orders, is no lock-order inversion", "[first-use]") {
  weft::mutex a("fork_left"), b("fork_right");
  const auto philosopher = [](weft::mutex& first, weft::mutex& second) {
    for (int i = 0; i < 500; ++i) {
      std::unique_lock<weft::mutex> mine(first);
      if (second.try_lock_for(50us)) second.unlock();  // could not wait forever: gives up instead
    }
  };
  {
    weft::thread one("philosopher-1", philosopher, std::ref(a), std::ref(b));
    weft::thread two("philosopher-2", philosopher, std::ref(b), std::ref(a));
  }
  const auto probe = weft::test::Probe::take();
  const auto found = findings_about(probe.trace, a.id());
  INFO("findings:" << titles(found));
  CHECK(found.empty());
}

TEST_CASE("locks taken blocking in both orders are still an inversion, even in a run without a deadlock",
          "[first-use]") {
  weft::mutex a("lock_x"), b("lock_y");
  // One after the other: this run cannot deadlock, the order still can.
  weft::thread("forward", [&] { std::lock_guard<weft::mutex> x(a), y(b); }).join();
  weft::thread("backward", [&] { std::lock_guard<weft::mutex> y(b), x(a); }).join();
  const auto probe = weft::test::Probe::take();
  const auto found = findings_about(probe.trace, a.id());
  REQUIRE(found.size() == 1);
  CHECK(found[0].kind == FindingKind::LockOrderInversion);
  // Blocking locks can wait forever, and the explanation says so.
  CHECK(found[0].explanation.find("waits forever") != std::string::npos);
}

TEST_CASE("a race between two weft threads says where each was created, not an unknown place", "[first-use]") {
  weft::shared<int> balance(0, "balance");
  {
    weft::thread one("depositor", [&] { balance.set(balance.get() + 1); });
    weft::thread two("withdrawer", [&] { balance.set(balance.get() - 1); });
  }
  const auto probe = weft::test::Probe::take();
  const auto found = findings_about(probe.trace, balance.id());
  REQUIRE_FALSE(found.empty());
  CHECK(found[0].kind == FindingKind::DataRace);
  INFO(found[0].explanation);
  CHECK(found[0].explanation.find("unknown place") == std::string::npos);
  CHECK(found[0].explanation.find("thread.create at test_first_use.cpp:") != std::string::npos);
}
