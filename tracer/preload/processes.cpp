// fork(). The runtime decides what a child does (runtime.cpp: without -f it
// records nothing, with -f it traces on into its own file); the wrapper
// runs fork() as weft's own call, so that the threads the runtime starts
// again in a followed child (writer, watchdog) are weft's, and marks the
// moment in both traces.
#include <unistd.h>

#include <string>

#include "lock_events.hpp"
#include "real.hpp"

namespace weft::preload {
namespace {

void note(std::uint32_t site, const std::string& text) {
  weft::detail::ThreadBuffer* b = weft::detail::current_buffer();
  weft::detail::emit_text_interned(static_cast<std::uint8_t>(format::EventKind::Log), b->thread_object, text, site);
}

}  // namespace

void reset_locks_in_child() noexcept {
  reset_module_lock_in_child();
  reset_thread_table_lock_in_child();
}

}  // namespace weft::preload

using namespace weft::preload;

extern "C" pid_t fork() noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.fork.get()());
  const busy_scope busy;
  const std::uint32_t site = site_of(__builtin_return_address(0));
  const pid_t parent = ::getpid();
  const pid_t pid = next.fork.get()();
  if (pid > 0) note(site, "fork(): child process " + std::to_string(pid));
  if (pid == 0) {
    reset_locks_in_child();
    note(site, "fork(): this process, a child of " + std::to_string(parent));
  }
  return pid;
}
