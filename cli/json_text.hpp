// JSON text of a document whatever bytes its strings hold. JSON is UTF-8,
// and a trace's names need not be (a thread or variable named from a file,
// argv or a Latin-1 locale): such a string has each invalid byte shown as
// U+FFFD, and the document says so (`note` adds a warning where its format
// keeps them), as does one line on stderr. Never fails on text.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace weft::cli {

inline constexpr const char* kNotUtf8Note =
    "some text in the trace is not valid UTF-8: its invalid bytes are shown as U+FFFD";

// Json: nlohmann::json or ordered_json. Note: void(Json& doc, const std::string& note).
template <class Json, class Note>
std::string json_text(Json doc, Note note) {
  try {
    return doc.dump(2) + "\n";
  } catch (const typename Json::type_error& e) {
    if (e.id != 316) throw;  // 316: invalid UTF-8; anything else is weft's own mistake
  }
  note(doc, std::string(kNotUtf8Note));
  std::fprintf(stderr, "weft: warning: %s\n", kNotUtf8Note);
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace weft::cli
