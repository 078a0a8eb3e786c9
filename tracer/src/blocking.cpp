#include "weft/detail/blocking.hpp"

#include <string>

#include "flush_lock.hpp"
#include "runtime.hpp"
#include "weft/detail/registry.hpp"

namespace weft::detail {

void on_self_deadlock(std::uint32_t mutex) {
  Runtime& rt = Runtime::get();
  if (!rt.enabled()) return;  // no watchdog: it blocks, as std::mutex would
  rt.watchdog().act("self-deadlock: " + rt.registry().thread_name(current_thread_id()) + " locks " + object_name(mutex) +
                    ", which it already holds");
}

void watchdog_ignore_current_thread() { Runtime::get().watchdog().ignore_thread(os_thread_id()); }

}  // namespace weft::detail
