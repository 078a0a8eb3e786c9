// What two runs of one schedule must share: `weft dump --no-header`'s text
// without what differs whatever the schedule, the OS thread ids and the
// padding after them (an id of 6 digits pads its column one space less
// than one of 5).
#pragma once

#include <regex>
#include <string>

namespace weft::test {

inline std::string without_thread_ids(const std::string& dump) {
  return std::regex_replace(dump, std::regex("tid=[0-9]+ *"), "tid=N ");
}

}  // namespace weft::test
