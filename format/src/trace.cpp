#include "weft/format/trace.hpp"

#include <cstdio>

#include "weft/format/meaning.hpp"

namespace weft::format {

std::string_view Trace::kind_name(EventKind k) const {
  const auto code = static_cast<std::uint8_t>(k);
  if (code < kinds.size() && !kinds[code].name.empty()) return kinds[code].name;
  return builtin_kind(code).name;
}

std::string_view Trace::text(const Event& e) const {
  const auto code = static_cast<std::uint8_t>(e.kind);
  const std::uint8_t layout = code < kinds.size() ? kinds[code].layout : builtin_kind(code).layout;
  if (!(layout & kLayoutText) || e.arg >= texts.size()) return {};
  return texts[e.arg];
}

std::string Trace::object_label(std::uint32_t id) const {
  if (id == 0 || id >= objects.size()) return "-";
  const ObjectInfo& o = objects[id];
  const std::string_view kind = object_kind_name(o.kind);
  // A name that already says its kind ("mutex@worker.cpp:42", as weft
  // record names a heap object) is not prefixed with it again.
  const std::string_view stem = o.name.stem();
  if (stem.size() > kind.size() && stem.compare(0, kind.size(), kind) == 0 && stem[kind.size()] == '@')
    return o.name.str();
  return std::string(kind) + " " + o.name.str();
}

std::size_t Trace::lock_count() const {
  std::size_t locks = 0;
  for (std::size_t o = 1; o < objects.size(); ++o) locks += object_meaning(objects[o].kind).lock;
  return locks;
}

std::string Trace::site_label(std::uint32_t id) const {
  if (id == 0 || id >= sites.size()) return "?";
  const SiteInfo& s = sites[id];
  std::string_view file = s.file;
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  std::string label(file);
  if (s.line != 0) label += ":" + std::to_string(s.line);
  if (label.empty() && s.address != 0) {  // a return address not symbolized (yet)
    char hex[24];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(s.address));
    label = hex;
  }
  if (!s.function.empty()) label += " (" + s.function + ")";
  return label;
}

}  // namespace weft::format
