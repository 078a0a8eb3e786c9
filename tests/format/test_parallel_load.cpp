// The parallel load (event chunks decoded on several threads, merged
// without a second copy) against the one-thread streaming load, the
// reference: the same Trace, field for field and event for event, and the
// same error message for the same damage. Traces with many chunks per
// thread, texts in many chunks (their table is interned in file order),
// cut at every kind of place, damaged inside events, and a run of two
// processes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "checks.hpp"
#include "../support/sanitized.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/run.hpp"

using namespace weft::format;
using namespace weft::format::test;
using K = EventKind;

namespace {

// One line per event with every field, time included.
std::string line(const Event& e) {
  return std::to_string(e.time_ns) + " t" + std::to_string(e.thread) + " k" +
         std::to_string(static_cast<unsigned>(e.kind)) + " f" + std::to_string(e.flags) + " o" +
         std::to_string(e.object) + " s" + std::to_string(e.seq) + " a" + std::to_string(e.arg) + " site" +
         std::to_string(e.site);
}

// Every part of a Trace a reader can see.
void require_same(const Trace& a, const Trace& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    // Compared whole (every field); the lines only say how they differ.
    if (!(a.events[i] == b.events[i])) {
      INFO("event " << i);
      REQUIRE(line(a.events[i]) == line(b.events[i]));
    }
  }
  CHECK(a.texts == b.texts);
  CHECK(a.warnings == b.warnings);
  CHECK(a.order.fallbacks == b.order.fallbacks);
  CHECK(a.truncated == b.truncated);
  CHECK(a.end.has_value() == b.end.has_value());
  if (a.end && b.end) CHECK(a.end->events == b.end->events);
  CHECK(a.info.ticks_per_second == b.info.ticks_per_second);
  CHECK(a.info.program == b.info.program);
  CHECK(a.info.pid == b.info.pid);
  REQUIRE(a.threads.size() == b.threads.size());
  for (std::size_t t = 0; t < a.threads.size(); ++t) {
    CHECK(a.threads[t].name == b.threads[t].name);
    CHECK(a.threads[t].os_tid == b.threads[t].os_tid);
    CHECK(a.threads[t].process == b.threads[t].process);
  }
  REQUIRE(a.objects.size() == b.objects.size());
  for (std::size_t o = 0; o < a.objects.size(); ++o) CHECK(a.object_label(std::uint32_t(o)) == b.object_label(std::uint32_t(o)));
  REQUIRE(a.sites.size() == b.sites.size());
  for (std::size_t s = 0; s < a.sites.size(); ++s) CHECK(a.site_label(std::uint32_t(s)) == b.site_label(std::uint32_t(s)));
  REQUIRE(a.processes.size() == b.processes.size());
  for (std::size_t p = 0; p < a.processes.size(); ++p) {
    CHECK(a.processes[p].pid == b.processes[p].pid);
    CHECK(a.processes[p].object == b.processes[p].object);
    CHECK(a.processes[p].truncated == b.processes[p].truncated);
  }
  REQUIRE(a.kinds.size() == b.kinds.size());
  for (std::size_t k = 0; k < a.kinds.size(); ++k) CHECK(a.kinds[k].name == b.kinds[k].name);
}

// What a load gives: the trace, or the message of the error it throws.
struct Outcome {
  std::optional<Trace> trace;
  std::string error;
};
Outcome load_with(const std::string& path, unsigned threads, std::size_t decode_batch = 0, bool in_parts = true) {
  Outcome o;
  try {
    LoadOptions options{threads, decode_batch};
    options.merge_in_parts = in_parts;
    o.trace = load_trace_with(path, options);
  } catch (const format_error& e) {
    o.error = e.what();
  }
  return o;
}

// The parallel load of `path` gives what the one-thread load gives: with
// the chunks decoded all at the end (a small file is one batch), each on
// its own as it is read (a batch of 1 byte), or a few at a time; merged in
// two parts side by side, or by the one merge that gives the decoded
// events back as it goes (a trace of over 200 M events).
//
// A sweep over many files passes each one's place in it, `nth`: under a
// sanitizer (sanitized.hpp) the n-th file is then loaded one way, the
// (n mod 7)-th, so that the sweep still goes every way, each way on a
// seventh of the files. Elsewhere every file is loaded every way.
constexpr std::size_t kEveryFile = ~std::size_t{0};
void require_same_load(const std::string& path, std::size_t nth = kEveryFile) {
  const Outcome serial = load_with(path, 1);
  struct Way {
    unsigned threads;
    std::size_t batch;
    bool in_parts;
  };
  static constexpr Way kWays[] = {{2, 0, true},  {3, 0, true},     {8, 0, true},    {2, 1, true},
                                  {3, 8192, true}, {2, 0, false}, {3, 8192, false}};
  constexpr std::size_t kCount = std::size(kWays);
  for (std::size_t k = 0; k < kCount; ++k) {
    if (weft::test::kSanitized && nth != kEveryFile && k != nth % kCount) continue;
    const Way w = kWays[k];
    INFO(path << " with " << w.threads << " threads, decoded in batches of " << w.batch << " bytes, "
              << (w.in_parts ? "merged in two parts" : "by the one merge"));
    const Outcome parallel = load_with(path, w.threads, w.batch, w.in_parts);
    REQUIRE(parallel.error == serial.error);
    REQUIRE(parallel.trace.has_value() == serial.trace.has_value());
    if (serial.trace) require_same(*serial.trace, *parallel.trace);
  }
}

// Four threads, eight mutexes, thousands of events in chunks of 2 KB (many
// per thread, interleaved in the file), marks with repeated texts.
std::vector<unsigned char> busy_trace() { return realistic_trace(4, 8, 6000, 7, 2048).bytes(); }

}  // namespace

TEST_CASE("parallel load: a multi-thread trace loads exactly as one thread loads it", "[parallel]") {
  TempDir dir;
  const std::string path = dir.write("busy.weft", busy_trace());
  const Trace serial = load_trace_with(path, LoadOptions{1});
  REQUIRE(serial.events.size() > 20000);
  REQUIRE(serial.texts.size() > 1);  // marks were interned
  require_same_load(path);
  // And the sample trace: a rename, logs, threads and objects published mid-run.
  require_same_load(dir.write("sample.weft", sample_trace().bytes()));
  // Chunks of a few hundred events on hundreds of mutexes: too many objects
  // for a chunk's summary, which the merge in parts then does without.
  require_same_load(dir.write("many-objects.weft", realistic_trace(4, 600, 6000, 7, 2048).bytes()));
}

TEST_CASE("parallel load: chunks of thousands of events, decoded again where the merge cuts them, load as one thread loads them",
          "[parallel]") {
  // A file read in place and merged in parts keeps its event chunks
  // encoded, and the merge decodes them again; a part that begins inside a
  // chunk reads it from where the cut found its event, blocks into the
  // chunk, texts (marks) counted from there. Chunks of up to 256 KB, of
  // 20,000 events each, so the cut is deep inside one on every thread.
  TempDir dir;
  const std::string path =
      dir.write("large-chunks.weft", realistic_trace(4, 8, 60000, 11, 256 * 1024, 20000).bytes());
  const Trace serial = load_trace_with(path, LoadOptions{1});
  REQUIRE(serial.events.size() > 200000);
  REQUIRE(serial.texts.size() > 1);
  require_same_load(path);
}

TEST_CASE("parallel load: a trace cut anywhere loads, or fails, exactly as one thread loads it", "[parallel]") {
  TempDir dir;
  const std::vector<unsigned char> whole = busy_trace();
  // Cuts at chunk boundaries, just inside and after them, and spread over
  // the file: truncated inside a header, inside an event chunk, before the
  // index, before END.
  std::vector<std::size_t> cuts;
  const auto chunks = realistic_trace(4, 8, 6000, 7, 2048).chunks();
  for (std::size_t i = 0; i < chunks.size(); i += (i < 6 || i + 6 > chunks.size()) ? 1 : 7) {
    const WrittenChunk& c = chunks[i];
    cuts.push_back(c.offset);
    cuts.push_back(c.offset + 7);
    cuts.push_back(c.offset + kChunkHeaderSize + c.length / 2);
  }
  for (std::size_t at = kFileHeaderSize; at < whole.size(); at += whole.size() / 37) cuts.push_back(at);
  std::size_t truncated_loads = 0, loaded = 0;
  for (const std::size_t cut : cuts) {
    if (cut >= whole.size()) continue;
    const std::string path = dir.write("cut.weft", std::span(whole.data(), cut));
    require_same_load(path, loaded++);
    truncated_loads += load_with(path, 2).trace.has_value();
  }
  CHECK(truncated_loads > cuts.size() / 2);  // most cuts load up to the cut, as they should
}

TEST_CASE("parallel load: damage inside events gives the one-thread load's error", "[parallel]") {
  TempDir dir;
  const std::vector<unsigned char> whole = busy_trace();
  const auto chunks = realistic_trace(4, 8, 6000, 7, 2048).chunks();
  std::mt19937 rng(11);
  std::size_t errors = 0, tries = 0;
  for (std::size_t i = 0; i < chunks.size(); i += 3) {
    const WrittenChunk& c = chunks[i];
    if (c.type != static_cast<std::uint32_t>(ChunkType::Events) || c.length < 40) continue;
    // Two damaged bytes per event chunk, checksums repaired so the damage
    // reaches the decoder: bad kinds, ids past the tables, overlong
    // varints, events running past the chunk.
    for (int k = 0; k < 2; ++k) {
      std::vector<unsigned char> bad = whole;
      bad[c.offset + kChunkHeaderSize + 16 + rng() % (c.length - 16)] ^= static_cast<unsigned char>(1 + rng() % 255);
      repair_checksums(bad);
      const std::string path = dir.write("bad.weft", bad);
      require_same_load(path, tries);
      errors += !load_with(path, 2).error.empty();
      ++tries;
    }
  }
  REQUIRE(tries > 15);
  CHECK(errors > 0);  // the damage was seen, not only survived
  // Two damaged event chunks: the error is the first one's, as it is when
  // the chunks are decoded one after another.
  std::vector<unsigned char> two = whole;
  std::vector<const WrittenChunk*> events;
  for (const WrittenChunk& c : chunks)
    if (c.type == static_cast<std::uint32_t>(ChunkType::Events)) events.push_back(&c);
  REQUIRE(events.size() > 8);
  for (const WrittenChunk* c : {events[3], events[events.size() - 2]}) {
    unsigned char* payload = two.data() + c->offset + kChunkHeaderSize;
    const std::size_t tail = c->length - 1;
    payload[tail] = 0xff;  // a varint that runs past the end of its chunk
    payload[tail - 1] = 0xff;
  }
  repair_checksums(two);
  const std::string path = dir.write("two.weft", two);
  const Outcome serial = load_with(path, 1);
  REQUIRE_FALSE(serial.error.empty());
  CHECK(serial.error.find("byte " + std::to_string(events[3]->offset)) != std::string::npos);
  require_same_load(path);

  // Fed chunk by chunk, each decoded as it comes: the first damaged chunk's
  // error comes out of add(), and finish() gives it again instead of a
  // trace merged from chunks that were never decoded.
  TraceFile file(path);
  TraceLoader loader(path, 2, 1);
  ChunkRef ref;
  std::vector<unsigned char> payload;
  std::string first_error;
  try {
    while (file.next(ref, payload)) loader.add(ref, payload);
  } catch (const format_error& e) {
    first_error = e.what();
  }
  REQUIRE(first_error == serial.error);
  REQUIRE_THROWS_WITH(loader.finish(file.truncation()), first_error);
  REQUIRE_THROWS_WITH(loader.decode_pending(), first_error);
}

namespace {

constexpr std::uint64_t kRun = 4711;

// A run member: META with the run keys, and `events` events on two threads
// taking a process-shared mutex (keyed, so the processes' sequence numbers
// interleave) and a mutex of its own, in chunks of 1 KB.
std::vector<unsigned char> member(std::uint64_t pid, std::uint64_t parent, std::uint64_t child, std::uint64_t start,
                                  std::uint64_t seq_start, std::uint64_t seq_step) {
  TraceBuilder b(1024);
  ByteWriter& w = b.begin(ChunkType::Meta);
  encode_meta_string(w, MetaKey::Program, "demo");
  encode_meta_uint(w, MetaKey::Pid, pid);
  encode_meta_string(w, MetaKey::ClockName, "steady");
  encode_meta_f64(w, MetaKey::TicksPerSecond, 1e9);
  encode_meta_uint(w, MetaKey::StartTicks, start);
  encode_meta_uint(w, MetaKey::RunId, kRun);
  if (parent) encode_meta_uint(w, MetaKey::ParentPid, parent);
  b.finish();
  b.kinds().clock(start, 0);
  b.sites({SiteRecord{1, 10, "main.cpp", "main"}});
  b.objects({ObjectRecord{1, ObjectKind::Thread, 0, 1, 0, 0, "main"}, ObjectRecord{2, ObjectKind::Thread, 0, 1, 0, 0, "helper"},
             ObjectRecord{3, ObjectKind::Process, 0, 1, 0, 0, "child"},
             ObjectRecord{4, ObjectKind::Mutex, 0, 1, 0, 0, "shared"}, ObjectRecord{5, ObjectKind::Mutex, 0, 1, 0, 0, "own"}});
  ByteWriter& k = b.begin(ChunkType::SharedKey);
  encode_shared_key(k, SharedKeyRecord{3, 77});
  encode_shared_key(k, SharedKeyRecord{4, 78});
  b.finish();
  b.threads({ThreadRecord{0, pid * 10, 0, 1, 0, "main"}, ThreadRecord{1, pid * 10 + 1, 1, 2, 0, "helper"}});
  std::vector<EventRecord> main_events{ev(K::ThreadStart, start + 1, 1, 0, pid * 10, 1)};
  if (child) main_events.push_back(ev(K::ProcessSpawn, start + 2, 3, 0, child, 1));
  if (parent) main_events.push_back(ev(K::ProcessStart, start + 2, 3, 1, pid, 1));
  std::vector<EventRecord> helper_events{ev(K::ThreadStart, start + 3, 2, 0, pid * 10 + 1, 1)};
  std::uint64_t shared_seq = seq_start, own_seq = 0, now = start + 10;
  for (int i = 0; i < 400; ++i) {
    main_events.push_back(ev(K::MutexAcquired, now += 5, 4, shared_seq++, 1, 1));
    main_events.push_back(ev(K::MutexReleased, now += 5, 4, shared_seq++, 0, 1));
    shared_seq += seq_step;  // the other process's turn
    helper_events.push_back(ev(K::MutexAcquired, now += 3, 5, own_seq++, 1, 1));
    static const std::string kSteps[] = {"step 0", "step 50", "step 100"};  // outlive the records' views
    if (i % 50 == 0) helper_events.push_back(text_ev(K::Mark, now += 1, kSteps[i % 150 / 50], 0, 1));
    helper_events.push_back(ev(K::MutexReleased, now += 3, 5, own_seq++, 0, 1));
  }
  b.events(0, main_events);
  b.events(1, helper_events);
  return b.index().end().bytes();
}

}  // namespace

TEST_CASE("parallel load: a run of two processes merges exactly as with one-thread loads", "[parallel]") {
  TempDir dir;
  const std::string root = dir.write("run.weft", member(100, 0, 101, 1'000'000, 0, 2));
  dir.write("run.101.weft", member(101, 100, 0, 1'000'500, 2, 2));
  const Trace serial = load_run({root}, [](const std::string& p) { return load_trace_with(p, LoadOptions{1}); });
  REQUIRE(serial.processes.size() == 2);
  REQUIRE(serial.events.size() > 3000);
  for (unsigned threads : {2u, 4u}) {
    const Trace parallel = load_run({root}, [threads](const std::string& p) { return load_trace_with(p, LoadOptions{threads}); });
    require_same(serial, parallel);
  }
}

TEST_CASE("a load's progress hook hears every chunk: their bytes add up to the file past its header", "[parallel][progress]") {
  TempDir dir;
  const std::string path = dir.write("run.weft", member(100, 0, 0, 1'000'000, 0, 1));
  const std::uint64_t size = std::filesystem::file_size(path);
  for (unsigned threads : {1u, 3u}) {
    INFO(threads << " threads");
    LoadOptions options;
    options.threads = threads;
    std::uint64_t heard = 0, calls = 0;
    options.progress = [&](std::uint64_t bytes) {
      heard += bytes;
      ++calls;
      return true;
    };
    const Trace t = load_trace_with(path, options);
    CHECK(t.events.size() > 1000);
    CHECK(calls > 3);
    CHECK(heard == size - kFileHeaderSize);
  }
}

TEST_CASE("a progress hook that says stop ends the load at that chunk, also for a run's member", "[parallel][progress]") {
  TempDir dir;
  const std::string root = dir.write("run.weft", member(100, 0, 101, 1'000'000, 0, 2));
  dir.write("run.101.weft", member(101, 100, 0, 1'000'500, 2, 2));
  for (unsigned threads : {1u, 3u}) {
    INFO(threads << " threads");
    // At the third chunk of the first file: nothing after it is read.
    unsigned calls = 0;
    LoadOptions options;
    options.threads = threads;
    options.progress = [&](std::uint64_t) { return ++calls < 3; };
    CHECK_THROWS_AS(load_trace_with(root, options), load_cancelled);
    CHECK(calls == 3);
    // In the member started by the root: the whole load stops, where a
    // member that fails to load is skipped with a warning.
    std::string loading;
    options.progress = [&](std::uint64_t) { return loading == root; };
    const auto load = [&](const std::string& p) {
      loading = p;
      return load_trace_with(p, options);
    };
    CHECK_THROWS_AS(load_run({root}, load), load_cancelled);
    CHECK(loading == dir.file("run.101.weft"));
  }
}

TEST_CASE("parallel load: WEFT_LOAD_THREADS picks the thread count, anything else means every core", "[parallel]") {
  CHECK(load_threads(LoadOptions{3}) == 3);
  CHECK(load_threads(LoadOptions{3}, 1000) == 3);
  ::setenv("WEFT_LOAD_THREADS", "1", 1);
  CHECK(load_threads({}) == 1);
  ::setenv("WEFT_LOAD_THREADS", "5", 1);
  CHECK(load_threads({}) == 5);
  CHECK(load_threads({}, 1000) == 5);  // asked for: also on a small file
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (const char* bad : {"0", "-2", "two", "3x", "", "65"}) {
    ::setenv("WEFT_LOAD_THREADS", bad, 1);
    CHECK(load_threads({}) == cores);
  }
  ::unsetenv("WEFT_LOAD_THREADS");
  CHECK(load_threads({}) == cores);
  // Left to itself, a small file loads on one thread, a large one on all.
  CHECK(load_threads({}, 0) == 1);
  CHECK(load_threads({}, kParallelLoadFrom - 1) == 1);
  CHECK(load_threads({}, kParallelLoadFrom) == cores);
}
