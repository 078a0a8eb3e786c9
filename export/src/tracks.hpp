// Which Chrome (pid, tid) each weft thread and lane is drawn on. The pid is
// the traced process's; tids are weft's own dense thread ids + 1 (OS tids
// can be reused by threads that do not overlap, which would merge their
// tracks), and the extra lanes of a thread (slices.hpp) get tids after all
// the threads', sorted just under their thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weft/format/trace.hpp"

namespace weft::exporter {

struct Track {
  std::uint64_t tid = 0;
  std::string name;
  std::uint64_t sort_index = 0;
};

class Tracks {
 public:
  Tracks(const format::Trace& trace, const std::vector<std::uint32_t>& lanes);

  std::uint64_t pid() const { return pid_; }
  std::uint64_t tid(std::uint32_t thread, std::uint32_t lane) const {
    return lane == 0 || thread >= extra_base_.size() ? std::uint64_t{thread} + 1 : extra_base_[thread] + lane - 1;
  }
  const std::vector<Track>& all() const { return tracks_; }

 private:
  std::uint64_t pid_ = 1;
  std::vector<std::uint64_t> extra_base_;  // by thread: the tid of its lane 1
  std::vector<Track> tracks_;
};

}  // namespace weft::exporter
