// Sites in code inlined from the standard library: the symbolizer walks the
// inline chain out to the user's line that called into it (a
// std::lock_guard<std::mutex> at -O2 shows as the line of the guard, not as
// gthr-default.h).
#include <catch2/catch.hpp>

#include <cstdint>
#include <mutex>
#include <string>

#include "fake_system/include/c++/fake_std_call.hpp"
#include "self_module.hpp"
#include "weft/format/standard_library.hpp"
#include "weft/symbolize/symbolize.hpp"

using weft::format::Trace;
using weft::symbolize::test::self;

namespace inltest {

struct Captured {
  std::uint64_t address;
  std::uint32_t line;
};

// The return address of this call is the site, as a call to an intercepted
// function returns into its caller.
[[gnu::noinline]] std::uint64_t return_address() {
  const auto address = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  asm volatile("" ::: "memory");
  return address;
}

// The site is inside fake_std::inner_call, inlined into fake_std::outer_call,
// inlined here: the line wanted is this one.
[[gnu::noinline]] Captured through_fake_std() {
  Captured c{fake_std::outer_call(&return_address), __LINE__};
  asm volatile("" ::: "memory");
  return c;
}

// The same shape in the user's own code: an inlined function of the
// program's is where its site is, and is not looked past.
[[gnu::always_inline]] inline std::uint64_t user_inline() {
  return return_address();  // the site
}
constexpr std::uint32_t kUserInlineLine = __LINE__ - 2;

[[gnu::noinline]] std::uint64_t through_user_inline() {
  const std::uint64_t address = user_inline();
  asm volatile("" ::: "memory");
  return address;
}

// A mutex whose lock() is where the site is taken: std::lock_guard's
// constructor (bits/std_mutex.h) calls it. With optimization the constructor
// is inlined into the function below; at -O0 it is an out-of-line function
// of libstdc++'s header.
struct RecordingMutex {
  std::uint64_t site = 0;
  [[gnu::noinline]] void lock() {
    site = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
    asm volatile("" ::: "memory");
  }
  [[gnu::noinline]] void unlock() { asm volatile("" ::: "memory"); }
};
RecordingMutex recording_mutex;

[[gnu::noinline]] Captured through_std_lock_guard() {
  std::lock_guard<RecordingMutex> guard(recording_mutex); const std::uint32_t line = __LINE__;
  asm volatile("" ::: "memory");
  return {recording_mutex.site, line};
}

}  // namespace inltest

namespace {

Trace self_trace() {
  Trace t;
  t.sites.emplace_back();
  t.objects.emplace_back();
  t.modules.emplace_back();
  weft::format::ModuleInfo m = self().module;
  m.id = 1;
  t.modules.push_back(std::move(m));
  return t;
}

std::uint32_t add_site(Trace& t, std::uint64_t address) {
  weft::format::SiteInfo s;
  s.id = static_cast<std::uint32_t>(t.sites.size());
  s.address = address;
  t.sites.push_back(s);
  return s.id;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("standard library, C library and compiler headers are told from the program's files") {
  using weft::format::is_standard_library_file;
  CHECK(is_standard_library_file("/usr/include/c++/12/bits/std_mutex.h"));
  CHECK(is_standard_library_file("/usr/include/c++/12/bits/std_thread.h"));
  CHECK(is_standard_library_file("/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h"));
  CHECK(is_standard_library_file("/usr/include/pthread.h"));
  CHECK(is_standard_library_file("/usr/include/x86_64-linux-gnu/bits/pthreadtypes.h"));
  CHECK(is_standard_library_file("/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h"));
  CHECK(is_standard_library_file("/usr/lib/llvm-14/bin/../include/c++/v1/__mutex_base"));
  CHECK(is_standard_library_file("/opt/sysroot/usr/include/stdlib.h"));
  CHECK(is_standard_library_file("gthr-posix.h"));
  CHECK(is_standard_library_file("build/gcc/libstdc++-v3/include/bits/gthr-default.h"));
  CHECK_FALSE(is_standard_library_file(""));
  CHECK_FALSE(is_standard_library_file("/home/me/project/src/worker.cpp"));
  CHECK_FALSE(is_standard_library_file("/home/me/project/include/cache.hpp"));
  CHECK_FALSE(is_standard_library_file("/usr/local/include/boost/thread/mutex.hpp"));
  CHECK_FALSE(is_standard_library_file("inv.cpp"));
}

TEST_CASE("a site in inlined standard library code resolves to the user's line that called it") {
  const inltest::Captured c = inltest::through_fake_std();
  Trace t = self_trace();
  const auto site = add_site(t, c.address);
  const auto again = add_site(t, c.address);
  const auto stats = weft::symbolize::resolve(t);
  CHECK(stats.sites_resolved == 2);
  INFO(t.site_label(site));
  CHECK(ends_with(t.sites[site].file, "test_inline.cpp"));
  CHECK(t.sites[site].line == c.line);
  CHECK(t.sites[site].function.find("through_fake_std") != std::string::npos);
  CHECK(t.site_label(again) == t.site_label(site));
}

TEST_CASE("a site in the program's own inlined function stays there") {
  const std::uint64_t address = inltest::through_user_inline();
  Trace t = self_trace();
  const auto site = add_site(t, address);
  weft::symbolize::resolve(t);
  INFO(t.site_label(site));
  CHECK(ends_with(t.sites[site].file, "test_inline.cpp"));
  CHECK(t.sites[site].line == inltest::kUserInlineLine);
  CHECK(t.sites[site].function.find("user_inline") != std::string::npos);
}

TEST_CASE("a std::lock_guard site resolves to the guard's line when inlined, else stays in the header") {
  const inltest::Captured c = inltest::through_std_lock_guard();
  Trace t = self_trace();
  const auto site = add_site(t, c.address);
  const auto stats = weft::symbolize::resolve(t);
  CHECK(stats.sites_resolved == 1);
  INFO(t.site_label(site));
#ifdef __OPTIMIZE__
  CHECK(ends_with(t.sites[site].file, "test_inline.cpp"));
  CHECK(t.sites[site].line == c.line);
  CHECK(t.sites[site].function.find("through_std_lock_guard") != std::string::npos);
#else
  WARN("built without optimization: std::lock_guard's constructor is an out-of-line function, no inline "
       "chain leads out of it, so the site stays in its header: " << t.site_label(site));
  CHECK(weft::format::is_standard_library_file(t.sites[site].file));
  CHECK(t.sites[site].function.find("lock_guard") != std::string::npos);
#endif
}
