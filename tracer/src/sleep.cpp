#include "weft/sleep.hpp"

#include <thread>

#include "weft/detail/blocking.hpp"
#include "weft/detail/explore.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

void recorded_sleep(std::chrono::nanoseconds planned, void (*sleep)(const void*), const void* arg,
                    const source_site& site) {
  const auto ns = planned.count() > 0 ? static_cast<std::uint64_t>(planned.count()) : 0;
  sync_point(format::EventKind::SleepBegin, 0, format::kNoSeq, ns, site);
  {
    blocked_scope blocked(format::EventKind::SleepBegin, 0, true);
    if (exploring())
      explore::sleep_for(planned);  // virtual time: it costs nothing
    else
      sleep(arg);
  }
  sync_point(format::EventKind::SleepEnd, 0, format::kNoSeq, 0, site);
}

void sleep_ns(std::chrono::nanoseconds duration, const source_site& site) {
  recorded_sleep(
      duration, [](const void* d) { std::this_thread::sleep_for(*static_cast<const std::chrono::nanoseconds*>(d)); },
      &duration, site);
}

}  // namespace weft::detail
