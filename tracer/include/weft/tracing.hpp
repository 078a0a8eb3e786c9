// Control over where the trace goes and when it is written.
//
// By default the trace goes to "<program>.weft" in the working directory;
// WEFT_TRACE=path chooses another file and WEFT_TRACE=off disables tracing
// (the primitives still work). The trace is complete when the program exits,
// calls exit(), dies of an uncaught exception, abort() or a fatal signal;
// after kill -9 it holds everything up to the writer's last round (every
// WEFT_FLUSH_MS milliseconds, 20 by default).
#pragma once

#include <string>

namespace weft {

// Sends the trace to `path`, moving what has been written so far. Throws
// std::runtime_error if the file cannot be created or moved.
void trace_to(const std::string& path);
// The file the trace is going to; empty when tracing is off.
std::string trace_path();
bool tracing_enabled();
// Writes every event recorded so far to the file before returning.
void flush();

}  // namespace weft
