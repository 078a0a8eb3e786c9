// A run: the traces of the processes of one program run (weft::process,
// traced_fork, weft record -f), read as ONE trace with one timeline.
//
// Each process writes its own file; the first process's file is the run's
// name ("x.weft") and every other process writes "<stem>.<pid>.weft" beside
// it (the stem of the FIRST trace, grandchildren too). A file's META says
// its run id and its parent's pid; a process.spawn event (arg: the child's
// pid) in a parent's trace says which child files to expect.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::format {

// Merges the traces of one run's processes into one Trace; members[0] is the
// run's first process, each member as load_trace returned it (one
// ProcessInfo each), already symbolized. One member comes back unchanged.
//
// Ids are remapped: threads (a child keeps only the threads with events in
// its own trace: its thread table inherits the parent's), objects (one
// object per run-wide shared key, the first member's record winning; an
// object without a key stays one per process, even where ids coincide: a
// mutex made before a fork is two mutexes after it), sites (deduplicated by
// file, line, function and address), texts and modules. Times are moved to
// the first member's clock (see run.cpp), and the events of all members are
// put in one order by format::merge_in_order: program order per thread and
// sequence order per object (a shared object's sequence numbers come from
// one counter in shared memory, so they compare across processes). Every
// warning of a member is prefixed with its process.
Trace merge_run(std::vector<Trace> members);

// Reads one member trace (a file path to a Trace); symbolize::load_trace
// passes one that also symbolizes it.
using MemberLoader = std::function<Trace(const std::string& path)>;

// Loads what the user named as a run and merges it:
//  - one file: that trace plus, when it started processes (process.spawn),
//    their files "<stem>.<pid>.weft" beside it, recursively;
//  - one directory: every *.weft file in it of one run (several runs in it:
//    format_error naming them); the file whose META has no parent is first;
//  - several files: exactly those, which must share one run id.
// A member that is missing, or fails to load, is skipped with one warning
// naming its file and process; the first trace (or an explicitly named file)
// failing to load throws, as load_trace does. A single trace comes back as
// `load` returned it.
Trace load_run(const std::vector<std::string>& paths, const MemberLoader& load);

// How a process ended, in a few words: "exit 0", "signal 9", "uncaught
// exception", "stopped by the watchdog", "truncated" (its file ends early),
// "did not finish" (no end record: killed, exec'd or still running).
std::string process_ending(const ProcessInfo& process);

// "<stem>.<pid>.weft" for the first trace `root` ("x.weft" -> "x.1234.weft").
std::string member_trace_path(const std::string& root, std::uint64_t pid);

// The files beside the first trace `root` named as its members are
// ("x.1234.weft", whatever process wrote them), by pid: a run's whole set,
// to move or remove with it.
std::map<std::uint64_t, std::string> member_trace_files(const std::string& root);

}  // namespace weft::format
