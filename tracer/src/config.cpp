#include "config.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

namespace weft::detail {
namespace {

// argv as the kernel has it: /proc/self/cmdline, NUL-separated.
std::vector<std::string> read_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::string_view rest = all;
  while (!rest.empty()) {
    const auto end = rest.find('\0');
    args.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return args;
}

bool parse_uint(const char* text, std::uint64_t& out) {
  if (!text || !*text) return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno || *end != '\0' || text[0] == '-') return false;
  out = v;
  return true;
}

}  // namespace

std::string followed_trace_path(const std::string& root, long pid) {
  std::string stem = root;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".weft") == 0) stem.resize(stem.size() - 5);
  return stem + "." + std::to_string(pid) + ".weft";
}

Config read_config() {
  Config c;
  c.command_line = read_command_line();
  std::string_view argv0 = c.command_line.empty() ? std::string_view("program") : c.command_line.front();
  if (const auto slash = argv0.rfind('/'); slash != std::string_view::npos) argv0.remove_prefix(slash + 1);
  c.program = argv0.empty() ? "program" : std::string(argv0);

  const char* trace = std::getenv("WEFT_TRACE");
  if (trace && (std::strcmp(trace, "off") == 0 || std::strcmp(trace, "0") == 0 || std::strcmp(trace, "none") == 0)) {
    c.enabled = false;
  } else if (trace && *trace) {
    c.path = trace;
  } else {
    c.path = c.program + ".weft";  // in the working directory
  }

  if (const char* v = std::getenv("WEFT_BUFFER_EVENTS")) {
    std::uint64_t n = 0;
    if (parse_uint(v, n) && n >= 1024 && n <= (1u << 26) && (n & (n - 1)) == 0)
      c.buffer_slots = n;
    else
      c.warnings.push_back(std::string("WEFT_BUFFER_EVENTS=") + v +
                           " ignored: want a power of two from 1024 to 67108864");
  }
  if (const char* v = std::getenv("WEFT_ON_FULL")) {
    if (std::strcmp(v, "drop") == 0) c.drop_when_full = true;
    else if (std::strcmp(v, "block") != 0)
      c.warnings.push_back(std::string("WEFT_ON_FULL=") + v + " ignored: want 'block' or 'drop'");
  }
  if (const char* v = std::getenv("WEFT_FLUSH_MS")) {
    std::uint64_t ms = 0;
    if (parse_uint(v, ms) && ms >= 1 && ms <= 60'000)
      c.flush_ms = static_cast<std::uint32_t>(ms);
    else
      c.warnings.push_back(std::string("WEFT_FLUSH_MS=") + v + " ignored: want milliseconds from 1 to 60000");
  }
  if (const char* v = std::getenv("WEFT_ON_DEADLOCK")) {
    if (std::strcmp(v, "exit") == 0 || std::strcmp(v, "abort") == 0 || std::strcmp(v, "wait") == 0)
      c.on_deadlock = v;
    else
      c.warnings.push_back(std::string("WEFT_ON_DEADLOCK=") + v + " ignored: want 'exit', 'abort' or 'wait'");
  }
  if (const char* v = std::getenv("WEFT_HANG_MS")) {
    std::uint64_t ms = 0;
    if (parse_uint(v, ms) && ms >= 100 && ms <= 3'600'000)
      c.hang_ms = static_cast<std::uint32_t>(ms);
    else
      c.warnings.push_back(std::string("WEFT_HANG_MS=") + v + " ignored: want milliseconds from 100 to 3600000");
  }
  c.under_record = std::getenv("WEFT_RECORD_PID") != nullptr;
  if (const char* v = std::getenv("WEFT_RECORD_FOLLOW"); v != nullptr && std::string_view(v) == "1" &&
                                                          std::getenv("WEFT_RECORD_PID") != nullptr) {
    c.follow_forks = true;
    const char* root = std::getenv("WEFT_TRACE_ROOT");
    c.follow_root = root ? root : c.path;
  }
  return c;
}

}  // namespace weft::detail
