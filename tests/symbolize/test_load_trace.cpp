// symbolize::load_trace on real files: a trace with a module map comes back
// symbolized, with one warning for the module it could not read; a trace
// without one comes back exactly as format::load_trace reads it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "../format/trace_builder.hpp"
#include "../support/temp_dir.hpp"
#include "self_module.hpp"
#include "weft/format/loader.hpp"
#include "weft/symbolize/symbolize.hpp"

using namespace weft::format;
using weft::format::test::TraceBuilder;
using weft::symbolize::test::self;

namespace loadtest {
int counter = 0;  // a global the trace's object lives in

[[gnu::noinline]] int bump() {
  asm volatile("" ::: "memory");
  return ++counter;
}
}  // namespace loadtest

namespace {

std::uint64_t address_of(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

TraceBuilder base_trace() {
  TraceBuilder b;
  b.meta().kinds();
  b.sites({{1, 0, "", ""}, {2, 0, "", ""}});
  b.objects({{1, ObjectKind::Mutex, 0, 1, 0, 0, "mutex#1"}});
  b.threads({{0, 11, 0, 0, kThreadMain, "main"}});
  return b;
}

}  // namespace

TEST_CASE("a trace with a module map loads symbolized, with a warning for what it could not read") {
  const ModuleInfo& me = self().module;
  const std::string gone = "/nonexistent/libgone.so";
  TraceBuilder b = base_trace();
  ByteWriter& modules = b.begin(ChunkType::Module);
  encode_module(modules, ModuleRecord{1, me.base, me.low, me.high, me.path, me.build_id});
  encode_module(modules, ModuleRecord{2, 0x7f0000000000, 0x7f0000000000, 0x7f0000100000, gone, "\x01\x02"});
  b.finish();
  ByteWriter& addresses = b.begin(ChunkType::Address);
  // One byte into bump(): the "call" before it is bump's first instruction.
  encode_address(addresses, AddressRecord{AddressOf::Site, 1, reinterpret_cast<std::uintptr_t>(&loadtest::bump) + 1});
  encode_address(addresses, AddressRecord{AddressOf::Site, 2, 0x7f0000000000 + 0x40});
  encode_address(addresses, AddressRecord{AddressOf::Object, 1, address_of(&loadtest::counter)});
  b.finish();
  b.end();

  weft::test::TempDir dir;
  const Trace t = weft::symbolize::load_trace(dir.write("recorded.weft", b.bytes()));
  CHECK(t.sites[1].file.ends_with("test_load_trace.cpp"));
  CHECK(t.sites[1].line != 0);
  CHECK(t.sites[1].function.find("loadtest::bump") != std::string::npos);
  CHECK(t.site_label(2) == "libgone.so+0x40");
  CHECK(t.objects[1].name == "loadtest::counter");
  REQUIRE(t.warnings.size() == 1);
  CHECK(t.warnings[0] == "symbols: 1 module not found or not the recorded build (" + gone +
                             "): their sites show module+offset");
}

TEST_CASE("a trace without a module map loads as the format reads it") {
  TraceBuilder b = base_trace();
  b.end();
  weft::test::TempDir dir;
  const std::string path = dir.write("plain.weft", b.bytes());
  const Trace plain = load_trace(path);
  const Trace t = weft::symbolize::load_trace(path);
  CHECK(t.warnings == plain.warnings);
  REQUIRE(t.sites.size() == plain.sites.size());
  CHECK(t.sites[1].file == plain.sites[1].file);
  CHECK(t.objects[1].name == "mutex#1");
}
