// resolve(): which module an address is in, each module opened once, each
// address looked up once, and the labels for what debug info cannot name.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "module_symbols.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::symbolize {
namespace {

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

std::string_view basename(std::string_view path) {
  if (const auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return path;
}

struct Resolved {
  CodePlace place;
  bool from_debug_info = false;
};

class Symbolizer {
 public:
  Symbolizer(const format::Trace& trace, Stats& stats) : modules_(trace.modules), stats_(stats) {
    symbols_.resize(modules_.size());
    for (std::size_t i = 1; i < modules_.size(); ++i)
      if (modules_[i].low < modules_[i].high) by_low_.push_back(i);
    std::sort(by_low_.begin(), by_low_.end(),
              [&](std::size_t a, std::size_t b) { return modules_[a].low < modules_[b].low; });
  }

  // A site's return address points after its call instruction, which may
  // be the last of a function or sit on another line: look up the byte
  // before it. Labels without debug info show the address as recorded.
  const Resolved& site(std::uint64_t return_address) {
    auto [it, fresh] = sites_.try_emplace(return_address);
    if (!fresh) return it->second;
    Resolved& r = it->second;
    const std::uint64_t call = return_address - 1;
    const std::size_t m = module_of(call);
    if (m == 0) {
      r.place.file = hex(return_address);
      return r;
    }
    r.place = symbols(m).code(call);
    r.from_debug_info = !r.place.file.empty();
    if (!r.from_debug_info)
      r.place.file = std::string(basename(modules_[m].path)) + "+" + hex(return_address - modules_[m].base);
    return r;
  }

  // The global (or static) variable an object lives in, if any. Not one of
  // the standard library's own: the word a std::latch or std::barrier
  // waits on may be an entry of libstdc++'s table of waiters
  // (`std::__detail::__waiter_pool_base::_S_for(void const*)::__w+832`),
  // which names nothing the program wrote; its creation site does.
  std::optional<std::string> variable(std::uint64_t address) {
    const std::size_t m = module_of(address);
    if (m == 0) return std::nullopt;
    std::optional<std::string> name = symbols(m).data(address);
    if (name && (name->starts_with("std::") || name->starts_with("__gnu_cxx::"))) return std::nullopt;
    return name;
  }

 private:
  std::size_t module_of(std::uint64_t address) const {  // 0: none
    auto it = std::upper_bound(by_low_.begin(), by_low_.end(), address,
                               [&](std::uint64_t a, std::size_t i) { return a < modules_[i].low; });
    if (it == by_low_.begin()) return 0;
    const std::size_t i = *std::prev(it);
    return modules_[i].contains(address) ? i : 0;
  }

  ModuleSymbols& symbols(std::size_t m) {
    if (!symbols_[m]) {
      symbols_[m] = std::make_unique<ModuleSymbols>(modules_[m]);
      if (!symbols_[m]->usable()) stats_.missing_modules.push_back(modules_[m].path);
    }
    return *symbols_[m];
  }

  const std::vector<format::ModuleInfo>& modules_;
  Stats& stats_;
  std::vector<std::size_t> by_low_;  // module ids by start address
  std::vector<std::unique_ptr<ModuleSymbols>> symbols_;  // by module id, opened on first use
  std::unordered_map<std::uint64_t, Resolved> sites_;
};

// A name as its text: its stem (kept by the trace, so the view stays
// good) and its number.
struct NameKey {
  std::string_view stem;
  std::uint32_t number = 0;
  bool operator==(const NameKey&) const = default;
};
struct NameKeyHash {
  std::size_t operator()(const NameKey& k) const { return std::hash<std::string_view>{}(k.stem) * 31 + k.number; }
};

// "worker.cpp:42" for a heap or stack object's name; "" if its creation
// site says nothing.
std::string creation_label(const format::Trace& trace, std::uint32_t site) {
  if (site == 0 || site >= trace.sites.size()) return {};
  const format::SiteInfo& s = trace.sites[site];
  std::string label(basename(s.file));
  if (!label.empty() && s.line != 0) label += ":" + std::to_string(s.line);
  return label;
}

}  // namespace

Stats resolve(format::Trace& trace) {
  Stats stats;
  if (trace.modules.size() <= 1) return stats;  // not recorded by weft record: nothing to do
  Symbolizer symbolizer(trace, stats);

  // Sites first: an object with no variable is named after its creation site.
  for (std::size_t i = 1; i < trace.sites.size(); ++i) {
    format::SiteInfo& s = trace.sites[i];
    if (s.address == 0 || !s.file.empty()) continue;
    ++stats.sites;
    const Resolved& r = symbolizer.site(s.address);
    s.file = r.place.file;
    s.line = r.place.line;
    s.function = r.place.function;
    if (r.from_debug_info) ++stats.sites_resolved;
  }

  // A heap or stack object is named after its creation site: each site's
  // label, and the name made of it, once per site and kind (a mutex per node
  // of a map: millions of objects, one name).
  std::unordered_map<std::uint32_t, std::string> labels;  // by site
  std::unordered_map<std::uint64_t, format::ObjectName> by_site;  // by site and kind
  for (std::size_t i = 1; i < trace.objects.size(); ++i) {
    format::ObjectInfo& o = trace.objects[i];
    if (o.address == 0) continue;
    if (auto name = symbolizer.variable(o.address)) {
      o.name = trace.names->keep(*name);
      ++stats.objects_named;
      continue;
    }
    const std::uint64_t key = std::uint64_t{o.site} << 8 | static_cast<std::uint8_t>(o.kind);
    auto it = by_site.find(key);
    if (it == by_site.end()) {
      auto label = labels.find(o.site);
      if (label == labels.end()) label = labels.emplace(o.site, creation_label(trace, o.site)).first;
      const std::string_view kind = format::object_kind_name(o.kind);
      format::ObjectName name;  // none: the site says nothing
      if (!label->second.empty())
        name = trace.names->keep(std::string(kind.empty() ? "object" : kind) + "@" + label->second);
      it = by_site.emplace(key, name).first;
    }
    if (it->second.empty()) continue;  // its creation site says nothing: keep the placeholder ("mutex#3")
    o.name = it->second;
    ++stats.objects_named;
  }

  // Several objects first used at one place (a mutex per node, per
  // connection) share that name: each gets its ordinal among them, in the
  // order they were first used, so a finding about two of them tells them
  // apart ("mutex@node.cpp:12", "mutex@node.cpp:12#2"). The ordinal is the
  // name's number: the text of the name is kept once.
  std::unordered_map<NameKey, std::uint32_t, NameKeyHash> seen;
  for (std::size_t i = 1; i < trace.objects.size(); ++i) {
    format::ObjectInfo& o = trace.objects[i];
    if (o.address == 0 || o.name.stem().find('@') == std::string_view::npos) continue;
    const std::uint32_t n = ++seen[NameKey{o.name.stem(), o.name.number()}];
    if (n > 1) o.name = trace.names->keep(o.name.str() + "#" + std::to_string(n));
  }
  return stats;
}

}  // namespace weft::symbolize
