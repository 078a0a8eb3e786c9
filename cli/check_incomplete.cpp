// Whether a trace holds the whole run (check_render.hpp): beside the
// renderers, not the command, so that whatever renders a check's result
// (weft check, the fuzz_check target) reads it the same way.
#include "check_render.hpp"

namespace weft::cli {

bool incomplete(const format::Trace& t) { return t.truncated || !t.end; }

std::string incomplete_reason(const format::Trace& t) {
  if (t.truncated) return "it is truncated: the file ends inside a chunk";
  return "it has no end record: the program was killed, or replaced itself with exec, before finishing it";
}

}  // namespace weft::cli
