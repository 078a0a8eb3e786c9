// The streaming JSON writer: escaping, exact microseconds, block-wise output.
#include <limits>
#include <sstream>
#include <streambuf>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "weft/export/json_writer.hpp"

using weft::exporter::JsonWriter;

namespace {

template <class F>
std::string written(F&& f) {
  std::ostringstream out;
  JsonWriter w(out);
  f(w);
  w.flush();
  return out.str();
}

std::string as_json(std::string_view s) {
  return written([&](JsonWriter& w) { w.string(s); });
}

std::string micros(std::uint64_t ns) {
  return written([&](JsonWriter& w) { w.micros(ns); });
}

}  // namespace

TEST_CASE("strings are escaped so that a strict parser reads them back", "[json]") {
  CHECK(as_json("plain") == "\"plain\"");
  CHECK(as_json("say \"hi\"\\") == R"("say \"hi\"\\")");
  CHECK(as_json("a\nb\tc\r") == R"("a\nb\tc\r")");
  CHECK(as_json(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(as_json(std::string("nul\0in", 6)) == R"("nul\u0000in")");
  for (const std::string s : {"caf\xC3\xA9", "\xE2\x9C\x93 ok", "\xF0\x9F\xA7\xB5 thread"})
    CHECK(nlohmann::json::parse(as_json(s)).get<std::string>() == s);  // valid UTF-8 kept as is
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD, one per byte", "[json]") {
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(nlohmann::json::parse(as_json("a\xFF" "b")).get<std::string>() == "a" + replacement + "b");
  CHECK(nlohmann::json::parse(as_json("\xC3")).get<std::string>() == replacement);          // cut short
  CHECK(nlohmann::json::parse(as_json("\xC0\xAF")).get<std::string>() == replacement + replacement);  // overlong
  CHECK(nlohmann::json::parse(as_json("\xED\xA0\x80")).get<std::string>() ==
        replacement + replacement + replacement);  // a surrogate
  CHECK(nlohmann::json::parse(as_json("\xF4\x90\x80\x80")).get<std::string>().size() == 4 * replacement.size());
}

TEST_CASE("nanoseconds are written as microseconds with exactly three decimals", "[json]") {
  CHECK(micros(0) == "0.000");
  CHECK(micros(1) == "0.001");
  CHECK(micros(999) == "0.999");
  CHECK(micros(1000) == "1.000");
  CHECK(micros(1'234'567) == "1234.567");
  CHECK(micros(1'234'567'891) == "1234567.891");
  // No detour through a double: the largest value is still exact.
  CHECK(micros(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551.615");
  CHECK(written([](JsonWriter& w) { w.uint(std::numeric_limits<std::uint64_t>::max()); }) == "18446744073709551615");
}

namespace {

// A stream buffer that remembers the largest single write it was handed.
class CountingBuf : public std::streambuf {
 public:
  std::size_t total = 0, largest = 0, writes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    total += static_cast<std::size_t>(n);
    largest = std::max(largest, static_cast<std::size_t>(n));
    ++writes;
    return n;
  }
  int_type overflow(int_type c) override {
    ++total;
    return c;
  }
};

class FailingBuf : public std::streambuf {
 protected:
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
  int_type overflow(int_type) override { return traits_type::eof(); }
};

}  // namespace

TEST_CASE("output goes to the stream in blocks, never all at once", "[json]") {
  CountingBuf buf;
  std::ostream out(&buf);
  JsonWriter w(out, 4096);
  for (int i = 0; i < 100'000; ++i) {
    w.string("some event text");
    w.raw(',');
    w.maybe_flush();
  }
  w.flush();
  CHECK(buf.total == 100'000 * 18);
  CHECK(buf.writes > 100);
  CHECK(buf.largest < 4096 + 64);
}

TEST_CASE("a stream that fails makes flush throw", "[json]") {
  FailingBuf buf;
  std::ostream out(&buf);
  JsonWriter w(out);
  w.raw("{}");
  CHECK_THROWS_AS(w.flush(), std::runtime_error);
}
