// Turns a .weft file into a Trace: reads every chunk, checks that ids refer
// to defined records, converts clock ticks to nanoseconds and puts the events
// in their global order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "weft/format/decode.hpp"
#include "weft/format/order.hpp"
#include "weft/format/trace.hpp"
#include "weft/format/trace_file.hpp"

namespace weft::format {

// Loads the whole trace. A truncated file loads up to its last complete chunk
// with Trace::truncated set and a warning saying where it stopped; anything
// else wrong throws format_error.
Trace load_trace(const std::string& path);

// The same, fed chunk by chunk (streaming); load_trace is built on it.
class TraceLoader {
 public:
  explicit TraceLoader(std::string source) : source_(std::move(source)), texts_(trace_.texts) {}
  // texts_ refers to trace_.texts: a copy or move would refer to the original.
  TraceLoader(const TraceLoader&) = delete;
  TraceLoader& operator=(const TraceLoader&) = delete;

  // Optional, before the events: each thread's event count from the file's
  // index, so each thread's stream is allocated once at its final size.
  void expect(const std::vector<IndexEntry>& index, std::uint64_t file_size);
  void add(const ChunkRef& ref, std::span<const unsigned char> payload);
  // `truncation`: why the file ended early, empty if it did not.
  Trace finish(const std::string& truncation);

 private:
  void add_events(const ChunkRef& ref, ByteReader& r);
  TickConversion tick_conversion();
  void check_counts() const;  // what the END record and the index promise, or format_error

  std::string source_;
  Trace trace_;
  TextTable texts_;
  std::vector<std::vector<Event>> per_thread_;
  std::vector<std::uint64_t> expected_;  // events per thread, from the index
  std::vector<std::uint64_t> first_seq_;  // each object's lowest sequence number seen
  std::vector<std::pair<std::uint64_t, std::uint64_t>> clocks_;  // (ticks, monotonic ns)
  std::uint64_t unknown_chunks_ = 0;
  bool have_meta_ = false;
};

}  // namespace weft::format
