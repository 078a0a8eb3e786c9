// `weft-scenarios serve NAME`: a fork server for weft explore. Started once
// per job, it has loaded the program and found the scenario; each run it is
// asked for is a fork() of it, not a new process loaded from disk (on a
// virtual machine where starting a process costs 11 ms, that start was
// what an explored run took).
//
// The protocol, on the server's standard input and output:
//  - a request is the run's seed, then each environment variable the run
//    gets as NAME=VALUE, each field ended by a NUL byte, the request by an
//    empty field: "7\0WEFT_TRACE=a b.weft\0WEFT_EXPLORE=random\0\0";
//  - the server forks; the child sets the variables, sends its output and
//    errors to /dev/null and runs the scenario (`run NAME --seed SEED`
//    with that environment); the server waits for it and answers one line:
//    "exit N" or "signal N" (how the run ended), or "failed WHY" if it
//    could not fork;
//  - the end of its input (the explorer closed it, or died) ends it.
// The server itself never starts weft's runtime: each run starts its own,
// in the child, reading the variables it was given.
#pragma once

#include "catalog.hpp"

namespace weft::scenarios {

// Serves runs of `s` until its input ends; returns the exit status (0, or
// 2 if the input was not a well-formed request).
int serve(const scenario& s);

}  // namespace weft::scenarios
