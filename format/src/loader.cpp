#include "weft/format/loader.hpp"

#include <algorithm>

#include "prefault.hpp"
#include "weft/format/order.hpp"

namespace weft::format {
namespace {

template <class Info>
void append_dense(std::vector<Info>& table, Info info, std::uint32_t first_id, ByteReader& r, const char* what) {
  // The runtime publishes records in id order, so ids are dense and arrive
  // in order; anything else is damage.
  const std::size_t expected = table.size() + (table.empty() ? first_id : 0);
  if (info.id != expected)
    r.fail(what, "id " + std::to_string(info.id) + " out of order (expected " + std::to_string(expected) + ")");
  if (table.empty() && first_id == 1) table.emplace_back();  // the "none" slot
  table.push_back(std::move(info));
}

}  // namespace

void TraceLoader::add(const ChunkRef& ref, std::span<const unsigned char> payload) {
  ByteReader r(payload.data(), payload.size(), source_ + ": " + ref.describe());
  if (trace_.end) r.fail("chunk", "data after the END chunk");
  switch (static_cast<ChunkType>(ref.type)) {
    case ChunkType::Meta:
      decode_meta(r, trace_.info);
      have_meta_ = true;
      return;
    case ChunkType::Kinds:
      trace_.kinds = decode_kind_table(r);
      return;
    case ChunkType::Thread:
      while (!r.empty()) {
        ThreadInfo t = decode_thread(r);
        append_dense(trace_.threads, std::move(t), 0, r, "thread");
      }
      per_thread_.resize(trace_.threads.size());
      return;
    case ChunkType::Object:
      while (!r.empty()) append_dense(trace_.objects, decode_object(r), 1, r, "object");
      return;
    case ChunkType::Site:
      while (!r.empty()) append_dense(trace_.sites, decode_site(r), 1, r, "site");
      return;
    case ChunkType::Clock:
      clocks_.push_back(decode_clock(r));
      return;
    case ChunkType::Events:
      add_events(ref, r);
      return;
    case ChunkType::Index:
      while (!r.empty()) decode_index_entry(r);
      return;
    case ChunkType::End:
      trace_.end = decode_end(r);
      return;
    case ChunkType::Schedule:
      if (!trace_.schedule) trace_.schedule.emplace();
      decode_schedule(r, *trace_.schedule);
      return;
    case ChunkType::Module:
      while (!r.empty()) append_dense(trace_.modules, decode_module(r), 1, r, "module");
      return;
    case ChunkType::Address:
      while (!r.empty()) {
        const AddressRecord a = decode_address(r);
        // Written after the record it annotates, in the same round.
        if (a.of == AddressOf::Site) {
          if (a.id == 0 || a.id >= trace_.sites.size()) r.fail("address", "site " + std::to_string(a.id) + " not defined yet");
          trace_.sites[a.id].address = a.address;
        } else {
          if (a.id == 0 || a.id >= trace_.objects.size())
            r.fail("address", "object " + std::to_string(a.id) + " not defined yet");
          trace_.objects[a.id].address = a.address;
        }
      }
      return;
    case ChunkType::SharedKey:
      while (!r.empty()) {
        const SharedKeyRecord k = decode_shared_key(r);
        if (k.object == 0 || k.object >= trace_.objects.size())
          r.fail("shared key", "object " + std::to_string(k.object) + " not defined yet");
        trace_.objects[k.object].shared_key = k.key;
      }
      return;
  }
  ++unknown_chunks_;  // a newer writer's chunk: skipped
}

void TraceLoader::add_events(const ChunkRef& ref, ByteReader& r) {
  if (trace_.kinds.empty()) r.fail("events", "event chunk before the kind table");
  const EventChunkHeader h = decode_event_chunk_header(r);
  if (h.thread >= trace_.threads.size())
    r.fail("thread", "refers to thread " + std::to_string(h.thread) + ", which the trace never defined");
  const IdLimits limits{std::max<std::size_t>(trace_.objects.size(), 1), std::max<std::size_t>(trace_.sites.size(), 1)};
  (void)ref;
  std::vector<Event>& stream = per_thread_[h.thread];
  if (stream.capacity() == 0 && h.thread < expected_.size()) {
    stream.reserve(expected_[h.thread]);
    prefault_capacity(stream);
  }
  const std::size_t before = stream.size();
  decode_events(r, h, trace_.kinds, limits, texts_, stream);
  // Each object's lowest sequence number, while the chunk is in cache (the
  // merge needs it, and would otherwise read every event once more for it).
  if (first_seq_.size() < trace_.objects.size()) first_seq_.resize(trace_.objects.size(), kNoSeq);
  for (std::size_t k = before; k < stream.size(); ++k) {
    const Event& e = stream[k];
    if (e.seq != kNoSeq && e.object < first_seq_.size()) first_seq_[e.object] = std::min(first_seq_[e.object], e.seq);
  }
}

void TraceLoader::expect(const std::vector<IndexEntry>& index, std::uint64_t file_size) {
  std::vector<std::uint64_t> counts;
  std::uint64_t total = 0;
  for (const IndexEntry& e : index) {
    if (e.thread >= (1u << 20)) return;  // a damaged index: the hint is only a hint
    if (e.thread >= counts.size()) counts.resize(e.thread + 1, 0);
    counts[e.thread] += e.count;
    total += e.count;
  }
  // Every event takes at least three bytes on disk (kind, time, site): a
  // larger total is damage, and reserving it could exhaust memory.
  if (total > file_size / 3) return;
  expected_ = std::move(counts);
}

// Ticks become nanoseconds since the start of the trace. The runtime writes
// (ticks, monotonic ns) pairs as it goes; the first and last of them give
// the rate over the whole run, better than the start-up estimate.
// The merge applies it to each event as it places it.
TickConversion TraceLoader::tick_conversion() {
  TraceInfo& info = trace_.info;
  double ns_per_tick = info.ticks_per_second > 0 ? 1e9 / info.ticks_per_second : 1.0;
  // A virtual clock (weft explore) counts nanoseconds of its own, unrelated
  // to the real time the pairs also carry.
  if (clocks_.size() >= 2 && info.clock_name != "virtual") {
    const auto& [t0, n0] = clocks_.front();
    const auto& [t1, n1] = clocks_.back();
    if (t1 > t0 && n1 > n0 + 1'000'000) ns_per_tick = double(n1 - n0) / double(t1 - t0);
  }
  info.ticks_per_second = 1e9 / ns_per_tick;
  return TickConversion{info.start_ticks, ns_per_tick};
}

// A complete trace holds what its END record and its index say it does:
// an event chunk lost or duplicated (the rest intact, every checksum good)
// shows only here, and a trace with events missing or doubled would read
// as a clean run of a different program. Damage, so an error.
void TraceLoader::check_counts() const {
  if (!trace_.end || trace_.truncated) return;  // a torn end, or no end: the program did not finish
  std::uint64_t held = 0;
  for (const std::vector<Event>& stream : per_thread_) held += stream.size();
  const std::string damaged = source_ + ": damaged: ";
  if (held != trace_.end->events)
    throw format_error(damaged + "its end record says " + std::to_string(trace_.end->events) + " events, its chunks hold " +
                       std::to_string(held) + " (an event chunk was " + (held < trace_.end->events ? "lost" : "duplicated") +
                       ")");
  for (std::size_t th = 0; th < expected_.size(); ++th) {
    const std::uint64_t have = th < per_thread_.size() ? per_thread_[th].size() : 0;
    if (have != expected_[th])
      throw format_error(damaged + "its index says thread " + std::to_string(th) + " wrote " +
                         std::to_string(expected_[th]) + " events, its chunks hold " + std::to_string(have));
  }
}

Trace TraceLoader::finish(const std::string& truncation) {
  if (!have_meta_) {
    throw format_error(source_ + ": " +
                       (truncation.empty() ? std::string("no META chunk: not a complete weft trace")
                                           : "truncated before its metadata (" + truncation + ")"));
  }
  if (trace_.kinds.empty()) {
    // Events always follow the kind table, so a file cut before it has none.
    if (truncation.empty()) throw format_error(source_ + ": no KIND chunk: cannot decode events");
    for (unsigned code = 0; code <= kMaxKindCode; ++code) trace_.kinds.push_back(builtin_kind(static_cast<std::uint8_t>(code)));
  }
  if (trace_.objects.empty()) trace_.objects.emplace_back();
  if (trace_.sites.empty()) trace_.sites.emplace_back();

  trace_.truncated = !truncation.empty();
  if (trace_.truncated) trace_.warnings.push_back("trace truncated: " + truncation + "; loaded up to the last complete chunk");
  else if (!trace_.end) trace_.warnings.push_back("trace has no END record: the program did not finish writing it");
  if (unknown_chunks_)
    trace_.warnings.push_back("skipped " + std::to_string(unknown_chunks_) + " chunks of a type this weft does not know");
  if (trace_.end && trace_.end->dropped)
    trace_.warnings.push_back(std::to_string(trace_.end->dropped) + " events were dropped by the runtime (buffers full)");

  check_counts();
  const TickConversion ticks = tick_conversion();
  trace_.events = merge_in_order(per_thread_, trace_.objects.size(), trace_.order, MergeHints{&first_seq_, &ticks});
  per_thread_.clear();
  if (trace_.order.fallbacks)
    trace_.warnings.push_back(std::to_string(trace_.order.fallbacks) +
                              " events had no consistent place in the object order (lost events?); placed by time");

  // Thread names as they ended up, and OS ids learnt at start.
  ProcessInfo& process = trace_.processes.emplace_back();
  process.pid = trace_.info.pid;
  process.parent_pid = trace_.info.parent_pid;
  process.name = trace_.info.process_name.empty() ? trace_.info.program : trace_.info.process_name;
  process.path = source_;
  process.end = trace_.end;
  process.truncated = trace_.truncated;
  std::vector<std::uint32_t> owner_of(trace_.objects.size(), ~0u);
  for (const ThreadInfo& t : trace_.threads)
    if (t.object < owner_of.size()) owner_of[t.object] = t.id;
  for (const Event& e : trace_.events) {
    if (e.object >= owner_of.size() || owner_of[e.object] == ~0u) continue;
    ThreadInfo& thread = trace_.threads[owner_of[e.object]];
    if (e.kind == EventKind::ThreadRename) thread.name = trace_.texts[e.arg];
    // weft::thread registers a thread before it runs: its OS id comes later.
    if (e.kind == EventKind::ThreadStart && thread.os_tid == 0) thread.os_tid = e.arg;
  }
  for (const Event& e : trace_.events)
    if (e.kind == EventKind::ProcessStart) {  // this process's own object (a child of the run)
      process.object = e.object;
      break;
    }
  return std::move(trace_);
}

Trace load_trace(const std::string& path) {
  TraceFile file(path);
  TraceLoader loader(path);
  try {
    if (const std::optional<std::vector<IndexEntry>> index = file.stored_index()) loader.expect(*index, file.size());
  } catch (const format_error&) {
    // A damaged index only loses the hint; reading the chunks reports the damage.
  }
  ChunkRef ref;
  std::vector<unsigned char> payload;
  while (file.next(ref, payload)) loader.add(ref, payload);
  return loader.finish(file.truncation());
}

}  // namespace weft::format
