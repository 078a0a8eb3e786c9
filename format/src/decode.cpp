#include "weft/format/decode.hpp"

#include <algorithm>
#include <new>

#include "fast_decode.hpp"

namespace weft::format {

void decode_meta(ByteReader& r, TraceInfo& info) {
  while (!r.empty()) {
    const std::uint64_t key = r.varint("meta key");
    const std::uint8_t type = r.u8("meta type");
    std::uint64_t u = 0;
    double f = 0;
    std::string_view s;
    switch (static_cast<MetaType>(type)) {
      case MetaType::Uint: u = r.varint("meta value"); break;
      case MetaType::String: s = r.string("meta value"); break;
      case MetaType::F64: f = r.f64("meta value"); break;
      default: r.fail("meta type", "unknown type " + std::to_string(type));
    }
    // Keys this build does not know are skipped: newer writers may add some.
    if (key > 0xff) continue;
    switch (static_cast<MetaKey>(key)) {
      case MetaKey::Program: info.program = s; break;
      case MetaKey::Argument: info.command_line.emplace_back(s); break;
      case MetaKey::Pid: info.pid = u; break;
      case MetaKey::StartWallNs: info.start_wall_ns = u; break;
      case MetaKey::ClockName: info.clock_name = s; break;
      case MetaKey::TicksPerSecond: info.ticks_per_second = f; break;
      case MetaKey::StartTicks: info.start_ticks = u; break;
      case MetaKey::WeftVersion: info.weft_version = s; break;
      case MetaKey::Hostname: info.hostname = s; break;
      case MetaKey::RunId: info.run_id = u; break;
      case MetaKey::ParentPid: info.parent_pid = u; break;
      case MetaKey::ProcessName: info.process_name = s; break;
      case MetaKey::RunRoot: info.run_root = s; break;
    }
  }
}

std::vector<KindInfo> decode_kind_table(ByteReader& r) {
  std::vector<KindInfo> kinds(kMaxKindCode + 1);
  while (!r.empty()) {
    const std::uint8_t code = r.u8("kind code");
    const std::uint8_t layout = r.u8("kind layout");
    const std::string_view name = r.string("kind name");
    if (code == 0 || code > kMaxKindCode) r.fail("kind code", "out of range: " + std::to_string(code));
    if (layout & ~kLayoutAll) r.fail("kind layout", "unknown field bits");
    if ((layout & kLayoutArg) && (layout & kLayoutText)) r.fail("kind layout", "text kinds keep their text in arg");
    if (name.empty()) r.fail("kind name", "empty");
    // Names live in the builtin table when this build knows the kind, so the
    // views stay valid; kinds it does not know are all named "unknown".
    const KindInfo& builtin = builtin_kind(code);
    if (!builtin.name.empty() && builtin.layout != layout)
      r.fail("kind layout", "kind " + printable(name) + " has a layout this build cannot read");
    kinds[code] = KindInfo{builtin.name.empty() ? std::string_view("unknown") : builtin.name, layout};
  }
  return kinds;
}

ThreadInfo decode_thread(ByteReader& r) {
  ThreadInfo t;
  t.id = static_cast<std::uint32_t>(r.varint_max("thread id", UINT32_MAX));
  t.os_tid = r.varint("os tid");
  const std::uint64_t parent = r.varint_max("parent", UINT32_MAX);
  if (parent) t.parent = static_cast<std::uint32_t>(parent - 1);
  t.object = static_cast<std::uint32_t>(r.varint_max("thread object", UINT32_MAX));
  t.flags = r.u8("thread flags");
  t.name = r.string("thread name");
  return t;
}

ObjectInfo decode_object(ByteReader& r, NameStore& names) {
  ObjectInfo o;
  o.id = static_cast<std::uint32_t>(r.varint_max("object id", UINT32_MAX));
  const std::uint8_t kind = r.u8("object kind");
  if (object_kind_name(static_cast<ObjectKind>(kind)).empty())
    r.fail("object kind", "unknown kind " + std::to_string(kind));
  o.kind = static_cast<ObjectKind>(kind);
  o.flags = r.u8("object flags");
  o.site = static_cast<std::uint32_t>(r.varint_max("object site", UINT32_MAX));
  o.creator = static_cast<std::uint32_t>(r.varint_max("object creator", UINT32_MAX));
  o.extra = r.varint("object extra");
  o.name = names.keep(r.string("object name"));
  return o;
}

SiteInfo decode_site(ByteReader& r) {
  SiteInfo s;
  s.id = static_cast<std::uint32_t>(r.varint_max("site id", UINT32_MAX));
  s.line = static_cast<std::uint32_t>(r.varint_max("site line", UINT32_MAX));
  s.file = r.string("site file");
  s.function = r.string("site function");
  return s;
}

ModuleInfo decode_module(ByteReader& r) {
  ModuleInfo m;
  m.id = static_cast<std::uint32_t>(r.varint_max("module id", UINT32_MAX));
  m.base = r.varint("module base");
  m.low = r.varint("module low");
  m.high = r.varint("module high");
  if (m.high < m.low) r.fail("module range", "ends before it begins");
  m.path = r.string("module path");
  m.build_id = r.string("module build id");
  return m;
}

AddressRecord decode_address(ByteReader& r) {
  AddressRecord a;
  const std::uint8_t of = r.u8("address of");
  if (of != static_cast<std::uint8_t>(AddressOf::Site) && of != static_cast<std::uint8_t>(AddressOf::Object))
    r.fail("address of", "unknown target " + std::to_string(of));
  a.of = static_cast<AddressOf>(of);
  a.id = static_cast<std::uint32_t>(r.varint_max("address id", UINT32_MAX));
  a.address = r.varint("address");
  return a;
}

SharedKeyRecord decode_shared_key(ByteReader& r) {
  SharedKeyRecord k;
  k.object = static_cast<std::uint32_t>(r.varint_max("shared key object", UINT32_MAX));
  k.key = r.varint("shared key");
  return k;
}

std::pair<std::uint64_t, std::uint64_t> decode_clock(ByteReader& r) {
  const std::uint64_t ticks = r.u64("clock ticks");
  const std::uint64_t ns = r.u64("clock ns");
  return {ticks, ns};
}

IndexEntry decode_index_entry(ByteReader& r) {
  IndexEntry e;
  e.offset = r.u64("index offset");
  e.thread = static_cast<std::uint32_t>(r.varint_max("index thread", UINT32_MAX));
  e.count = static_cast<std::uint32_t>(r.varint_max("index count", UINT32_MAX));
  e.first_ticks = r.u64("index first ticks");
  e.last_ticks = r.u64("index last ticks");
  return e;
}

EventChunkHeader decode_event_chunk_header(ByteReader& r) {
  EventChunkHeader h;
  h.thread = static_cast<std::uint32_t>(r.varint_max("thread", UINT32_MAX));
  h.count = r.u32("event count");
  h.first_ticks = r.u64("first ticks");
  // Every event takes at least 3 bytes (kind, delta, site).
  if (h.count > r.remaining() / 3) r.fail("event count", std::to_string(h.count) + " events cannot fit the chunk");
  return h;
}

std::uint64_t TextTable::intern(std::string_view s) {
  auto [it, added] = index_.try_emplace(std::string(s), texts_.size());
  if (added) texts_.emplace_back(s);
  return it->second;
}

namespace {

// One decoder for both callers: `put` stores each event as it is complete.
template <class Texts, class Put>
void decode_events_with(ByteReader& r, const EventChunkHeader& h, const std::vector<KindInfo>& kinds,
                        const IdLimits& limits, Texts& texts, Put put) {
  std::uint64_t ticks = h.first_ticks;
  for (std::uint32_t i = 0; i < h.count; ++i) {
    Event e;
    e.thread = h.thread;
    std::uint8_t code = r.u8("event kind");
    if (code & kKindFlagsFollow) {
      code &= ~kKindFlagsFollow;
      e.flags = r.u8("event flags");
    }
    const std::uint8_t layout = kinds[code].layout;
    if (kinds[code].name.empty()) r.fail("event kind", "code " + std::to_string(code) + " is not in the file's kind table");
    e.kind = static_cast<EventKind>(code);
    ticks += static_cast<std::uint64_t>(unzigzag(r.varint("event time")));
    e.time_ns = ticks;
    if (layout & kLayoutObject) {
      e.object = static_cast<std::uint32_t>(r.varint_max("event object", UINT32_MAX));
      if (e.object == 0 || e.object >= limits.objects)
        r.fail("event object", "refers to object " + std::to_string(e.object) + ", which the trace never defined");
    }
    if (layout & kLayoutSeq) {
      const std::uint64_t s = r.varint("event seq");
      e.seq = s == 0 ? kNoSeq : s - 1;
    }
    e.site = static_cast<std::uint32_t>(r.varint_max("event site", UINT32_MAX));
    if (e.site >= limits.sites)
      r.fail("event site", "refers to site " + std::to_string(e.site) + ", which the trace never defined");
    if (layout & kLayoutArg) e.arg = r.varint("event arg");
    if (layout & kLayoutText) e.arg = texts.intern(r.string("event text"));
    put(i, e);
  }
  if (!r.empty()) r.fail("events", std::to_string(r.remaining()) + " bytes left after the last event");
}

}  // namespace

void decode_events(ByteReader& r, const EventChunkHeader& h, const std::vector<KindInfo>& kinds,
                   const IdLimits& limits, TextTable& texts, std::vector<Event>& out) {
  // Grow geometrically: reserving exactly this chunk's count reallocated the
  // thread's whole stream for every chunk (quadratic; 15 s of page faults on
  // an 11-million-event trace).
  if (out.capacity() < out.size() + h.count) out.reserve(std::max(out.size() + h.count, 2 * out.capacity()));
  decode_events_with(r, h, kinds, limits, texts, [&out](std::uint32_t, const Event& e) { out.push_back(e); });
}

void decode_events(std::span<const unsigned char> events, const std::string& what, const EventChunkHeader& h,
                   const std::vector<KindInfo>& kinds, const IdLimits& limits, ChunkTexts& texts, Event* out) {
  const std::size_t texts_before = texts.texts.size();
  EventDecodePosition at{.ticks = h.first_ticks};
  const auto intern = [&texts](std::string_view text) { return texts.intern(text); };
  const auto store = [out](std::uint32_t i, const Event& e) { new (out + i) Event(e); };
  if (detail::decode_events_fast(events, h, kinds, limits, at, h.count, intern, store) && at.byte == events.size())
    return;
  // Something the fast path does not take: the checking decoder, from the
  // start, says what (or decodes it, if the fast path was only cautious).
  texts.texts.resize(texts_before);
  ByteReader r(events.data(), events.size(), what);
  decode_events_with(r, h, kinds, limits, texts, store);
}

bool decode_events_again(std::span<const unsigned char> events, const EventChunkHeader& h,
                         const std::vector<KindInfo>& kinds, const IdLimits& limits, EventDecodePosition& at,
                         std::uint32_t n, Event* out) {
  if (n > h.count - std::min(at.index, h.count)) return false;
  const auto count = [&at](std::string_view) { return at.texts++; };
  const auto store = [out](std::uint32_t i, const Event& e) { new (out + i) Event(e); };
  return detail::decode_events_fast(events, h, kinds, limits, at, n, count, store);
}

}  // namespace weft::format
