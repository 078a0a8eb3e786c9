// weft::symbolize against the test program itself: a return address taken in
// a known function on a known line, the addresses of known globals, and
// modules that cannot be read.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "self_module.hpp"
#include "weft/symbolize/symbolize.hpp"

using weft::format::ModuleInfo;
using weft::format::ObjectKind;
using weft::format::Trace;
using weft::symbolize::test::self;

// Globals with names the symbolizer must find in the symbol table.
namespace symtest {
std::mutex table_lock;
struct Guarded {
  long count = 0;
  std::mutex mu;
};
Guarded guarded;
}  // namespace symtest

namespace symtest {

struct Captured {
  std::uint64_t address;
  std::uint32_t line;
};

// The return address of this call is the site: a place in capture_site().
[[gnu::noinline]] std::uint64_t return_address() {
  const auto address = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  asm volatile("" ::: "memory");
  return address;
}

// Never inlined, and the empty asm after the call keeps the call a call (not
// a tail jump) whose return address belongs to this line in every build.
[[gnu::noinline]] Captured capture_site() {
  Captured c{return_address(), __LINE__};
  asm volatile("" ::: "memory");
  return c;
}

}  // namespace symtest

namespace {

// A trace as the loader leaves it: placeholders at sites[0] and objects[0],
// module 0 unused.
Trace trace_with(std::vector<ModuleInfo> modules) {
  Trace t;
  t.sites.emplace_back();
  t.objects.emplace_back();
  t.modules.emplace_back();
  for (auto& m : modules) {
    m.id = static_cast<std::uint32_t>(t.modules.size());
    t.modules.push_back(std::move(m));
  }
  return t;
}

std::uint32_t add_site(Trace& t, std::uint64_t address) {
  weft::format::SiteInfo s;
  s.id = static_cast<std::uint32_t>(t.sites.size());
  s.address = address;
  t.sites.push_back(s);
  return s.id;
}

std::uint32_t add_object(Trace& t, std::uint64_t address, std::uint32_t site, ObjectKind kind = ObjectKind::Mutex) {
  weft::format::ObjectInfo o;
  o.id = static_cast<std::uint32_t>(t.objects.size());
  o.kind = kind;
  o.address = address;
  o.site = site;
  o.name = t.names->keep("mutex#" + std::to_string(o.id));
  t.objects.push_back(o);
  return o.id;
}

std::uint64_t address_of(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("a return address resolves to the file, line and function of its call") {
  REQUIRE(!self().module.build_id.empty());
  const symtest::Captured c = symtest::capture_site();
  Trace t = trace_with({self().module});
  const auto site = add_site(t, c.address);
  const auto again = add_site(t, c.address);  // the same address twice: looked up once, same answer

  const auto stats = weft::symbolize::resolve(t);
  CHECK(stats.sites == 2);
  CHECK(stats.sites_resolved == 2);
  CHECK(stats.missing_modules.empty());
  INFO(t.site_label(site));
  CHECK(ends_with(t.sites[site].file, "test_resolve.cpp"));
  CHECK(t.sites[site].line == c.line);
  CHECK(t.sites[site].function.find("capture_site") != std::string::npos);
  CHECK(t.sites[again].file == t.sites[site].file);
  CHECK(t.sites[again].line == t.sites[site].line);
}

TEST_CASE("an object in a global variable is named after it, a heap object after its creation site") {
  const symtest::Captured c = symtest::capture_site();
  auto heap = std::make_unique<std::mutex>();
  Trace t = trace_with({self().module});
  const auto site = add_site(t, c.address);
  const auto global = add_object(t, address_of(&symtest::table_lock), site);
  const auto member = add_object(t, address_of(&symtest::guarded.mu), site);
  const auto on_heap = add_object(t, address_of(heap.get()), site);
  const auto nowhere = add_object(t, address_of(heap.get()), 0);  // no creation site: the placeholder stays

  const auto stats = weft::symbolize::resolve(t);
  CHECK(t.objects[global].name == "symtest::table_lock");
  const auto offset = address_of(&symtest::guarded.mu) - address_of(&symtest::guarded);
  CHECK(t.objects[member].name == "symtest::guarded+" + std::to_string(offset));
  CHECK(t.objects[on_heap].name == "mutex@test_resolve.cpp:" + std::to_string(c.line));
  CHECK(t.objects[nowhere].name == "mutex#4");
  CHECK(stats.objects_named == 3);
  CHECK(t.object_label(global) == "mutex symtest::table_lock");
}

TEST_CASE("a module that cannot be read gives module+offset labels and is reported once") {
  ModuleInfo gone;
  gone.base = 0x7f0000000000;
  gone.low = gone.base;
  gone.high = gone.base + 0x10000;
  gone.path = "/nonexistent/libgone.so";
  ModuleInfo rebuilt = self().module;  // the right file, but not the build that was recorded
  rebuilt.build_id[0] = static_cast<char>(rebuilt.build_id[0] ^ 0x5a);
  Trace t = trace_with({gone, rebuilt});
  const auto a = add_site(t, gone.base + 0x1234);
  const auto b = add_site(t, gone.base + 0x2000);
  const auto c = add_site(t, self().code_low + 0x100);
  const auto outside = add_site(t, 0x10);
  const auto object = add_object(t, gone.base + 0x8000, a);

  const auto stats = weft::symbolize::resolve(t);
  CHECK(t.sites[a].file == "libgone.so+0x1234");
  CHECK(t.sites[a].line == 0);
  CHECK(t.sites[a].function.empty());
  CHECK(t.sites[b].file == "libgone.so+0x2000");
  const std::string exe = self().module.path.substr(self().module.path.rfind('/') + 1);
  CHECK(t.sites[c].file.rfind(exe + "+0x", 0) == 0);
  CHECK(t.sites[c].line == 0);
  CHECK(t.sites[outside].file == "0x10");
  CHECK(t.site_label(a) == "libgone.so+0x1234");
  CHECK(t.objects[object].name == "mutex@libgone.so+0x1234");
  CHECK(stats.sites == 4);
  CHECK(stats.sites_resolved == 0);
  REQUIRE(stats.missing_modules.size() == 2);
  CHECK(stats.missing_modules[0] == gone.path);
  CHECK(stats.missing_modules[1] == self().module.path);
}

TEST_CASE("heap objects first used at one place are numbered in that order, their name kept once") {
  const symtest::Captured c = symtest::capture_site();
  std::vector<std::unique_ptr<std::mutex>> heap;
  for (int i = 0; i < 4; ++i) heap.push_back(std::make_unique<std::mutex>());
  Trace t = trace_with({self().module});
  const auto site = add_site(t, c.address);
  std::vector<std::uint32_t> locks;
  for (int i = 0; i < 3; ++i) locks.push_back(add_object(t, address_of(heap[static_cast<std::size_t>(i)].get()), site));
  const auto condition = add_object(t, address_of(heap[3].get()), site, ObjectKind::Condition);

  const auto stats = weft::symbolize::resolve(t);
  const std::string where = "@test_resolve.cpp:" + std::to_string(c.line);
  CHECK(t.objects[locks[0]].name == "mutex" + where);
  CHECK(t.objects[locks[1]].name == "mutex" + where + "#2");
  CHECK(t.objects[locks[2]].name == "mutex" + where + "#3");
  CHECK(t.objects[condition].name == std::string(weft::format::object_kind_name(ObjectKind::Condition)) + where);
  CHECK(stats.objects_named == 4);
  // The three locks' names are one stem and a number each.
  CHECK(t.objects[locks[1]].name.number() == 2);
  CHECK(t.objects[locks[0]].name.stem().data() == t.objects[locks[2]].name.stem().data());
}

TEST_CASE("a trace without modules is left as it is") {
  Trace t = trace_with({});
  t.modules.clear();
  const auto site = add_site(t, address_of(&symtest::table_lock));
  const auto object = add_object(t, address_of(&symtest::table_lock), site);
  const auto stats = weft::symbolize::resolve(t);
  CHECK(stats.sites == 0);
  CHECK(stats.objects_named == 0);
  CHECK(t.sites[site].file.empty());
  CHECK(t.objects[object].name == "mutex#1");
}

TEST_CASE("ten thousand code addresses resolve quickly") {
  Trace t = trace_with({self().module});
  const std::uint64_t span = self().code_high - self().code_low;
  constexpr std::uint64_t kSites = 10000;
  for (std::uint64_t i = 0; i < kSites; ++i) add_site(t, self().code_low + 1 + i * (span / kSites));
  const auto start = std::chrono::steady_clock::now();
  const auto stats = weft::symbolize::resolve(t);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("10000 addresses in " << seconds << " s, " << stats.sites_resolved << " with a source line");
  CHECK(stats.sites == kSites);
  CHECK(stats.sites_resolved > kSites / 2);
  CHECK(seconds < 10);  // < 1 s in a release build; sanitizer builds are slower
}
