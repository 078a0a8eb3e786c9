// The one way weft's process primitives start a child: fork(), with the
// child tracing on into its own file of the run ("<stem>.<pid>.weft" beside
// the first process's trace), every thread, object and site known so far
// carried over, its META naming the run, its parent and `child_name`.
#pragma once

#include <sys/types.h>

#include <string>

namespace weft::detail {

// As fork(2): the child's pid in the parent, 0 in the child, -1 with errno.
pid_t traced_fork(const std::string& child_name);

}  // namespace weft::detail
