// weft explore's fork server, the side inside the explored program
// (cli/run_server.hpp is the explorer's). A process that has loaded the
// program serves runs of it, each a fork() of itself: a run then does not
// pay for loading the program (the dynamic loader, page tables), which on
// a virtual machine took 11 ms, most of an explored run. Served by
// `weft-scenarios serve NAME` for a scenario, and by weft record's preload
// library, before the program's own constructors, for an unmodified
// program (WEFT_EXPLORE_SERVE_FD names the socket).
//
// The protocol, on the socket (or a pipe's two ends):
//  - a request is the run's seed, then each environment variable the run
//    gets as NAME=VALUE, each field ended by a NUL byte, the request by an
//    empty field: "7\0WEFT_TRACE=a b.weft\0WEFT_EXPLORE=random\0\0";
//  - the server forks; the child sets the variables, puts its standard
//    input, output and errors on /dev/null and goes on to make the run;
//    the server waits for it and answers one line: "exit N" or
//    "signal N", or "failed WHY" if it could not fork;
//  - the end of the requests ends the server.
// A process that already runs more than one thread cannot fork safely (the
// child would have only the forking one): it makes the first run it is
// asked for itself and ends with it, without an answer, which the explorer
// reads as the run's end; the next run gets a new process.
#pragma once

#include <cstdint>

namespace weft::detail::explore {

// Serves runs, reading requests from `in` and answering on `out`, until the
// requests end: then the process exits (status 0; 2, said on standard
// error, for a malformed request). Returns only where a run is to be made,
// in a forked child (or the server itself, see above), with the request's
// variables set: the request's seed.
std::uint64_t serve_forked_runs(int in, int out);

}  // namespace weft::detail::explore
