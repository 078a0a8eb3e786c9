// ThreadSanitizer as a second opinion, inside the trace: in a TSan build
// (WEFT_TSAN_BUILD), every report TSan prints is also recorded as a
// tsan.report event on the thread that triggered it, at that moment, so
// `weft check` and the viewer show TSan's findings beside weft's own.
#pragma once

namespace weft::detail {

// Makes sure the report hook is linked into the program (it lives in a
// static library; nothing else refers to it). A no-op without TSan.
void install_tsan_report_hook() noexcept;

}  // namespace weft::detail
