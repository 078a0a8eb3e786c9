#include "weft/sleep.hpp"

#include <thread>

#include "weft/detail/blocking.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

void sleep_ns(std::chrono::nanoseconds duration, const source_site& site) {
  const auto ns = duration.count() > 0 ? static_cast<std::uint64_t>(duration.count()) : 0;
  sync_point(format::EventKind::SleepBegin, 0, format::kNoSeq, ns, site);
  {
    blocked_scope blocked(format::EventKind::SleepBegin, 0, true);
    std::this_thread::sleep_for(duration);
  }
  sync_point(format::EventKind::SleepEnd, 0, format::kNoSeq, 0, site);
}

}  // namespace weft::detail
