#include "weft/tracing.hpp"

#include "runtime.hpp"

namespace weft {

void trace_to(const std::string& path) { detail::Runtime::get().retarget(path); }
std::string trace_path() { return detail::Runtime::get().trace_path(); }
bool tracing_enabled() { return detail::Runtime::get().enabled(); }
void flush() { detail::Runtime::get().flush(); }

}  // namespace weft
