#include "catalog.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace weft::scenarios {
namespace {

std::vector<std::unique_ptr<scenario>>& storage() {
  static std::vector<std::unique_ptr<scenario>> s;
  return s;
}

std::vector<const scenario*>& sorted() {
  static std::vector<const scenario*> s;
  return s;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view finding_name(finding f) {
  switch (f) {
    case finding::data_race: return "data race";
    case finding::deadlock: return "deadlock";
    case finding::self_deadlock: return "self-deadlock";
    case finding::lock_order_inversion: return "lock-order inversion";
    case finding::hang: return "hang";
    case finding::lost_wakeup: return "lost wake-up";
    case finding::misuse: return "misuse";
    case finding::ordering: return "ordering violation";
  }
  return "?";
}

registrar::registrar(scenario s) {
  if (find(s.name)) throw std::logic_error(std::string("scenario registered twice: ") + s.name);
  if (!s.run) throw std::logic_error(std::string("scenario without a program: ") + s.name);
  storage().push_back(std::make_unique<scenario>(std::move(s)));
  auto& list = sorted();
  list.push_back(storage().back().get());
  std::sort(list.begin(), list.end(), [](const scenario* a, const scenario* b) { return std::string_view(a->name) < b->name; });
}

const std::vector<const scenario*>& all() { return sorted(); }

const scenario* find(std::string_view name) {
  for (const scenario* s : sorted())
    if (name == s->name) return s;
  return nullptr;
}

std::vector<std::string> close_matches(std::string_view name) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const scenario* s : sorted()) {
    const std::string_view candidate = s->name;
    const std::size_t d = edit_distance(name, candidate);
    const bool contains = !name.empty() && candidate.find(name) != std::string_view::npos;
    if (d <= std::max<std::size_t>(2, name.size() / 3) || contains) scored.emplace_back(contains ? 0 : d, s->name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (auto& [score, n] : scored)
    if (out.size() < 5) out.push_back(std::move(n));
  return out;
}

std::string describe_verdict(const scenario& s) {
  if (s.clean()) return "clean";
  std::string out;
  auto add = [&](const expectation& e, bool maybe) {
    if (!out.empty()) out += ", ";
    out += std::string(finding_name(e.kind));
    if (!e.about.empty()) out += " (" + e.about + ")";
    if (maybe) out += " [sometimes]";
  };
  for (const expectation& e : s.always) add(e, false);
  for (const expectation& e : s.sometimes) add(e, true);
  return out;
}

}  // namespace weft::scenarios
