// Builds .weft files in memory with the real encoder API, so tests (and the
// fuzz target's seed corpus) can make exact traces and know, byte for byte,
// where every chunk and event went.
//
// The builder writes in the order the runtime does (tracer/src/trace_writer.cpp):
// file header, META, KIND, CLCK, then OBJT/SITE/THRD records before the EVTS
// chunks that mention them, more CLCK pairs, INDX chunks and END last. It does
// not enforce that order: tests that need a broken file write chunks in any
// order, or hand-made payloads through begin()/finish().
//
// No Catch2 here: the fuzz target includes this header too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/format/chunk_encoder.hpp"
#include "weft/format/crc32c.hpp"
#include "weft/format/trace.hpp"

namespace weft::format::test {

// An event as a test wrote it (owning its text, unlike EventRecord).
struct WrittenEvent {
  std::uint32_t thread = 0;
  std::uint64_t ticks = 0;
  std::uint64_t seq = kNoSeq;
  std::uint64_t arg = 0;
  std::uint32_t object = 0;
  std::uint32_t site = 0;
  std::uint8_t kind = 0;
  std::uint8_t flags = 0;
  std::string text;
};

struct WrittenChunk {
  std::uint64_t offset = 0;  // of the chunk header
  std::uint32_t type = 0;
  std::uint32_t length = 0;  // payload bytes
  std::uint64_t end() const { return offset + kChunkHeaderSize + length; }
};

struct WrittenEventChunk {
  IndexEntry entry;  // what the INDX chunk says about it
  std::uint64_t end = 0;
  std::vector<WrittenEvent> events;
};

// The META fields, with values that exercise every key.
struct MetaFields {
  std::string program = "demo";
  std::vector<std::string> command_line = {"/usr/bin/demo", "--threads=3", "input file.txt"};
  std::uint64_t pid = 4242;
  std::uint64_t start_wall_ns = 1'700'000'000'123'456'789ull;
  std::string clock_name = "steady";
  double ticks_per_second = 1e9;  // steady clock: ticks are ns
  std::uint64_t start_ticks = 1000;
  std::string weft_version = "0.1.0-test";
  std::string hostname = "builder-host";
};

// Little-endian u32 at p (chunk headers are four of them).
inline std::uint32_t load_u32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
inline void store_u32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Recomputes both checksums of every chunk it can walk to, so that damage
// made on purpose (by a test or a fuzzer) reaches the decoders instead of
// stopping at the checksum test. Stops at the first header whose length
// runs past the end of the data (its header checksum is still fixed).
inline void repair_checksums(std::span<unsigned char> file) {
  std::size_t offset = kFileHeaderSize;
  while (file.size() >= offset && file.size() - offset >= kChunkHeaderSize) {
    unsigned char* h = file.data() + offset;
    const std::uint32_t length = load_u32(h + 4);
    const bool complete = length <= file.size() - offset - kChunkHeaderSize;
    if (complete) store_u32(h + 8, crc32c(h + kChunkHeaderSize, length));
    store_u32(h + 12, crc32c(h, 12));
    if (!complete) return;
    offset += kChunkHeaderSize + length;
  }
}

class TraceBuilder {
 public:
  // `event_chunk_capacity` bounds each EVTS chunk (header included), like
  // the runtime's 1 MiB buffer; small values force events over many chunks.
  explicit TraceBuilder(std::size_t event_chunk_capacity = 64 * 1024)
      : buf_(256 * 1024), event_buf_(event_chunk_capacity), enc_(buf_.data(), buf_.size()) {
    unsigned char header[kFileHeaderSize];
    encode_file_header(header);
    bytes_.assign(header, header + kFileHeaderSize);
  }

  // --- whole chunks ---------------------------------------------------------

  TraceBuilder& meta(const MetaFields& m = {}) {
    ByteWriter& w = begin(ChunkType::Meta);
    encode_meta_string(w, MetaKey::Program, m.program);
    for (const std::string& arg : m.command_line) encode_meta_string(w, MetaKey::Argument, arg);
    encode_meta_uint(w, MetaKey::Pid, m.pid);
    encode_meta_uint(w, MetaKey::StartWallNs, m.start_wall_ns);
    encode_meta_string(w, MetaKey::ClockName, m.clock_name);
    encode_meta_f64(w, MetaKey::TicksPerSecond, m.ticks_per_second);
    encode_meta_uint(w, MetaKey::StartTicks, m.start_ticks);
    encode_meta_string(w, MetaKey::WeftVersion, m.weft_version);
    encode_meta_string(w, MetaKey::Hostname, m.hostname);
    return finish();
  }

  TraceBuilder& kinds() {
    encode_kind_table(begin(ChunkType::Kinds));
    return finish();
  }

  TraceBuilder& clock(std::uint64_t ticks, std::uint64_t monotonic_ns) {
    encode_clock(begin(ChunkType::Clock), ticks, monotonic_ns);
    return finish();
  }

  // One chunk holding all the records given.
  TraceBuilder& threads(std::initializer_list<ThreadRecord> records) {
    ByteWriter& w = begin(ChunkType::Thread);
    for (const ThreadRecord& r : records) encode_thread(w, r);
    return finish();
  }
  TraceBuilder& objects(std::initializer_list<ObjectRecord> records) {
    ByteWriter& w = begin(ChunkType::Object);
    for (const ObjectRecord& r : records) encode_object(w, r);
    return finish();
  }
  TraceBuilder& sites(std::initializer_list<SiteRecord> records) {
    ByteWriter& w = begin(ChunkType::Site);
    for (const SiteRecord& r : records) encode_site(w, r);
    return finish();
  }

  // One thread's events in program order, as one or more EVTS chunks (a new
  // chunk whenever the current one is full, as the runtime's drain() does).
  TraceBuilder& events(std::uint32_t thread, const std::vector<EventRecord>& records) {
    if (records.empty()) return *this;
    ChunkEncoder chunk(event_buf_.data(), event_buf_.size());
    EventChunkEncoder enc(chunk);
    std::vector<WrittenEvent> pending;
    auto flush = [&] {
      WrittenEventChunk written;
      written.entry = IndexEntry{bytes_.size(), thread, enc.count(), enc.first_ticks(), enc.last_ticks()};
      append_chunk(enc.finish());
      written.end = bytes_.size();
      written.events = std::move(pending);
      pending.clear();
      event_chunks_.push_back(std::move(written));
    };
    enc.begin(thread);
    for (const EventRecord& r : records) {
      if (!enc.add(r)) {
        // add() promises to leave the chunk untouched when the event does not
        // fit. Restore that state explicitly (a no-op when the promise
        // holds), so that a regression there is reported once, by
        // test_encoder.cpp, instead of breaking every multi-chunk test.
        chunk.payload().rewind(chunk.payload().size());
        flush();
        enc.begin(thread);
        if (!enc.add(r)) throw std::logic_error("TraceBuilder: an event does not fit an empty event chunk");
      }
      pending.push_back(WrittenEvent{thread, r.ticks, r.seq, r.arg, r.object, r.site, r.kind, r.flags, std::string(r.text)});
    }
    flush();
    return *this;
  }

  // INDX chunks listing every EVTS chunk written so far; consecutive chunks
  // when one is full (capacity includes the chunk header), as the runtime does.
  TraceBuilder& index(std::size_t capacity = 64 * 1024) {
    std::vector<unsigned char> buf(capacity);
    ChunkEncoder enc(buf.data(), buf.size());
    index_offset_ = bytes_.size();
    ByteWriter* w = &enc.begin(ChunkType::Index);
    for (const WrittenEventChunk& c : event_chunks_) {
      const std::size_t mark = w->size();
      encode_index_entry(*w, c.entry);
      if (w->overflowed()) {
        w->rewind(mark);
        append_chunk(enc.finish());
        w = &enc.begin(ChunkType::Index);
        encode_index_entry(*w, c.entry);
      }
    }
    append_chunk(enc.finish());
    return *this;
  }

  // The END chunk; event count and index offset from what was written.
  TraceBuilder& end(EndReason reason = EndReason::Exit, std::uint64_t status = 0, std::uint64_t dropped = 0) {
    return end_record(EndRecord{reason, status, event_count(), dropped, index_offset_});
  }
  TraceBuilder& end_record(const EndRecord& r) {
    encode_end(begin(ChunkType::End), r);
    return finish();
  }

  // --- hand-made chunks and raw bytes --------------------------------------

  // Any chunk type, known or not; fill the payload, then finish().
  ByteWriter& begin(ChunkType type) {
    // Re-bound each time: the builder is returned by value, and a buffer
    // pointer kept from construction would point into a moved-from object.
    enc_ = ChunkEncoder(buf_.data(), buf_.size());
    return enc_.begin(type);
  }
  ByteWriter& begin_raw(std::uint32_t type) { return begin(static_cast<ChunkType>(type)); }
  TraceBuilder& finish() {
    append_chunk(enc_.finish());
    return *this;
  }
  TraceBuilder& chunk(std::uint32_t type, std::span<const unsigned char> payload) {
    begin_raw(type).bytes(payload.data(), payload.size());
    return finish();
  }
  TraceBuilder& append_raw(std::span<const unsigned char> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }

  // --- what was written ----------------------------------------------------

  const std::vector<unsigned char>& bytes() const { return bytes_; }
  const std::vector<WrittenChunk>& chunks() const { return chunks_; }
  const std::vector<WrittenEventChunk>& event_chunks() const { return event_chunks_; }
  std::uint64_t index_offset() const { return index_offset_; }
  std::uint64_t event_count() const {
    std::uint64_t n = 0;
    for (const WrittenEventChunk& c : event_chunks_) n += c.entry.count;
    return n;
  }
  // Every event written, by thread, in program order.
  std::vector<WrittenEvent> events_of(std::uint32_t thread) const {
    std::vector<WrittenEvent> out;
    for (const WrittenEventChunk& c : event_chunks_)
      if (c.entry.thread == thread)
        out.insert(out.end(), c.events.begin(), c.events.end());
    return out;
  }

 private:
  void append_chunk(std::span<const unsigned char> chunk) {
    if (chunk.empty()) throw std::logic_error("TraceBuilder: chunk payload overflowed its buffer");
    const std::uint32_t type = load_u32(chunk.data());
    chunks_.push_back(WrittenChunk{bytes_.size(), type, static_cast<std::uint32_t>(chunk.size() - kChunkHeaderSize)});
    bytes_.insert(bytes_.end(), chunk.begin(), chunk.end());
  }

  std::vector<unsigned char> buf_;
  std::vector<unsigned char> event_buf_;
  ChunkEncoder enc_;
  std::vector<unsigned char> bytes_;
  std::vector<WrittenChunk> chunks_;
  std::vector<WrittenEventChunk> event_chunks_;
  std::uint64_t index_offset_ = 0;
};


// Shorthands for event records.
inline EventRecord ev(EventKind kind, std::uint64_t ticks, std::uint32_t object = 0, std::uint64_t seq = kNoSeq,
                      std::uint64_t arg = 0, std::uint32_t site = 0, std::uint8_t flags = 0) {
  EventRecord r;
  r.kind = static_cast<std::uint8_t>(kind);
  r.ticks = ticks;
  r.object = object;
  r.seq = seq;
  r.arg = arg;
  r.site = site;
  r.flags = flags;
  return r;
}
inline EventRecord text_ev(EventKind kind, std::uint64_t ticks, std::string_view text, std::uint32_t object = 0,
                           std::uint32_t site = 0) {
  EventRecord r = ev(kind, ticks, object, kNoSeq, 0, site);
  r.text = text;
  return r;
}

// The small, complete, multi-chunk trace most tests start from: two threads,
// a mutex and a condition, marks and logs, a rename, the worker thread and
// its object published mid-run (as the runtime does), several EVTS chunks per
// thread, CLCK pairs, an INDX chunk and END. About 1 KB, so sweeps over every
// byte stay fast.
//
// Objects: 1 thread "main", 2 mutex "lock_A", 3 condition "cv", 4 thread "worker".
// Sites:   1 app.cpp:10 main, 2 app.cpp:20 worker, 3 queue.hpp:30 push.
inline TraceBuilder sample_trace() {
  using K = EventKind;
  TraceBuilder b;
  b.meta().kinds().clock(1000, 5'000'000);
  b.objects({{1, ObjectKind::Thread, 0, 0, 0, 0, "main"},
             {2, ObjectKind::Mutex, 0, 1, 0, 0, "lock_A"},
             {3, ObjectKind::Condition, 0, 1, 0, 0, "cv"}});
  b.sites({{1, 10, "src/app.cpp", "main"}, {2, 20, "src/app.cpp", "worker"}, {3, 30, "src/queue.hpp", "push"}});
  b.threads({{0, 100, 0, 1, kThreadMain | kThreadAdopted, "main"}});
  b.events(0, {ev(K::ThreadStart, 1010, 1, 0, 100, 0), text_ev(K::Mark, 1020, "start", 0, 1),
               ev(K::MutexAcquired, 1030, 2, 0, 1, 1), ev(K::MutexReleased, 1040, 2, 1, 0, 1)});
  b.objects({{4, ObjectKind::Thread, 0, 1, 0, 0, "worker"}});
  b.threads({{1, 101, 1, 4, 0, "worker"}});
  b.events(0, {ev(K::ThreadCreate, 1050, 4, 0, 1, 1), ev(K::MutexAcquired, 1060, 2, 2, 1, 1),
               ev(K::CondWaitBegin, 1070, 3, 0, 2, 1), ev(K::MutexReleased, 1071, 2, 3, 0, 1, kFlagCondition)});
  b.events(1, {ev(K::ThreadStart, 1065, 4, 1, 101, 2), ev(K::MutexLockBegin, 1080, 2, kNoSeq, 0, 2),
               ev(K::MutexAcquired, 1090, 2, 4, 1, 2, kFlagContended), ev(K::CondNotifyOne, 1100, 3, 1, 1, 3),
               ev(K::MutexReleased, 1110, 2, 5, 0, 2), text_ev(K::ThreadRename, 1115, "worker-1", 4, 2),
               text_ev(K::Log, 1118, "pushed 1 item", 0, 3), ev(K::ThreadEnd, 1120, 4, 2, 0, 2)});
  b.clock(3'001'000, 6'000'000);
  b.events(0, {ev(K::MutexAcquired, 1130, 2, 6, 1, 1, kFlagCondition), ev(K::CondWaitEnd, 1131, 3, 2, 0, 1),
               ev(K::MutexReleased, 1140, 2, 7, 0, 1), ev(K::ThreadJoinBegin, 1150, 4, kNoSeq, 1, 1),
               ev(K::ThreadJoinEnd, 1160, 4, 3, 1, 1), text_ev(K::Mark, 1170, "start", 0, 1)});
  b.clock(4'001'000, 7'000'000);
  b.index().end();
  return b;
}

// The smallest complete trace: header, META, KIND, END. No threads, no events.
inline TraceBuilder minimal_trace() {
  TraceBuilder b;
  b.meta().kinds().end();
  return b;
}

// A trace shaped like a real run: `threads` threads taking `mutexes` locks
// in turn with tick deltas of a 3 GHz TSC (lock/unlock tens of ns apart,
// critical sections up to a few us), some contention, condition waits and
// notifications, occasional marks. Per-object sequence numbers are exact.
// Deterministic for a given seed; used by the size test and the fuzz corpus.
// The runtime drains each thread's buffer `batch` events at a time (a chunk
// holds no more, nor more than `event_chunk_capacity` bytes).
inline TraceBuilder realistic_trace(unsigned threads, unsigned mutexes, unsigned events_per_thread, unsigned seed,
                                    std::size_t event_chunk_capacity = 64 * 1024, std::size_t batch = 400) {
  using K = EventKind;
  std::mt19937 rng(seed);
  auto chance = [&](unsigned percent) { return rng() % 100 < percent; };
  auto between = [&](std::uint64_t lo, std::uint64_t hi) { return lo + rng() % (hi - lo + 1); };

  // Object ids: threads 1..T, mutexes, then one condition per two mutexes.
  const std::uint32_t first_mutex = threads + 1;
  const std::uint32_t conds = (mutexes + 1) / 2;
  const std::uint32_t first_cond = first_mutex + mutexes;
  const std::uint32_t object_count = first_cond + conds;  // one past the last
  const std::uint32_t site_count = 24;
  std::vector<std::uint64_t> next_seq(object_count, 0);
  std::vector<std::vector<EventRecord>> per_thread(threads);
  static constexpr std::string_view kPhases[] = {"phase 0", "phase 1", "phase 2", "phase 3", "phase 4",
                                                 "phase 5", "phase 6", "phase 7", "phase 8", "phase 9"};

  std::uint64_t now = 1'000'000;  // a 3 GHz TSC
  auto emit = [&](unsigned t, EventKind kind, std::uint32_t object, bool sequenced, std::uint64_t arg,
                  std::uint8_t flags = 0) {
    now += between(15, 400);
    EventRecord r = ev(kind, now, object, sequenced ? next_seq[object]++ : kNoSeq, arg,
                       1 + static_cast<std::uint32_t>(rng() % site_count), flags);
    per_thread[t].push_back(r);
  };
  for (unsigned t = 0; t < threads; ++t) emit(t, K::ThreadStart, 1 + t, true, 1000 + t);
  // Whole critical sections are simulated one at a time, so every object's
  // sequence numbers match a real interleaving.
  bool busy = true;
  while (busy) {
    busy = false;
    for (unsigned t = 0; t < threads; ++t) {
      if (per_thread[t].size() + 8 > events_per_thread) continue;
      busy = true;
      now += between(100, 9000);  // work outside any lock
      const std::uint32_t m = first_mutex + static_cast<std::uint32_t>(rng() % mutexes);
      const std::uint32_t cv = first_cond + (m - first_mutex) / 2;
      const bool contended = chance(10);
      if (contended) emit(t, K::MutexLockBegin, m, false, 0);
      emit(t, K::MutexAcquired, m, true, 1, contended ? kFlagContended : 0);
      if (chance(10)) {  // a condition wait that times out
        emit(t, K::CondWaitBegin, cv, true, m);
        emit(t, K::MutexReleased, m, true, 0, kFlagCondition);
        emit(t, K::CondWaitEnd, cv, true, static_cast<std::uint64_t>(WakeReason::Timeout));
        emit(t, K::MutexAcquired, m, true, 1, kFlagCondition);
      } else if (chance(20)) {
        emit(t, K::CondNotifyOne, cv, true, rng() % 3);
      }
      if (chance(2)) {
        per_thread[t].push_back(text_ev(K::Mark, now += 20, kPhases[rng() % 10], 0, 1));
      }
      emit(t, K::MutexReleased, m, true, 0);
    }
  }
  for (unsigned t = 0; t < threads; ++t) emit(t, K::ThreadEnd, 1 + t, true, 0);

  MetaFields meta;
  meta.clock_name = "tsc";
  meta.ticks_per_second = 3e9;
  meta.start_ticks = 1'000'000;
  TraceBuilder b(event_chunk_capacity);
  b.meta(meta).kinds().clock(meta.start_ticks, 10'000'000);
  {
    ByteWriter& w = b.begin(ChunkType::Object);
    for (std::uint32_t id = 1; id < object_count; ++id) {
      const ObjectKind kind = id < first_mutex ? ObjectKind::Thread : id < first_cond ? ObjectKind::Mutex : ObjectKind::Condition;
      const std::string name = std::string(object_kind_name(kind)) + "_" + std::to_string(id);
      encode_object(w, ObjectRecord{id, kind, 0, 1 + id % site_count, 0, 0, name});  // copies the name
    }
    b.finish();
  }
  {
    ByteWriter& w = b.begin(ChunkType::Site);
    const std::string file = "/home/user/project/src/worker_pool.cpp";
    for (std::uint32_t id = 1; id <= site_count; ++id) encode_site(w, SiteRecord{id, 40 + 7 * id, file, "run"});
    b.finish();
  }
  {
    ByteWriter& w = b.begin(ChunkType::Thread);
    for (std::uint32_t t = 0; t < threads; ++t) {
      const std::string name = t == 0 ? "main" : "worker " + std::to_string(t);
      encode_thread(w, ThreadRecord{t, 5000 + t, t == 0 ? 0u : 1u, 1 + t, std::uint8_t(t == 0 ? kThreadMain : 0), name});
    }
    b.finish();
  }
  // The runtime drains each thread's buffer in turn, a batch at a time.
  const std::size_t kBatch = batch;
  for (std::size_t from = 0;; from += kBatch) {
    bool any = false;
    for (unsigned t = 0; t < threads; ++t) {
      if (from >= per_thread[t].size()) continue;
      any = true;
      const auto first = per_thread[t].begin() + static_cast<std::ptrdiff_t>(from);
      const auto last = per_thread[t].begin() + static_cast<std::ptrdiff_t>(std::min(from + kBatch, per_thread[t].size()));
      b.events(t, std::vector<EventRecord>(first, last));
    }
    if (!any) break;
  }
  b.clock(now, 10'000'000 + (now - meta.start_ticks) / 3);
  b.index().end();
  return b;
}

}  // namespace weft::format::test
