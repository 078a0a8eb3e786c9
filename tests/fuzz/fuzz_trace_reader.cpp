// libFuzzer target for the weft trace reader (load_trace and TraceFile's
// random access), the code that reads whatever file a user points weft at.
//
// Property: any input either loads or throws weft::format::format_error with
// a non-empty one-line message. Any other exception escapes and aborts the
// fuzzer; ASan/UBSan report any memory error or undefined behaviour.
//
// Inputs go through a real file, since the reader preads from a path; a
// custom mutator repairs chunk checksums (fuzz_common.hpp).
//
// Build, run and reproduce: see scripts/fuzz.sh, e.g.
//   scripts/fuzz.sh build && scripts/fuzz.sh run fuzz_trace_reader 300
//   build/fuzz/tests/fuzz/fuzz_trace_reader build/fuzz/artifacts/fuzz_trace_reader-crash-<sha1>
// The seed corpus is tests/fuzz/corpus (tests/fuzz/README.md).
// WEFT_FUZZ_LAX_MESSAGES=1 skips the one-line message check, to look past
// a known message bug (see test_validation.cpp) for other problems.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/trace_file.hpp"

using namespace weft::format;
using weft::fuzz::check_message;
using weft::fuzz::scratch_path;

namespace {

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
  volatile std::size_t sink = 0;
  if (const std::optional<Trace> t = weft::fuzz::load(data, size)) sink = sink + use(*t);
  try {
    sink = sink + random_access(scratch_path());
  } catch (const format_error& e) {
    check_message(e);
  }
  return 0;
}
