// Each test process writes its own trace to a private temporary file, so
// tests run in parallel without sharing one, and removes it at exit.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <weft/tracing.hpp>

namespace {

std::string& trace_file() {
  static std::string path;
  return path;
}

struct TraceToTempFile {
  TraceToTempFile() {
    trace_file() = (std::filesystem::temp_directory_path() / ("weft-tracer-tests-" + std::to_string(::getpid()) + ".weft")).string();
    // Registered before the runtime starts, so it runs after the runtime has
    // completed the trace at exit.
    std::atexit([] { std::remove(trace_file().c_str()); });
    weft::trace_to(trace_file());
  }
} const redirect;

}  // namespace
