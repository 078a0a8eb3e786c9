// Symbols for traces recorded from unmodified programs (`weft record`).
//
// Such a trace knows its sites by return address and some of its objects by
// address, plus the modules (executable, shared libraries) that were mapped,
// each with its load bias, address range, path and build id. resolve() reads
// those modules' ELF files and DWARF with libdw and fills in what the
// compile-time sites of weft's own primitives carry from the start:
// file:line and function for sites, a readable name for objects.
//
// A trace without modules (every trace of weft's own primitives) is left as
// it is, at no cost.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "weft/format/loader.hpp"
#include "weft/format/trace.hpp"

namespace weft::symbolize {

struct Stats {
  std::size_t sites = 0;           // sites with an address that still needed symbols
  std::size_t sites_resolved = 0;  // ... of which debug info gave a file:line
  std::size_t objects_named = 0;   // objects with an address given a name (symbol or creation site)
  std::vector<std::string> missing_modules;  // paths not found, or whose build id differs; each once
};

// Symbolizes the trace in place. Sites: every site with an address and no
// file yet becomes "file:line (function)" from debug info; without debug info
// "module+0xoffset", with the function from the symbol table when there is
// one; outside every module "0x<address>". Objects: every object with an
// address is named by the global variable that holds it ("lock_a",
// "Cache::mu_", "table+16"), or else by its kind and creation site
// ("mutex@worker.cpp:42"). Never throws for bad or missing files.
Stats resolve(format::Trace& trace);

// format::load_trace, then resolve(). Modules that could not be used add one
// warning to trace.warnings. Throws what format::load_trace throws.
// `path` may name a run (format/run.hpp): the first process's trace (the
// files of the processes it started are found beside it and merged in) or a
// directory of one run's traces; a trace that started no process loads as
// it always did.
format::Trace load_trace(const std::string& path);
// The same, each member file loaded with `options` (its progress hook, say).
format::Trace load_trace(const std::string& path, const format::LoadOptions& options);

// A run named by several trace files (or one path, as load_trace): each
// member loaded and symbolized, then merged into one trace
// (format::load_run). Throws format_error when they are not of one run.
format::Trace load_run(const std::vector<std::string>& paths);
format::Trace load_run(const std::vector<std::string>& paths, const format::LoadOptions& options);

}  // namespace weft::symbolize
