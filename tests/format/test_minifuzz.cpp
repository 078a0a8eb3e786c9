// A deterministic mini-fuzz: thousands of seeded random mutations of valid
// traces. Each must either load or throw format_error (with a one-line
// message); nothing else, and no crash (run this under the asan preset).
// The real fuzzer (tests/fuzz/) explores further; this keeps the property
// checked on every test run.
//
// WEFT_MINIFUZZ_ITERATIONS=<n> runs more mutations (default 3000).
//
// Also home of the hidden test that writes the fuzzer's seed corpus:
//   WEFT_FUZZ_CORPUS_DIR=tests/fuzz/corpus ./format_tests "[.corpus]"
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

std::vector<std::vector<unsigned char>> seed_files() {
  return {sample_trace().bytes(), realistic_trace(3, 4, 60, 99, 300).bytes(), minimal_trace().bytes()};
}

void mutate(std::vector<unsigned char>& f, std::mt19937& rng, bool spare_file_header) {
  auto pick = [&](std::size_t n) { return n ? std::size_t(rng() % n) : 0; };
  // Damage after the file header mostly: header damage is rejected at once
  // and teaches little.
  auto position = [&] {
    const std::size_t lo = spare_file_header && f.size() > kFileHeaderSize ? kFileHeaderSize : 0;
    return lo + pick(f.size() - lo);
  };
  static constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x40};
  const unsigned ops = 1 + rng() % 3;
  for (unsigned op = 0; op < ops && !f.empty(); ++op) {
    switch (rng() % 7) {
      case 0: f[position()] ^= static_cast<unsigned char>(1u << (rng() % 8)); break;
      case 1: f[position()] = static_cast<unsigned char>(rng()); break;
      case 2: f[position()] = kInteresting[rng() % sizeof kInteresting]; break;
      case 3: {  // insert a few bytes
        const std::size_t at = position();
        const std::size_t n = 1 + rng() % 8;
        for (std::size_t i = 0; i < n; ++i) f.insert(f.begin() + static_cast<std::ptrdiff_t>(at), static_cast<unsigned char>(rng()));
        break;
      }
      case 4: {  // erase a few bytes
        const std::size_t at = position();
        const std::size_t n = std::min<std::size_t>(1 + rng() % 16, f.size() - at);
        f.erase(f.begin() + static_cast<std::ptrdiff_t>(at), f.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 5: f.resize(position()); break;  // truncate
      case 6: {  // overwrite a little-endian u32 (lengths, counts, ticks)
        const std::size_t at = position();
        const std::uint32_t v = rng() % 2 ? rng() % 64 : 0xffffffffu - rng() % 64;
        for (std::size_t i = 0; i < 4 && at + i < f.size(); ++i) f[at + i] = static_cast<unsigned char>(v >> (8 * i));
        break;
      }
    }
  }
}

// What a consumer does with a loaded trace: nothing of it may crash.
std::size_t use(const Trace& t) {
  std::size_t n = 0;
  for (const Event& e : t.events) {
    n += describe_detail(t, e).size() + t.object_label(e.object).size() + t.site_label(e.site).size() +
         t.text(e).size() + t.kind_name(e.kind).size();
  }
  for (const ThreadInfo& th : t.threads) n += th.name.size();
  return n;
}

struct Outcome {
  std::size_t loaded = 0, refused = 0;
  std::size_t multi_line = 0;  // format_errors whose message is not one line
  std::string example;         // the first such message
};

// WEFT_MINIFUZZ_ITERATIONS scales a run up for a longer local hunt.
unsigned iterations() {
  const char* env = std::getenv("WEFT_MINIFUZZ_ITERATIONS");
  return env ? static_cast<unsigned>(std::strtoul(env, nullptr, 10)) : 3000;
}

Outcome run_mutations(unsigned count, unsigned seed, bool repair) {
  const auto seeds = seed_files();
  std::mt19937 rng(seed);
  TempDir dir;
  const std::string path = dir.file("mutant.weft");
  Outcome out;
  for (unsigned i = 0; i < count; ++i) {
    std::vector<unsigned char> f = seeds[i % seeds.size()];
    mutate(f, rng, repair);
    if (repair) repair_checksums(f);
    dir.write("mutant.weft", f);
    try {
      // Every other mutant on two threads: a file this small loads on one
      // by default, a large one on every core.
      const Trace t = load_trace_with(path, LoadOptions{1 + i % 2});
      use(t);
      ++out.loaded;
    } catch (const format_error& e) {
      ++out.refused;
      if (!one_line(e.what()) && out.multi_line++ == 0) out.example = e.what();
    } catch (const std::exception& e) {
      // Any other exception (bad_alloc, out_of_range, length_error, ...)
      // is a reader bug.
      FAIL("iteration " << i << ": not a format_error: " << e.what());
    }
  }
  return out;
}

// The checksum-repaired run is shared by two test cases.
const Outcome& repaired_run() {
  static const Outcome o = run_mutations(iterations(), 777, true);
  return o;
}

}  // namespace

TEST_CASE("mini-fuzz: random damage loads or throws format_error", "[minifuzz]") {
  const unsigned n = iterations();
  const Outcome o = run_mutations(n, 20240611, false);
  INFO("loaded " << o.loaded << ", refused " << o.refused << "; first multi-line message: " << o.example);
  CHECK(o.loaded + o.refused == n);
  CHECK(o.refused > n / 3);  // checksums catch most damage
  CHECK(o.loaded > 0);       // truncations and damaged tails still load
  CHECK(o.multi_line == 0);
}

// The same with checksums recomputed after the damage, so the mutations
// reach the decoders, the loader and the merge (what a buggy writer, or the
// fuzzer's custom mutator, produces).
TEST_CASE("mini-fuzz: damage behind valid checksums loads or throws format_error", "[minifuzz]") {
  const Outcome& o = repaired_run();
  INFO("loaded " << o.loaded << ", refused " << o.refused);
  CHECK(o.loaded + o.refused == iterations());
  CHECK(o.loaded > iterations() / 20);  // many mutants stay loadable
}

// Error messages must stay one line even when the file's own strings are
// quoted in them (see test_validation.cpp).
TEST_CASE("mini-fuzz: messages stay one line behind valid checksums", "[minifuzz]") {
  const Outcome& o = repaired_run();
  INFO("first multi-line message: " << o.example);
  CHECK(o.multi_line == 0);
}

TEST_CASE("write the fuzzer's seed corpus", "[.corpus]") {
  const char* dir_env = std::getenv("WEFT_FUZZ_CORPUS_DIR");
  if (!dir_env) {
    WARN("set WEFT_FUZZ_CORPUS_DIR to the directory to write the corpus to");
    return;
  }
  const std::filesystem::path dir(dir_env);
  std::filesystem::create_directories(dir);
  auto save = [&](const std::string& name, const std::vector<unsigned char>& bytes) {
    REQUIRE(bytes.size() < 10 * 1024);
    std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  };
  save("sample.weft", sample_trace().bytes());
  save("minimal.weft", minimal_trace().bytes());
  save("realistic.weft", realistic_trace(3, 4, 80, 1, 512).bytes());
  const TraceBuilder s = sample_trace();
  const std::uint64_t cut = s.event_chunks()[2].entry.offset + 30;
  save("truncated.weft", std::vector<unsigned char>(s.bytes().begin(), s.bytes().begin() + static_cast<std::ptrdiff_t>(cut)));

  // What a newer writer may add: a kind this build does not know, an
  // unknown chunk type, an unknown META key.
  TraceBuilder future;
  ByteWriter& meta = future.begin(ChunkType::Meta);
  encode_meta_string(meta, MetaKey::Program, "future");
  meta.varint(200);
  meta.u8(static_cast<std::uint8_t>(MetaType::Uint));
  meta.varint(5);
  future.finish();
  ByteWriter& kinds = future.begin(ChunkType::Kinds);
  encode_kind_table(kinds);
  kinds.u8(99);
  kinds.u8(kLayoutObject | kLayoutSeq | kLayoutArg);
  kinds.string("future.kind");
  future.finish();
  const unsigned char blob[] = {1, 2, 3};
  future.chunk(fourcc("ZZZZ"), blob);
  future.objects({{1, ObjectKind::Queue, 0, 0, 0, 8, "queue urls"}});
  future.threads({{0, 1, 0, 0, kThreadMain, "main"}});
  ByteWriter& w = future.begin(ChunkType::Events);
  w.varint(0);
  w.u32(2);
  w.u64(5000);
  for (unsigned char c : std::initializer_list<unsigned char>{99, 0, 1, 1, 0, 7}) w.u8(c);  // future.kind obj 1 seq 0 arg 7
  for (unsigned char c : std::initializer_list<unsigned char>{0x80 | 30, kFlagTextTruncated, 2, 0, 3, 'a', 'b', 'c'})
    w.u8(c);  // a mark with flags
  future.finish();
  // The END record counts the two hand-written events (end() counts only
  // what events() wrote); there is no index.
  future.end_record(EndRecord{EndReason::Exit, 0, 2, 0, 0});
  TempDir check;
  REQUIRE(check.load(future.bytes()).events.size() == 2);  // the seed itself is valid
  save("future.weft", future.bytes());
}
