// libFuzzer target for `weft check` on whatever the reader loads: every
// detector (analysis::check), then the report in each of its formats (text,
// json, sarif: the renderers of cli/, compiled into this target).
//
// Property: the input loads or is refused with a one-line format_error (as
// in fuzz_trace_reader); a trace that loads is checked and rendered without
// any exception; the json and sarif reports parse as JSON and are valid
// UTF-8 whatever bytes the trace's names hold. ASan/UBSan report memory
// errors and undefined behaviour.
//
// The ordering check and --expect's comparison run too: with a fixed marks
// pattern and expectations (an odd-sized input adds the comparison, so the
// report is rendered both with and without it).
//
// Not covered: weft check loads through weft::symbolize (libdw), which reads
// the ELF files a trace of `weft record` names; a fuzzed module path would
// send it to arbitrary files of this machine. Traces of weft's own
// primitives (this corpus) carry no modules, so the symbolizer does nothing
// for them.
//
// Build and run: scripts/fuzz.sh (build/fuzz/tests/fuzz/fuzz_check).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "check_render.hpp"  // cli/
#include "fuzz_common.hpp"
#include "weft/analysis/check.hpp"

using namespace weft;

namespace {

const analysis::Expectations& expectations() {
  static const analysis::Expectations e = analysis::parse_expectations(
      R"({"always": [{"kind": "deadlock", "about": "lock_X, lock_Y"}],
          "sometimes": [{"kind": "data race", "about": "counter"}], "marks": "(A B C ){2}"})");
  return e;
}

void check_json(const std::string& what, const std::string& text) {
  if (!fuzz::valid_utf8(text)) fuzz::fail(("the " + what + " report is not valid UTF-8").c_str(), text);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    fuzz::fail(("the " + what + " report is not a JSON object").c_str(), text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<format::Trace> trace = fuzz::load(data, size);
  if (!trace) return 0;
  analysis::CheckOptions options;
  options.marks_pattern = expectations().marks;
  cli::CheckResult r;
  r.trace_path = "fuzz.weft";
  r.trace = &*trace;
  r.report = analysis::check(*trace, options);  // nothing may escape: no expectation is user-written here
  if (size % 2 == 1) r.comparison = analysis::compare(r.report, expectations());

  volatile std::size_t sink = cli::render_text(r).size();
  (void)sink;
  const fuzz::QuietStderr quiet;  // json_text's "not valid UTF-8" warning
  check_json("json", cli::render_json(r));
  check_json("sarif", cli::render_sarif(r));
  return 0;
}
