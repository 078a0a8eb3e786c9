// libFuzzer target for `weft export` (Chrome Trace Event JSON and Perfetto's
// protobuf trace, export/) on whatever the reader loads.
//
// Property: the input loads or is refused with a one-line format_error (as
// in fuzz_trace_reader); a trace that loads is exported, findings and all,
// without any exception, and the output is one JSON object with a
// traceEvents array, valid UTF-8; the Perfetto trace is written without any
// exception, as many bytes as its summary says. ASan/UBSan report memory
// errors and undefined behaviour.
//
// As in fuzz_check, the trace is loaded with weft::format, not through the
// symbolizer (which would read the ELF files a fuzzed trace names).
//
// Build and run: scripts/fuzz.sh (build/fuzz/tests/fuzz/fuzz_export).
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"
#include "weft/export/chrome_trace.hpp"
#include "weft/export/perfetto_trace.hpp"

using namespace weft;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<format::Trace> trace = fuzz::load(data, size);
  if (!trace) return 0;
  std::ostringstream out;
  exporter::write_chrome_trace(*trace, out);
  const std::string text = out.str();
  if (!fuzz::valid_utf8(text)) fuzz::fail("the Chrome JSON is not valid UTF-8", text);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array())
    fuzz::fail("the Chrome JSON is not an object with a traceEvents array", text);
  std::ostringstream proto;
  const exporter::PerfettoSummary summary = exporter::write_perfetto_trace(*trace, proto);
  if (summary.bytes != proto.str().size()) fuzz::fail("the Perfetto trace's size is not what its summary says", text);
  return 0;
}
