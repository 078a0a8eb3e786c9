// Whether a word of memory is shared with other processes: in a MAP_SHARED
// mapping (shared anonymous memory, a shm or memfd file, a file mapped
// shared). A futex wait on such a word may be ended by another process, so
// the watchdog must not call it a hang of this process alone.
//
// The futex's own flag cannot tell: libstdc++ 12 as Debian builds it waits
// without FUTEX_PRIVATE_FLAG on private memory too (std::latch,
// std::counting_semaphore), and a process-shared word may be waited on with
// it by a program that knows better.
#pragma once

namespace weft::preload {

// Reads /proc/self/maps: a few tens of microseconds, so callers ask once
// per object. An address in no mapping, or a maps file that cannot be
// read, is taken as private.
bool in_shared_mapping(const void* address) noexcept;

}  // namespace weft::preload
