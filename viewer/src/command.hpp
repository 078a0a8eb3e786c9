// What the user asks of a Session from the timeline or a panel: the one way
// the UI changes what is selected and where the replay cursor is
// (Session::apply carries it out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>

#include "selection.hpp"

namespace weft::viewer {

struct SelectFinding {
  std::size_t index = 0;  // 0-based, in the report's order
};
struct SelectEvent {
  std::uint64_t index = 0;
};
struct SelectSpan {  // and its begin event
  SpanRef span;
};
struct SeekCursor {
  std::uint64_t position = 0;  // events applied
};

using Command = std::variant<SelectFinding, SelectEvent, SelectSpan, SeekCursor>;

}  // namespace weft::viewer
