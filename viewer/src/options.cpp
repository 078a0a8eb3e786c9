#include "options.hpp"

#include <cmath>
#include <cstdlib>

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

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 == args.size()) throw usage_error(a + " needs a value");
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--screenshot") {
      o.screenshot = value();
    } else if (a == "--select-finding") {
      o.select_finding = parse_count(a, value());
    } else if (a == "--time") {
      o.time = parse_time_range(value());
    } else if (a == "--size") {
      const std::string& v = value();
      const auto x = v.find('x');
      if (x == std::string::npos) throw usage_error("--size wants WxH, not '" + v + "'");
      const std::size_t w = parse_count(a, v.substr(0, x)), h = parse_count(a, v.substr(x + 1));
      if (w < 320 || h < 240 || w > 8192 || h > 8192)
        throw usage_error("--size " + v + " is out of range (320x240 to 8192x8192)");
      o.width = static_cast<int>(w);
      o.height = static_cast<int>(h);
    } else if (!a.empty() && a[0] == '-') {
      throw usage_error("unknown option " + a);
    } else if (o.trace) {
      throw usage_error("one trace at a time (got '" + *o.trace + "' and '" + a + "')");
    } else {
      o.trace = a;
    }
  }
  if (o.screenshot && !o.trace) throw usage_error("--screenshot needs a TRACE to render");
  if ((o.select_finding || o.time) && !o.trace) throw usage_error("--select-finding and --time need a TRACE");
  return o;
}

}  // namespace weft::viewer
