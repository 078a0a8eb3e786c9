// weft::shared<T> reads like the plain variable it stands for: a lone
// string names it (for every T), `= value` initializes it, and it converts
// to T, assigns from T, increments, decrements and takes every compound
// assignment T has, each access recorded as the plain code would make it
// (x += 1 is a read, then a write: what makes it racy) at the caller's line
// where C++ lets an operator see it, and at no site where it does not (the
// implicit conversion). See the top of shared.hpp.
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;

namespace {

struct Access {
  EventKind kind;
  std::int64_t value;
  unsigned line;  // 0: recorded without a site
  bool operator==(const Access& o) const { return kind == o.kind && value == o.value && line == o.line; }
};

std::ostream& operator<<(std::ostream& os, const Access& a) {
  return os << (a.kind == EventKind::SharedRead ? "read " : "write ") << a.value << " @" << a.line;
}

std::vector<Access> accesses(const weft::test::Probe& probe, std::uint32_t object) {
  std::vector<Access> out;
  for (const auto& e : probe.on_object(object)) {
    if (e.kind != EventKind::SharedRead && e.kind != EventKind::SharedWrite) continue;
    if (e.site != 0) CHECK(probe.site_file(e).find("test_shared_operators.cpp") != std::string::npos);
    out.push_back({e.kind, static_cast<std::int64_t>(e.arg), e.site == 0 ? 0 : probe.trace.site(e.site).line});
  }
  return out;
}

constexpr EventKind R = EventKind::SharedRead;
constexpr EventKind W = EventKind::SharedWrite;

template <class S>
concept incrementable = requires(S& s) {
  ++s;
  s++;
  --s;
  s--;
};
template <class S>
concept takes_modulo = requires(S& s) { s %= 2; };
template <class S>
concept takes_shift = requires(S& s) { s <<= 1; };
template <class S>
concept appendable = requires(S& s) { s += "more"; };

}  // namespace

TEST_CASE("a lone string names a shared variable, whatever its type, and leaves its value T{}", "[shared]") {
  weft::shared<bool> flag("flag");
  weft::shared<int> count("count");
  weft::shared<std::string> text("text");
  weft::shared<const char*> pointer("pointer");
  const std::string runtime_name = "from_a_string";
  weft::shared<long> named_by_string(runtime_name);
  CHECK_FALSE(flag.get());
  CHECK(count.get() == 0);
  CHECK(text.get().empty());
  CHECK(pointer.get() == nullptr);
  CHECK(named_by_string.get() == 0);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(flag.id()).name == "flag");
  CHECK(probe.trace.object(count.id()).name == "count");
  CHECK(probe.trace.object(text.id()).name == "text");
  CHECK(probe.trace.object(pointer.id()).name == "pointer");
  CHECK(probe.trace.object(named_by_string.id()).name == "from_a_string");
}

TEST_CASE("a string where a non-string value goes does not compile", "[shared]") {
  // `weft::shared<bool> flag = "flag";` once meant true; now neither that
  // nor a string as the value beside a name compiles.
  STATIC_REQUIRE_FALSE(std::is_convertible_v<const char*, weft::shared<bool>>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<weft::shared<bool>, const char*, const char*>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<weft::shared<int>, const char*, const char*>);
  // A string-typed variable takes a string value beside its name.
  STATIC_REQUIRE(std::is_constructible_v<weft::shared<std::string>, const char*, const char*>);
  // One variable, one identity: no copies.
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<weft::shared<int>>);
}

TEST_CASE("a shared variable is copy-initialized from a value, and given a value and a name", "[shared]") {
  weft::shared<int> x = 41;
  weft::shared<long> y = 0;  // an int literal for a long, as for a plain long
  weft::shared<std::string> s = std::string("hi");
  weft::shared<std::string> greeting("hello", "greeting");
  weft::shared<double> d(2.5, "d");
  CHECK(x.get() == 41);
  CHECK(y.get() == 0);
  CHECK(s.get() == "hi");
  CHECK(greeting.get() == "hello");
  CHECK(d.get() == 2.5);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(greeting.id()).name == "greeting");
  CHECK_FALSE(probe.trace.object(x.id()).name.empty());  // derived: "shared#<id>"
}

TEST_CASE("assignment, ++, -- and compound assignments record a read then a write at the caller's line", "[shared]") {
  weft::shared<int> x(10, "x_ops");
  x = 20; const unsigned l_assign = __LINE__;
  weft::shared<int>& same = ++x; const unsigned l_preinc = __LINE__;
  const int old_inc = x++; const unsigned l_postinc = __LINE__;
  --x; const unsigned l_predec = __LINE__;
  const int old_dec = x--; const unsigned l_postdec = __LINE__;
  x += 5; const unsigned l_add = __LINE__;
  x -= 1; const unsigned l_sub = __LINE__;
  x *= 3; const unsigned l_mul = __LINE__;
  x /= 2; const unsigned l_div = __LINE__;
  x %= 7; const unsigned l_mod = __LINE__;
  x |= 8; const unsigned l_or = __LINE__;
  x &= 12; const unsigned l_and = __LINE__;
  x ^= 5; const unsigned l_xor = __LINE__;
  x <<= 2; const unsigned l_shl = __LINE__;
  x >>= 1; const unsigned l_shr = __LINE__;
  CHECK(&same == &x);
  CHECK(old_inc == 21);
  CHECK(old_dec == 21);
  CHECK(x.get() == 26);

  const auto probe = weft::test::Probe::take();
  auto got = accesses(probe, x.id());
  got.pop_back();  // the get() above
  CHECK(got == std::vector<Access>{{W, 20, l_assign},
                                   {R, 20, l_preinc}, {W, 21, l_preinc},
                                   {R, 21, l_postinc}, {W, 22, l_postinc},
                                   {R, 22, l_predec}, {W, 21, l_predec},
                                   {R, 21, l_postdec}, {W, 20, l_postdec},
                                   {R, 20, l_add}, {W, 25, l_add},
                                   {R, 25, l_sub}, {W, 24, l_sub},
                                   {R, 24, l_mul}, {W, 72, l_mul},
                                   {R, 72, l_div}, {W, 36, l_div},
                                   {R, 36, l_mod}, {W, 1, l_mod},
                                   {R, 1, l_or}, {W, 9, l_or},
                                   {R, 9, l_and}, {W, 8, l_and},
                                   {R, 8, l_xor}, {W, 13, l_xor},
                                   {R, 13, l_shl}, {W, 52, l_shl},
                                   {R, 52, l_shr}, {W, 26, l_shr}});
}

TEST_CASE("reading through the conversion to T is recorded, without a site", "[shared]") {
  weft::shared<int> x(3, "x_read");
  weft::shared<int> y(4, "y_read");
  const int plain = x;
  const bool equal = x == 3;
  const bool less = x < y;
  const long sum = x + 1L;
  bool taken = false;
  if (x) taken = true;
  CHECK(plain == 3);
  CHECK(equal);
  CHECK(less);
  CHECK(sum == 4);
  CHECK(taken);

  const auto probe = weft::test::Probe::take();
  CHECK(accesses(probe, x.id()) == std::vector<Access>{{R, 3, 0}, {R, 3, 0}, {R, 3, 0}, {R, 3, 0}, {R, 3, 0}});
  CHECK(accesses(probe, y.id()) == std::vector<Access>{{R, 4, 0}});
}

TEST_CASE("one shared assigned to another: a read of the source, a write of the target at its line", "[shared]") {
  weft::shared<int> a(1, "a_copy");
  weft::shared<int> b(2, "b_copy");
  a = b; const unsigned line = __LINE__;
  a += b; const unsigned l_add = __LINE__;
  CHECK(a.get() == 4);

  const auto probe = weft::test::Probe::take();
  CHECK(accesses(probe, b.id()) == std::vector<Access>{{R, 2, 0}, {R, 2, 0}});
  auto got = accesses(probe, a.id());
  got.pop_back();  // the get() above
  CHECK(got == std::vector<Access>{{W, 2, line}, {R, 2, l_add}, {W, 4, l_add}});
}

TEST_CASE("operators exist where T has them", "[shared]") {
  STATIC_REQUIRE(incrementable<weft::shared<int>>);
  STATIC_REQUIRE(incrementable<weft::shared<double>>);
  STATIC_REQUIRE_FALSE(incrementable<weft::shared<std::string>>);
  STATIC_REQUIRE(takes_modulo<weft::shared<unsigned>>);
  STATIC_REQUIRE_FALSE(takes_modulo<weft::shared<double>>);
  STATIC_REQUIRE(takes_shift<weft::shared<long>>);
  STATIC_REQUIRE_FALSE(takes_shift<weft::shared<double>>);
  STATIC_REQUIRE(appendable<weft::shared<std::string>>);

  weft::shared<std::string> s(std::string("a"), "s_ops");
  s += "bc"; const unsigned line = __LINE__;
  CHECK(s.get() == "abc");
  const auto probe = weft::test::Probe::take();
  auto got = accesses(probe, s.id());
  got.pop_back();
  CHECK(got == std::vector<Access>{{R, 0, line}, {W, 0, line}});  // strings show no value in arg
}
