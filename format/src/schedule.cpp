#include "weft/format/schedule.hpp"

namespace weft::format {

void encode_schedule_settings(ByteWriter& w, const Schedule& s) noexcept {
  w.u8(static_cast<std::uint8_t>(ScheduleRecord::Settings));
  w.string(s.strategy);
  w.varint(s.seed);
  w.varint(s.depth);
  w.varint(s.horizon);
  w.varint(s.bound);
  w.varint(s.steps);
  w.varint(s.virtual_ns);
  w.varint(s.quantum_ns);
  w.u8(static_cast<std::uint8_t>(s.stop));
  w.string(s.stopped);
  w.u8((s.enabled_recorded ? 1 : 0) | (s.early_timers ? 2 : 0));
}

void encode_schedule_decision(ByteWriter& w, const ScheduleDecision& d, bool with_enabled) noexcept {
  w.u8(static_cast<std::uint8_t>(ScheduleRecord::Decision));
  w.varint(d.chosen);
  w.varint(d.previous);
  if (!with_enabled) return;
  w.varint(d.enabled.size());
  for (std::uint32_t t : d.enabled) w.varint(t);
}

void decode_schedule(ByteReader& r, Schedule& s) {
  constexpr std::uint64_t kMaxThread = 0xffffffffu;
  while (!r.empty()) {
    const auto tag = static_cast<ScheduleRecord>(r.u8("schedule record"));
    if (tag == ScheduleRecord::Settings) {
      s.strategy = std::string(r.string("strategy"));
      s.seed = r.varint("seed");
      s.depth = static_cast<std::uint32_t>(r.varint_max("depth", kMaxThread));
      s.horizon = r.varint("horizon");
      s.bound = static_cast<std::uint32_t>(r.varint_max("bound", kMaxThread));
      s.steps = r.varint("steps");
      s.virtual_ns = r.varint("virtual time");
      s.quantum_ns = r.varint("quantum");
      const std::uint8_t stop = r.u8("stop");
      if (stop > static_cast<std::uint8_t>(ScheduleStop::Deadline)) r.fail("stop", "unknown reason " + std::to_string(stop));
      s.stop = static_cast<ScheduleStop>(stop);
      s.stopped = std::string(r.string("stopped"));
      const std::uint8_t flags = r.u8("schedule flags");
      s.enabled_recorded = (flags & 1) != 0;
      s.early_timers = (flags & 2) != 0;
    } else if (tag == ScheduleRecord::Decision) {
      ScheduleDecision d;
      d.chosen = static_cast<std::uint32_t>(r.varint_max("chosen thread", kMaxThread));
      d.previous = static_cast<std::uint32_t>(r.varint_max("previous thread", kMaxThread));
      if (s.enabled_recorded) {
        const std::uint64_t n = r.varint_max("enabled threads", r.remaining());
        d.enabled.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i)
          d.enabled.push_back(static_cast<std::uint32_t>(r.varint_max("enabled thread", kMaxThread)));
      }
      s.decisions.push_back(std::move(d));
    } else {
      r.fail("schedule record", "unknown tag " + std::to_string(static_cast<unsigned>(tag)));
    }
  }
}

}  // namespace weft::format
