#include "weft/stop.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "runtime.hpp"
#include "weft/detail/event_buffer.hpp"

namespace weft {

namespace detail {

void stop_process(std::string_view why) {
  // One stop reports and exits; a second one at the same moment (two
  // threads, the watchdog and a deadline) waits for the first to end the
  // process, rather than exit while the first is writing the trace's end.
  static std::atomic<bool> stopping{false};
  if (stopping.exchange(true)) {
    for (;;) ::pause();
  }
  detail::emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0,
                    std::string("weft stopped the program: ") + std::string(why), source_site{});
  detail::Runtime& rt = detail::Runtime::get();
  rt.finish(format::EndReason::Watchdog, kStoppedExitStatus);
  const std::string path = rt.trace_path();
  std::fprintf(stderr, "weft: stopped the program: %.*s%s%s\n", static_cast<int>(why.size()), why.data(),
               path.empty() ? "" : "; trace: ", path.c_str());
  std::fflush(stderr);
  std::fflush(stdout);
  ::_exit(kStoppedExitStatus);
}

}  // namespace detail

void stop_program(std::string_view why) {
  // A process of a run of several stops them all and does not come back;
  // alone on the run's board, it stops alone.
  detail::Runtime& rt = detail::Runtime::get();
  if (rt.enabled()) rt.watchdog().stop_run(std::string(why));
  detail::stop_process(why);
}

}  // namespace weft
