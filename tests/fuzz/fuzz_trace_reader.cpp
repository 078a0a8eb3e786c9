// libFuzzer target for the weft trace reader (load_trace and TraceFile's
// random access), the code that reads whatever file a user points weft at.
//
// Property: any input either loads or throws weft::format::format_error with
// a non-empty one-line message. Any other exception escapes and aborts the
// fuzzer; ASan/UBSan report any memory error or undefined behaviour.
//
// Inputs go through a real file, since the reader preads from a path.
// Chunk checksums would stop almost every mutation at the first chunk, so a
// custom mutator recomputes them (7 times in 8) after libFuzzer's own
// mutation: the damage then reaches the decoders, the loader and the merge.
//
// Build (needs clang++; a separate build directory):
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
//         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEFT_BUILD_FUZZER=ON -DWEFT_BUILD_BENCH=OFF
//   cmake --build build/fuzz --target fuzz_trace_reader
// Seed corpus (valid traces made by tests/format/trace_builder.hpp):
//   WEFT_FUZZ_CORPUS_DIR=tests/fuzz/corpus build/default/tests/format/format_tests "[.corpus]"
// Run (new inputs go to the first directory, keep the committed corpus clean):
//   mkdir -p /tmp/weft-fuzz && build/fuzz/tests/format/fuzz_trace_reader \
//       -dict=tests/fuzz/weft.dict -max_len=16384 -max_total_time=300 /tmp/weft-fuzz tests/fuzz/corpus
// Reproduce a crash:
//   build/fuzz/tests/format/fuzz_trace_reader crash-<sha1>
// WEFT_FUZZ_LAX_MESSAGES=1 skips the one-line message check, to look past
// a known message bug (see test_validation.cpp) for other problems.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "trace_builder.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/trace_file.hpp"

using namespace weft::format;

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

// One scratch file per fuzzing process, on tmpfs when there is one. It is
// unlinked at once and read back through /proc/self/fd, so nothing is left
// behind however the process ends (crash, -runs, time limit).
const std::string& scratch_path(int* fd_out = nullptr) {
  static int fd = -1;
  static const std::string path = [] {
    for (const char* dir : {"/dev/shm", "/tmp"}) {
      std::string name = std::string(dir) + "/weft-fuzz-XXXXXX";
      fd = ::mkstemp(name.data());
      if (fd < 0) continue;
      ::unlink(name.c_str());
      return "/proc/self/fd/" + std::to_string(fd);
    }
    std::perror("mkstemp");
    std::abort();
  }();
  if (fd_out) *fd_out = fd;
  return path;
}

// Overwrites in place and trims, rather than truncating to 0 and appending:
// on ext4 the latter forces a writeback on every close (auto_da_alloc).
void write_scratch(const std::uint8_t* data, std::size_t size) {
  int fd = -1;
  scratch_path(&fd);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) std::abort();
}

void check_message(const format_error& e) {
  static const bool lax = std::getenv("WEFT_FUZZ_LAX_MESSAGES") != nullptr;
  const std::string msg = e.what();
  if (msg.empty() || (!lax && msg.find('\n') != std::string::npos)) {
    std::fprintf(stderr, "format_error message is not one non-empty line: [%s]\n", msg.c_str());
    std::abort();
  }
}

// What weft dump and the viewer do with a loaded trace.
std::size_t use(const Trace& t) {
  std::size_t n = 0;
  for (const Event& e : t.events)
    n += describe_detail(t, e).size() + t.object_label(e.object).size() + t.site_label(e.site).size() +
         t.text(e).size() + t.kind_name(e.kind).size();
  for (const ThreadInfo& th : t.threads) n += th.name.size();
  for (const std::string& w : t.warnings) n += w.size();
  return n;
}

// What the viewer does on a big trace: END from the tail, then the index.
std::size_t random_access(const std::string& path) {
  std::size_t n = 0;
  const TraceFile f(path);
  n += f.scan().size();
  const std::optional<EndRecord> end = f.read_end();
  if (!end || end->index_offset == 0) return n;
  std::uint64_t offset = end->index_offset;
  for (int chunks = 0; chunks < 1000; ++chunks) {
    const std::optional<ChunkRef> ref = f.read_header(offset);
    if (!ref || ref->type != static_cast<std::uint32_t>(ChunkType::Index)) break;
    const std::vector<unsigned char> payload = f.read_payload(*ref);
    ByteReader r(payload.data(), payload.size(), ref->describe());
    while (!r.empty()) {
      const IndexEntry e = decode_index_entry(r);
      if (const std::optional<ChunkRef> events = f.read_header(e.offset)) n += events->length;
    }
    offset = ref->payload_offset() + ref->length;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  write_scratch(data, size);
  volatile std::size_t sink = 0;
  try {
    const Trace t = load_trace(scratch_path());
    sink = sink + use(t);
  } catch (const format_error& e) {
    check_message(e);
  }
  try {
    sink = sink + random_access(scratch_path());
  } catch (const format_error& e) {
    check_message(e);
  }
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) weft::format::test::repair_checksums(std::span<unsigned char>(data, size));
  return size;
}
