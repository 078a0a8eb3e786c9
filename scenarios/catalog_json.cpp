#include "catalog_json.hpp"

#include <cstdio>

namespace weft::scenarios {
namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string findings(const std::vector<expectation>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i)
    out += std::string(i ? ", " : "") + "{\"kind\": " + quote(finding_name(list[i].kind)) +
           ", \"about\": " + quote(list[i].about) + "}";
  return out + "]";
}

std::string strings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += std::string(i ? ", " : "") + quote(list[i]);
  return out + "]";
}

}  // namespace

std::string scenario_json(const scenario& s) {
  return "{\"name\": " + quote(s.name) + ", \"summary\": " + quote(s.summary) + ", \"teaches\": " + quote(s.teaches) +
         ", \"lesson\": " + quote(s.lesson) + ", \"always\": " + findings(s.always) +
         ", \"sometimes\": " + findings(s.sometimes) + ", \"marks\": " + (s.marks ? quote(s.marks) : "null") +
         ", \"shows\": " + strings(s.shows) + ", \"hangs\": " + (s.hangs ? "true" : "false") +
         ", \"timing_bet\": " + (s.timing_bet ? "true" : "false") + "}";
}

std::string catalog_json() {
  std::string out = "[";
  bool first = true;
  for (const scenario* s : all()) {
    out += std::string(first ? "\n  " : ",\n  ") + scenario_json(*s);
    first = false;
  }
  return out + "\n]";
}

}  // namespace weft::scenarios
