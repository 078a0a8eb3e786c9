#include "options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "weft/support/command_line.hpp"

namespace weft::viewer {

const char* usage_text() {
  return "usage: weft view [TRACE] [--screenshot OUT.png] [--select-finding N] [--time A..B] [--size WxH]";
}

double parse_time(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) throw usage_error("not a time: '" + text + "' (e.g. 1500, 2.5us, 12ms, 1s)");
  const std::string unit(end);
  double scale = 0;
  if (unit.empty() || unit == "ns")
    scale = 1;
  else if (unit == "us" || unit == "\xC2\xB5s")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else
    throw usage_error("unknown time unit in '" + text + "' (use ns, us, ms or s)");
  const double ns = value * scale;
  if (!std::isfinite(ns) || ns < 0) throw usage_error("not a time: '" + text + "'");
  return ns;
}

TimeRange parse_time_range(const std::string& text) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) throw usage_error("--time wants A..B, not '" + text + "'");
  TimeRange r{parse_time(text.substr(0, dots)), parse_time(text.substr(dots + 2))};
  if (!(r.begin_ns < r.end_ns)) throw usage_error("--time: the range '" + text + "' is empty");
  return r;
}

namespace {

std::size_t parse_count(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || v < 1) throw usage_error(flag + " wants a number from 1, not '" + text + "'");
  return static_cast<std::size_t>(v);
}

// The flags as typed, checked after parsing in the viewer's own words.
struct Raw {
  std::optional<std::string> trace, screenshot, select_finding, time, size;
};

command_line::parser declare(Raw& raw) {
  const std::string usage(usage_text());
  command_line::parser p("weft view", usage.substr(usage.find("view ") + 5),
                         "timelines of a trace's threads and locks, its findings, replay (also: weft-view)");
  p.positional("TRACE", raw.trace,
               "the trace to open (or open one from the window: path box, drag and drop); or a run of several "
               "processes: its first trace (the files of the processes it started are found beside it), a "
               "directory of one run's traces, or several trace files of one run");
  p.option("--screenshot", raw.screenshot, "OUT.png", "render off-screen into this PNG and exit (no window needed)");
  p.option("--select-finding", raw.select_finding, "N", "select finding N, numbered as weft check does (from 1)");
  p.option("--time", raw.time, "A..B", "show this time range, e.g. 1ms..2.5ms (units ns, us, ms, s; bare: ns)");
  p.option("--size", raw.size, "WxH", "the window or screenshot size, 320x240 to 8192x8192 (default 1600x900)");
  return p;
}

}  // namespace

std::string help_text() {
  Raw raw;
  return declare(raw).help();
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  Raw raw;
  command_line::parser p = declare(raw);
  // A further trace file (of the same run) comes back through the hook and
  // the rest is parsed again without it: the parser has no list positional.
  struct another_trace {
    std::string path;
  };
  const auto more = [](const std::string& a) -> std::string { throw another_trace{a}; };
  std::vector<std::string> rest = args;
  for (;;) {
    try {
      o.help = !p.parse(rest, more);
      break;
    } catch (const another_trace& t) {
      o.more_traces.push_back(t.path);
      rest.erase(std::find(rest.begin(), rest.end(), t.path));
    } catch (const command_line::usage_error& e) {
      throw usage_error(e.what());
    }
  }
  if (o.help) return o;
  o.trace = raw.trace;
  o.screenshot = raw.screenshot;
  if (raw.select_finding) o.select_finding = parse_count("--select-finding", *raw.select_finding);
  if (raw.time) o.time = parse_time_range(*raw.time);
  if (raw.size) {
    const std::string& v = *raw.size;
    const auto x = v.find('x');
    if (x == std::string::npos) throw usage_error("--size wants WxH, not '" + v + "'");
    const std::size_t w = parse_count("--size", v.substr(0, x)), h = parse_count("--size", v.substr(x + 1));
    if (w < 320 || h < 240 || w > 8192 || h > 8192)
      throw usage_error("--size " + v + " is out of range (320x240 to 8192x8192)");
    o.width = static_cast<int>(w);
    o.height = static_cast<int>(h);
  }
  if (o.screenshot && !o.trace) throw usage_error("--screenshot needs a TRACE to render");
  if ((o.select_finding || o.time) && !o.trace) throw usage_error("--select-finding and --time need a TRACE");
  return o;
}

}  // namespace weft::viewer
