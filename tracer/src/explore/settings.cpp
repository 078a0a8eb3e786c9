#include "settings.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

namespace weft::detail::explore {
namespace {

[[noreturn]] void refuse(const std::string& why) {
  std::fprintf(stderr, "weft: %s\n", why.c_str());
  std::fflush(stderr);
  ::_exit(2);
}

std::uint64_t number(const char* name, std::uint64_t fallback, std::uint64_t low, std::uint64_t high) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0 || n < low || n > high)
    refuse(std::string(name) + "=" + v + ": want a whole number from " + std::to_string(low) + " to " +
           std::to_string(high));
  return n;
}

std::vector<std::uint32_t> read_decisions(const char* path) {
  std::ifstream in(path);
  if (!in) refuse(std::string("WEFT_EXPLORE_SCHEDULE=") + path + ": cannot read it");
  std::vector<std::uint32_t> out;
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(word.c_str(), &end, 10);
    if (*end != '\0' || word[0] == '-' || n > 0xffffffffUL)
      refuse(std::string("WEFT_EXPLORE_SCHEDULE=") + path + ": '" + word + "' is not a thread id");
    out.push_back(static_cast<std::uint32_t>(n));
  }
  return out;
}

}  // namespace

const char* strategy_name(Strategy s) {
  switch (s) {
    case Strategy::random: return "random";
    case Strategy::pct: return "pct";
    case Strategy::dfs: return "dfs";
    case Strategy::replay: return "replay";
  }
  return "?";
}

std::optional<Settings> settings_from_environment() {
  const char* which = std::getenv("WEFT_EXPLORE");
  if (which == nullptr) return std::nullopt;
  Settings s;
  const std::string_view w(which);
  if (w == "random")
    s.strategy = Strategy::random;
  else if (w == "pct")
    s.strategy = Strategy::pct;
  else if (w == "dfs")
    s.strategy = Strategy::dfs;
  else if (w == "replay")
    s.strategy = Strategy::replay;
  else
    refuse(std::string("WEFT_EXPLORE=") + which + ": want random, pct, dfs or replay");
  s.seed = number("WEFT_EXPLORE_SEED", 0, 0, ~std::uint64_t{0});
  s.depth = static_cast<std::uint32_t>(number("WEFT_EXPLORE_DEPTH", 3, 1, 100));
  s.horizon = number("WEFT_EXPLORE_HORIZON", 1000, 1, std::uint64_t{1} << 40);
  s.bound = static_cast<std::uint32_t>(number("WEFT_EXPLORE_BOUND", 0, 0, 1000));
  s.budget_ms = number("WEFT_EXPLORE_BUDGET_MS", 60000, 10, 3'600'000);
  s.early_timers = number("WEFT_EXPLORE_EARLY_TIMERS", 0, 0, 1) == 1;
  if (std::getenv("WEFT_EXPLORE_CPU") != nullptr) s.cpu = static_cast<unsigned>(number("WEFT_EXPLORE_CPU", 0, 0, 4095));
  if (const char* path = std::getenv("WEFT_EXPLORE_SCHEDULE")) s.forced = read_decisions(path);
  if (s.strategy == Strategy::replay && std::getenv("WEFT_EXPLORE_SCHEDULE") == nullptr)
    refuse("WEFT_EXPLORE=replay wants WEFT_EXPLORE_SCHEDULE, the decisions to replay");
  return s;
}

}  // namespace weft::detail::explore
