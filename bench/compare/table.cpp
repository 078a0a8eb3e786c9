#include "table.hpp"

#include <algorithm>

namespace weft::compare {

namespace {

// Display width: the cells hold ASCII and a few UTF-8 symbols (x, ≤, µ);
// continuation bytes take no column.
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, bool right) {
  const std::string fill(w > width(s) ? w - width(s) : 0, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string table::render(bool markdown) const {
  const std::size_t columns = header.size();
  const auto is_numeric = [&](std::size_t c) { return c < numeric.size() && numeric[c]; };
  const auto cell = [&](const std::vector<std::string>& row, std::size_t c) {
    return c < row.size() ? row[c] : std::string();
  };
  std::string out;
  if (markdown) {
    const auto line = [&](const std::vector<std::string>& row) {
      out += "|";
      for (std::size_t c = 0; c < columns; ++c) out += " " + cell(row, c) + " |";
      out += "\n";
    };
    line(header);
    out += "|";
    for (std::size_t c = 0; c < columns; ++c) out += is_numeric(c) ? "---:|" : "---|";
    out += "\n";
    for (const auto& row : rows) line(row);
    return out;
  }
  std::vector<std::size_t> w(columns, 0);
  for (std::size_t c = 0; c < columns; ++c) {
    w[c] = width(header[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], width(cell(row, c)));
  }
  const auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t c = 0; c < columns; ++c) text += (c ? "  " : "") + pad(cell(row, c), w[c], is_numeric(c));
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + "\n";
  };
  line(header);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < columns; ++c) rule.push_back(std::string(w[c], '-'));
  line(rule);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace weft::compare
