// weft-scenarios: every scenario in one program.
//   weft-scenarios list [--json]
//   weft-scenarios describe NAME          (JSON)
//   weft-scenarios run NAME [--seed N] [--timeout SECONDS]
// `weft list` and `weft run` use it; the trace goes where WEFT_TRACE says.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "catalog_json.hpp"
#include "runner.hpp"

namespace {

using namespace weft::scenarios;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "weft-scenarios: %s\n", message.c_str());
  return 2;
}

const scenario* find_or_explain(const std::string& name) {
  if (const scenario* s = find(name)) return s;
  std::string message = "unknown scenario '" + name + "'";
  const auto close = close_matches(name);
  if (!close.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i) message += (i ? ", " : "") + close[i];
    message += "?";
  }
  message += " (weft list shows them all)";
  std::fprintf(stderr, "weft-scenarios: %s\n", message.c_str());
  return nullptr;
}

void print_table() {
  std::size_t width = 4;
  for (const scenario* s : all()) width = std::max(width, std::string_view(s->name).size());
  std::printf("%-*s  %s\n", static_cast<int>(width), "NAME", "SUMMARY  [EXPECTED]");
  for (const scenario* s : all()) {
    std::string expected = describe_verdict(*s);
    if (s->marks) expected += std::string(expected.empty() ? "" : ", ") + "marks " + s->marks;
    std::printf("%-*s  %s  [%s]\n", static_cast<int>(width), s->name, s->summary, expected.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("usage: weft-scenarios list [--json] | describe NAME | run NAME [--seed N] [--timeout S]");
  const std::string& command = args[0];
  if (command == "list") {
    if (args.size() == 2 && args[1] == "--json") {
      std::printf("%s\n", catalog_json().c_str());
      return 0;
    }
    if (args.size() != 1) return usage_error("list takes only --json");
    print_table();
    return 0;
  }
  if (command == "describe" || command == "run") {
    if (args.size() < 2) return usage_error(command + ": which scenario?");
    const scenario* s = find_or_explain(args[1]);
    if (!s) return 2;
    if (command == "describe") {
      if (args.size() != 2) return usage_error("describe takes only a name");
      std::printf("%s\n", scenario_json(*s).c_str());
      return 0;
    }
    try {
      return run_scenario(*s, parse_run_flags({args.begin() + 2, args.end()}));
    } catch (const std::invalid_argument& e) {
      return usage_error(e.what());
    }
  }
  return usage_error("unknown command '" + command + "' (list, describe, run)");
}
