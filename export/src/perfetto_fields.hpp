// The field numbers and enum values of Perfetto's trace protos that weft
// writes, as published in github.com/google/perfetto, protos/perfetto/trace/:
//   trace.proto, trace_packet.proto, trace_packet_defaults.proto,
//   clock_snapshot.proto, interned_data/interned_data.proto,
//   track_event/{track_event,track_descriptor,process_descriptor,
//   thread_descriptor,counter_descriptor,debug_annotation,source_location}.proto
// tests/export/perfetto_proto/ holds the same subset as a .proto file, and a
// test decodes weft's output with protoc against it: a number wrong here
// shows there.
#pragma once

#include <cstdint>

namespace weft::exporter::perfetto {

using Field = std::uint32_t;

namespace trace {
constexpr Field kPacket = 1;  // repeated TracePacket
}

namespace packet {  // TracePacket
constexpr Field kTimestamp = 8;
constexpr Field kTrustedPacketSequenceId = 10;
constexpr Field kTrackEvent = 11;
constexpr Field kInternedData = 12;
constexpr Field kSequenceFlags = 13;
constexpr Field kClockSnapshot = 6;
constexpr Field kTracePacketDefaults = 59;
constexpr Field kTrackDescriptor = 60;
constexpr std::uint64_t kSeqIncrementalStateCleared = 1;
constexpr std::uint64_t kSeqNeedsIncrementalState = 2;
}  // namespace packet

namespace defaults {  // TracePacketDefaults, TrackEventDefaults
constexpr Field kTimestampClockId = 58;
constexpr Field kTrackEventDefaults = 11;
constexpr Field kTrackUuid = 11;  // in TrackEventDefaults
}  // namespace defaults

namespace clock_snapshot {  // ClockSnapshot, ClockSnapshot.Clock
constexpr Field kClocks = 1;
constexpr Field kPrimaryTraceClock = 2;
constexpr Field kClockId = 1;
constexpr Field kClockTimestamp = 2;
constexpr Field kIsIncremental = 3;
constexpr std::uint32_t kBoottime = 6;
// Ids 64-127 are the sequence's own clocks.
constexpr std::uint32_t kFirstSequenceClock = 64;
}  // namespace clock_snapshot

namespace track_event {  // TrackEvent
constexpr Field kCategoryIids = 3;
constexpr Field kDebugAnnotations = 4;
constexpr Field kType = 9;
constexpr Field kNameIid = 10;
constexpr Field kTrackUuid = 11;
constexpr Field kCounterValue = 30;
constexpr Field kSourceLocationIid = 34;
constexpr Field kFlowIds = 47;             // fixed64
constexpr Field kTerminatingFlowIds = 48;  // fixed64
enum Type : std::uint64_t { kSliceBegin = 1, kSliceEnd = 2, kInstant = 3, kCounter = 4 };
}  // namespace track_event

namespace debug_annotation {  // DebugAnnotation
constexpr Field kNameIid = 1;
constexpr Field kBoolValue = 2;
constexpr Field kUintValue = 3;
constexpr Field kStringValue = 6;
}  // namespace debug_annotation

namespace interned {  // InternedData, and the entries' {iid = 1, name = 2}
constexpr Field kEventCategories = 1;
constexpr Field kEventNames = 2;
constexpr Field kDebugAnnotationNames = 3;
constexpr Field kSourceLocations = 4;
constexpr Field kIid = 1;
constexpr Field kName = 2;
// SourceLocation: iid = 1, then these.
constexpr Field kFileName = 2;
constexpr Field kFunctionName = 3;
constexpr Field kLineNumber = 4;
}  // namespace interned

namespace descriptor {  // TrackDescriptor, ProcessDescriptor, ThreadDescriptor
constexpr Field kUuid = 1;
constexpr Field kName = 2;
constexpr Field kProcess = 3;
constexpr Field kThread = 4;
constexpr Field kParentUuid = 5;
constexpr Field kCounter = 8;  // CounterDescriptor (left empty: a plain counter)
constexpr Field kPid = 1;                // both Process- and ThreadDescriptor
constexpr Field kTid = 2;                // ThreadDescriptor
constexpr Field kLegacySortIndex = 3;    // ThreadDescriptor
constexpr Field kThreadName = 5;         // ThreadDescriptor
constexpr Field kProcessName = 6;        // ProcessDescriptor
}  // namespace descriptor

}  // namespace weft::exporter::perfetto
