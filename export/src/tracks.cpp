#include "tracks.hpp"

namespace weft::exporter {

Tracks::Tracks(const format::Trace& trace, const std::vector<std::uint32_t>& lanes)
    : pid_(trace.info.pid ? trace.info.pid : 1), extra_base_(trace.threads.size()) {
  std::uint64_t next_extra = trace.threads.size() + 1;
  // Room for every lane of a thread between it and the next in sort order.
  constexpr std::uint64_t kSortStride = 1000;
  for (std::uint32_t t = 0; t < trace.threads.size(); ++t) {
    std::string name = trace.threads[t].name.empty() ? "thread " + std::to_string(t) : trace.threads[t].name;
    // A run of several processes is drawn as one Chrome process (one pid:
    // the arrows between them stay within it): each thread says whose it is.
    if (const std::uint32_t p = trace.threads[t].process; trace.processes.size() > 1 && p < trace.processes.size())
      name += " [" + trace.processes[p].name + " " + std::to_string(trace.processes[p].pid) + "]";
    tracks_.push_back({std::uint64_t{t} + 1, name, t * kSortStride});
    extra_base_[t] = next_extra;
    const std::uint32_t count = t < lanes.size() ? lanes[t] : 1;
    for (std::uint32_t lane = 1; lane < count; ++lane)
      tracks_.push_back({next_extra++, name + " (overlap " + std::to_string(lane) + ")",
                         t * kSortStride + lane});
  }
}

}  // namespace weft::exporter
