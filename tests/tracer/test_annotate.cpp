#include <string>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;

TEST_CASE("marks and logs keep their text, site and order", "[annotate]") {
  weft::mark("first");
  weft::log("a log line with \"quotes\" and\nnewlines");
  weft::mark("");
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_thread(weft::this_thread::id());
  std::vector<std::pair<EventKind, std::string>> tail;
  for (auto it = events.end() - 3; it != events.end(); ++it) tail.emplace_back(it->kind, std::string(probe.trace.text(*it)));
  CHECK(tail == std::vector<std::pair<EventKind, std::string>>{{EventKind::Mark, "first"},
                                                               {EventKind::Log, "a log line with \"quotes\" and\nnewlines"},
                                                               {EventKind::Mark, ""}});
  CHECK(probe.site_file(events.back()).find("test_annotate.cpp") != std::string::npos);
}

TEST_CASE("texts of every length round-trip, and beyond 4096 bytes they are cut and flagged", "[annotate]") {
  std::vector<std::string> texts;
  for (std::size_t n : {1, 31, 32, 33, 63, 64, 65, 1000, 4095, 4096}) texts.emplace_back(n, char('a' + n % 26));
  for (const auto& t : texts) weft::log(t);
  weft::log(std::string(5000, 'z'));
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_thread(weft::this_thread::id());
  auto it = events.end() - std::ptrdiff_t(texts.size() + 1);
  for (const auto& t : texts) {
    CHECK(probe.trace.text(*it) == t);
    CHECK(it->flags == 0);
    ++it;
  }
  CHECK(probe.trace.text(*it) == std::string(4096, 'z'));
  CHECK(it->flags == weft::format::kFlagTextTruncated);
}
