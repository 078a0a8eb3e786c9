// The counter tracks: how many items each queue holds, reconstructed from
// its puts and gets (one more per put, one fewer per get), and each
// semaphore's value, which acquired/released record after the operation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "weft/format/trace.hpp"

namespace weft::exporter {

struct CounterSample {
  std::uint32_t object = 0;
  std::uint64_t value = 0;
};

// What one event changes: nothing, a new value, the starting value (at the
// object's creation), or on an object's first counted event with no
// creation before it, the starting value followed by the new one.
struct CounterStep {
  std::array<CounterSample, 2> samples{};
  std::size_t count = 0;
};

class Counters {
 public:
  explicit Counters(const format::Trace& trace) : trace_(trace) {}
  CounterStep step(const format::Event& e);

  // The series name a counter's value is shown under.
  static std::string_view series(format::ObjectKind kind) {
    return kind == format::ObjectKind::Queue ? "depth" : "value";
  }

 private:
  std::uint64_t start_value(std::uint32_t object) const;

  const format::Trace& trace_;
  std::unordered_map<std::uint32_t, std::uint64_t> value_;  // by object
};

}  // namespace weft::exporter
