// Packet sequences of a Perfetto trace (the `Trace` message: a stream of
// length-delimited TracePackets, field 1), written to an ostream. A sequence
// owns what its packets share, so the writer above it (perfetto_trace.cpp)
// only says what each track and event is:
//
//   - its id (trusted_packet_sequence_id, on every packet) and flags: the
//     first packet clears the incremental state and sets the defaults;
//     every later packet says it needs that state;
//   - a default track: a sequence per thread track, so that its events do
//     not repeat their track (TrackEventDefaults); an event elsewhere names
//     its track;
//   - time: a sequence clock (id 64) that counts in ns by increments, tied
//     to BOOTTIME = 0 at the trace's start by a ClockSnapshot; each event
//     carries only the nanoseconds since the sequence's previous one
//     (usually 1-2 bytes). An event earlier than the previous one (never,
//     in the writer's order) gets an absolute BOOTTIME stamp instead;
//   - interning: event names, categories, debug annotation names and
//     source locations are written once, in the InternedData of the first
//     packet that uses them, and referred to by iid after that.
//
// Invariant: one packet is open at a time in the whole trace
// (begin_* ... end_packet() on one sequence).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protobuf_writer.hpp"

namespace weft::exporter::perfetto {

// Where the packets go: framed, buffered, counted.
class PacketSink {
 public:
  explicit PacketSink(std::ostream& out) : out_(out) {}
  void append(std::string_view packet);
  // Writes what is buffered; throws std::runtime_error if the stream fails.
  void flush();
  std::uint64_t packets() const { return packets_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::ostream& out_;
  std::string buffer_;
  std::uint64_t packets_ = 0, bytes_ = 0;
};

class PacketSequence {
 public:
  // Writes the sequence's first packets (state cleared, defaults, clock).
  // `id` is not 0; `default_track` 0: none.
  PacketSequence(PacketSink& sink, std::uint32_t id, std::uint64_t default_track = 0);
  PacketSequence(const PacketSequence&) = delete;
  PacketSequence& operator=(const PacketSequence&) = delete;

  // A TrackDescriptor packet: returns the writer inside the descriptor.
  protobuf::Writer& begin_descriptor();
  // A TrackEvent packet at `ts_ns` (since the trace started) on `track`:
  // returns the writer inside the TrackEvent, its track written if needed.
  protobuf::Writer& begin_event(std::uint64_t ts_ns, std::uint64_t track);
  void end_packet();

  // The iid of each interned string, new ones queued for the open packet.
  std::uint64_t name(std::string_view s) { return intern(names_, kNames, s); }
  std::uint64_t category(std::string_view s) { return intern(categories_, kCategories, s); }
  std::uint64_t annotation_name(std::string_view s) { return intern(annotation_names_, kAnnotationNames, s); }
  // Source locations are weft's own interned sites: the iid is the site id
  // (never 0, "unknown", which the caller leaves out).
  std::uint64_t source_location(std::uint32_t site, std::string_view file, std::string_view function,
                                std::uint32_t line);

 private:
  enum Table : std::uint8_t { kNames, kCategories, kAnnotationNames };
  std::uint64_t intern(std::unordered_map<std::string, std::uint64_t>& table, Table which, std::string_view s);
  void begin_packet();

  PacketSink& sink_;
  const std::uint32_t id_;
  const std::uint64_t default_track_;
  std::string packet_;    // the open packet's fields, but its interned data
  std::string interned_;  // the open packet's InternedData body
  protobuf::Writer packet_writer_{packet_};
  static constexpr std::size_t kNoBody = std::string::npos;
  std::size_t body_ = kNoBody;  // the open descriptor's or event's nested token
  std::uint64_t last_ns_ = 0;
  std::unordered_map<std::string, std::uint64_t> names_, categories_, annotation_names_;
  std::vector<bool> sites_;  // by site id: interned yet
};

}  // namespace weft::exporter::perfetto
