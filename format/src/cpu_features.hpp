// What the CPU offers beyond the x86-64 baseline the build targets, asked
// once at run time, for the few loops that have a faster form (checksums,
// packing events).
#pragma once

namespace weft::format {

#if defined(__x86_64__)
// SSE4.2, and with it SSSE3 and SSE4.1 (every x86-64 CPU since 2008-2011).
// Async-signal-safe: the tracer checksums from its crash handlers.
bool have_sse42() noexcept;
#endif

}  // namespace weft::format
