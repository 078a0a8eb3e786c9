#include "weft/annotate.hpp"

#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"

namespace weft {

void mark(std::string_view label, source_site site) {
  detail::emit_text(static_cast<std::uint8_t>(format::EventKind::Mark), 0, label, site);
}

void log(std::string_view text, source_site site) {
  detail::emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, text, site);
}

}  // namespace weft
