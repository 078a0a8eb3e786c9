// A wrapper's site: the return address of its caller, interned once per
// address as a site the reader symbolizes (file:line function).
//
// A call that comes from inside the C++ or C runtime (the wait inside
// std::condition_variable::wait, the pthread_create inside std::thread) is
// attributed to the first frame outside those libraries, so the user sees
// their own line. That takes an unwind, done only for such calls; the
// common case, a return address in the program itself (std::mutex::lock is
// inlined into the caller), is a look-up in a small per-thread cache.
#pragma once

#include <cstdint>

namespace weft::preload {

std::uint32_t site_of(const void* return_address) noexcept;

}  // namespace weft::preload
