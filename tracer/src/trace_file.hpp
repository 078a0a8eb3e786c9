// How a trace file comes to be at its path: whole, or not at all.
//
// A trace is written first to a file with no name yet, in its path's
// directory (O_TMPFILE; where the file system has none, a temporary name
// beside it). Only once its preamble (header, META, KINDS, CLOCK) is in it
// is the file linked in at its path, so a program killed at any moment
// leaves either no file or one that loads.
//
// Two processes tracing to one path: each holds an exclusive flock on its
// file from creation until it exits. A file found at the path is replaced
// only when its lock can be taken (whoever wrote it has gone) and it is
// still the file at the path; otherwise the path is taken.
//
// Everything here but with_pid is plain system calls on stack buffers: the
// writer opens its file from crash handlers too.
#pragma once

#include <limits.h>

#include <string>

namespace weft::detail {

// A file made in a path's directory and locked for this process, not yet
// at the path.
struct UnpublishedFile {
  int fd = -1;
  char temporary_name[PATH_MAX] = {};  // "" for an O_TMPFILE, which has no name
};

// -1 in `fd`, and errno, when the directory cannot take a file.
UnpublishedFile create_unpublished(const char* path) noexcept;

enum class Published { done, taken, failed };  // failed: errno says why

// Links `file` in at `path`, replacing a trace left there by a process that
// has gone. `taken` when a live process is writing the file at `path`.
Published publish(UnpublishedFile& file, const char* path) noexcept;

// Closes a file that will not be published, and removes its temporary name.
void abandon(UnpublishedFile& file) noexcept;

// The fallback where the directory refuses new files but the file at
// `path` may be written: opened, locked (EWOULDBLOCK when a live process
// holds it) and emptied in place, so a kill before its preamble is written
// leaves it empty.
int open_in_place(const char* path) noexcept;

// Whether another live process is writing a trace at `path`.
bool written_by_another(const char* path) noexcept;

// "dir/prog.weft" -> "dir/prog.<pid>.weft": where a process goes when its
// path is taken.
std::string with_pid(const std::string& path);

}  // namespace weft::detail
