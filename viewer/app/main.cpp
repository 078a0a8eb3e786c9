// weft-view: the desktop viewer (also run as `weft view`). A bad command
// line or an unreadable trace is a one-line error and exit status 2, before
// any window is opened.
#include <cstdio>
#include <string>
#include <vector>

#include "app.hpp"
#include "options.hpp"
#include "window.hpp"
#include "weft/format/bytes.hpp"

int main(int argc, char** argv) {
  using namespace weft::viewer;
  Options options;
  try {
    options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const usage_error& e) {
    std::fprintf(stderr, "weft-view: %s (%s)\n", e.what(), usage_text());
    return 2;
  }
  if (options.help) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }
  App app;
  if (options.trace) {
    try {
      std::vector<std::string> paths{*options.trace};
      paths.insert(paths.end(), options.more_traces.begin(), options.more_traces.end());
      app.adopt(open_document(paths));
    } catch (const weft::format::format_error& e) {
      std::fprintf(stderr, "weft-view: %s\n", e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "weft-view: error: %s: %s\n", options.trace->c_str(), e.what());
      return 2;
    }
    const auto& trace = app.document()->trace;
    for (const std::string& w : trace.warnings) std::fprintf(stderr, "weft-view: warning: %s\n", w.c_str());
    if (trace.truncated && trace.warnings.empty())
      std::fprintf(stderr, "weft-view: warning: %s is truncated; showing what it holds\n", options.trace->c_str());
    if (options.select_finding) {
      const std::size_t count = app.document()->report.findings.size();
      if (*options.select_finding > count) {
        std::fprintf(stderr, "weft-view: --select-finding %zu: %s has %zu finding%s\n", *options.select_finding,
                     options.trace->c_str(), count, count == 1 ? "" : "s");
        return 2;
      }
      app.select_finding(*options.select_finding - 1);
    }
    if (options.time) app.show_time(options.time->begin_ns, options.time->end_ns);
  }
  return run_window(app, options);
}
