// weft-view: the desktop viewer (also run as `weft view`). A bad command
// line, a missing file or one that is not a trace is a one-line error and
// exit status 2, before any window is opened. The window then opens at
// once and the trace loads on a worker thread (async_load.hpp) behind a
// progress bar; a trace found damaged while loading is the same one-line
// error on stderr, and in the window. A screenshot waits for the load.
#include <cstdio>
#include <string>
#include <vector>

#include "app.hpp"
#include "async_load.hpp"
#include "options.hpp"
#include "window.hpp"
#include "weft/format/bytes.hpp"

namespace {

// The command line's trace is open in `app`: its warnings, then the finding
// and the time range asked for. False (after a one-line error) when the
// finding asked for does not exist.
bool opened(weft::viewer::App& app, const weft::viewer::Options& options) {
  const auto& trace = app.document()->trace;
  for (const std::string& w : trace.warnings) std::fprintf(stderr, "weft-view: warning: %s\n", w.c_str());
  if (trace.truncated && trace.warnings.empty())
    std::fprintf(stderr, "weft-view: warning: %s is truncated; showing what it holds\n", options.trace->c_str());
  if (options.select_finding) {
    const std::size_t count = app.document()->report.findings.size();
    if (*options.select_finding > count) {
      std::fprintf(stderr, "weft-view: --select-finding %zu: %s has %zu finding%s\n", *options.select_finding,
                   options.trace->c_str(), count, count == 1 ? "" : "s");
      return false;
    }
    app.select_finding(*options.select_finding - 1);
  }
  if (options.time) app.show_time(options.time->begin_ns, options.time->end_ns);
  return true;
}

}  // namespace

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
    std::vector<std::string> paths{*options.trace};
    paths.insert(paths.end(), options.more_traces.begin(), options.more_traces.end());
    try {
      // What can be told at once fails before a window opens: a missing
      // file, one that is not a trace.
      check_readable(paths);
      // A screenshot shows the whole trace: it is loaded first. Otherwise
      // the window opens at once and shows the load's progress.
      if (options.screenshot) {
        app.adopt(open_document(paths));
        if (!opened(app, options)) return 2;
      } else {
        app.open(paths, [&options](App& a, const std::string& error) {
          if (!error.empty())
            std::fprintf(stderr, "weft-view: %s\n", error.c_str());  // and in the window's toolbar
          else
            opened(a, options);
        });
      }
    } catch (const weft::format::format_error& e) {
      std::fprintf(stderr, "weft-view: %s\n", e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "weft-view: error: %s: %s\n", options.trace->c_str(), e.what());
      return 2;
    }
  }
  return run_window(app, options);
}
