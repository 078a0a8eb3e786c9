#include "perfetto_packets.hpp"

#include <ostream>
#include <stdexcept>

#include "perfetto_fields.hpp"

namespace weft::exporter::perfetto {

namespace {

constexpr std::uint32_t kClock = clock_snapshot::kFirstSequenceClock;
constexpr std::size_t kFlushBytes = 1 << 20;

}  // namespace

void PacketSink::append(std::string_view packet) {
  protobuf::Writer frame(buffer_);
  frame.bytes(trace::kPacket, packet);
  ++packets_;
  if (buffer_.size() >= kFlushBytes) flush();
}

void PacketSink::flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  bytes_ += buffer_.size();
  buffer_.clear();
  if (!out_) throw std::runtime_error("the Perfetto trace could not be written");
}

PacketSequence::PacketSequence(PacketSink& sink, std::uint32_t id, std::uint64_t default_track)
    : sink_(sink), id_(id), default_track_(default_track) {
  // Cleared state and the defaults every later packet relies on.
  packet_writer_.varint(packet::kSequenceFlags, packet::kSeqIncrementalStateCleared);
  const std::size_t defaults = packet_writer_.begin_nested(packet::kTracePacketDefaults);
  packet_writer_.varint(defaults::kTimestampClockId, kClock);
  if (default_track) {
    const std::size_t track_event = packet_writer_.begin_nested(defaults::kTrackEventDefaults);
    packet_writer_.varint(defaults::kTrackUuid, default_track);
    packet_writer_.end_nested(track_event);
  }
  packet_writer_.end_nested(defaults);
  end_packet();

  // The sequence clock starts where BOOTTIME is 0, and counts increments.
  begin_packet();
  const std::size_t snapshot = packet_writer_.begin_nested(packet::kClockSnapshot);
  for (const std::uint32_t clock_id : {clock_snapshot::kBoottime, kClock}) {
    const std::size_t clock = packet_writer_.begin_nested(clock_snapshot::kClocks);
    packet_writer_.varint(clock_snapshot::kClockId, clock_id);
    packet_writer_.varint(clock_snapshot::kClockTimestamp, 0);
    if (clock_id == kClock) packet_writer_.varint(clock_snapshot::kIsIncremental, 1);
    packet_writer_.end_nested(clock);
  }
  packet_writer_.varint(clock_snapshot::kPrimaryTraceClock, clock_snapshot::kBoottime);
  packet_writer_.end_nested(snapshot);
  end_packet();
}

void PacketSequence::begin_packet() {
  packet_writer_.varint(packet::kSequenceFlags, packet::kSeqNeedsIncrementalState);
}

protobuf::Writer& PacketSequence::begin_descriptor() {
  begin_packet();
  body_ = packet_writer_.begin_nested(packet::kTrackDescriptor);
  return packet_writer_;
}

protobuf::Writer& PacketSequence::begin_event(std::uint64_t ts_ns, std::uint64_t track) {
  begin_packet();
  if (ts_ns >= last_ns_) {
    packet_writer_.varint(packet::kTimestamp, ts_ns - last_ns_);
    last_ns_ = ts_ns;
  } else {  // BOOTTIME is the trace's time (the snapshot ties the two at 0)
    packet_writer_.varint(packet::kTimestamp, ts_ns);
    packet_writer_.varint(defaults::kTimestampClockId, clock_snapshot::kBoottime);
  }
  body_ = packet_writer_.begin_nested(packet::kTrackEvent);
  if (track != default_track_) packet_writer_.varint(track_event::kTrackUuid, track);
  return packet_writer_;
}

void PacketSequence::end_packet() {
  if (body_ != kNoBody) packet_writer_.end_nested(body_);
  body_ = kNoBody;
  packet_writer_.varint(packet::kTrustedPacketSequenceId, id_);
  if (!interned_.empty()) {
    packet_writer_.bytes(packet::kInternedData, interned_);
    interned_.clear();
  }
  sink_.append(packet_);
  packet_.clear();
}

std::uint64_t PacketSequence::intern(std::unordered_map<std::string, std::uint64_t>& table, Table which,
                                     std::string_view s) {
  static constexpr Field kField[] = {interned::kEventNames, interned::kEventCategories,
                                     interned::kDebugAnnotationNames};
  const auto [it, added] = table.try_emplace(std::string(s), table.size() + 1);
  if (added) {
    protobuf::Writer w(interned_);
    const std::size_t entry = w.begin_nested(kField[which]);
    w.varint(interned::kIid, it->second);
    w.bytes(interned::kName, s);
    w.end_nested(entry);
  }
  return it->second;
}

std::uint64_t PacketSequence::source_location(std::uint32_t site, std::string_view file, std::string_view function,
                                              std::uint32_t line) {
  if (site >= sites_.size()) sites_.resize(site + 1);
  if (!sites_[site]) {
    sites_[site] = true;
    protobuf::Writer w(interned_);
    const std::size_t entry = w.begin_nested(interned::kSourceLocations);
    w.varint(interned::kIid, site);
    if (!file.empty()) w.bytes(interned::kFileName, file);
    if (!function.empty()) w.bytes(interned::kFunctionName, function);
    if (line) w.varint(interned::kLineNumber, line);
    w.end_nested(entry);
  }
  return site;
}

}  // namespace weft::exporter::perfetto
