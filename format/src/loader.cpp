#include "weft/format/loader.hpp"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <thread>
#include <unordered_map>

#include "fast_decode.hpp"
#include "in_order_pool.hpp"
#include "weft/format/crc32c.hpp"
#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/order.hpp"
#include "weft/format/prefault.hpp"
#include "weft/format/zeroed_memory.hpp"

namespace weft::format {
namespace {

// How much of the decoded stores the one merge gives back between trims of
// malloc's heap (merge_pending): each trim walks the heap's free memory.
constexpr std::size_t kTrimEvery = std::size_t{256} << 20;

template <class Info>
void append_dense(std::vector<Info>& table, Info info, std::uint32_t first_id, ByteReader& r, const char* what) {
  // The runtime publishes records in id order, so ids are dense and arrive
  // in order; anything else is damage.
  const std::size_t expected = table.size() + (table.empty() ? first_id : 0);
  if (info.id != expected)
    r.fail(what, "id " + std::to_string(info.id) + " out of order (expected " + std::to_string(expected) + ")");
  if (table.empty() && first_id == 1) table.emplace_back();  // the "none" slot
  // Doubled as push_back would, but mapped in one call: a program's
  // millions of mutexes are as many records, a table of hundreds of MB.
  if (table.size() == table.capacity()) reserve_prefaulted(table, std::max<std::size_t>(16, 2 * table.size()));
  table.push_back(std::move(info));
}

// An event chunk kept as the file holds it, read in place, which the merge
// decodes again (EncodedRun) instead of reading it back from a packed
// store: its events are decoded twice, and never packed until they are in
// their final order. Only a chunk the fast decoder takes whole
// (fast_decode.hpp) is kept so: the second decoding is that decoder's. Its texts
// are the trace's once interned (intern_pending_texts), which the second
// decoding maps them to.
class EncodedChunk final : public EncodedRun {
 public:
  EncodedChunk(const std::string& source, const ChunkRef& ref, std::span<const unsigned char> events,
               const EventChunkHeader& header, const std::vector<std::vector<KindInfo>>& kind_tables, std::size_t kinds,
               const IdLimits& limits)
      : source_(source), ref_(ref), events_(events), header_(header), kind_tables_(kind_tables), kinds_(kinds),
        limits_(limits) {}

  std::size_t size() const override { return header_.count; }
  void decode(Position& at, std::size_t n, Event* out) const override {
    EventDecodePosition where{static_cast<std::size_t>(at.own[0]), at.own[1], static_cast<std::uint32_t>(at.index),
                              at.own[2]};
    if (at.index == 0) where = {.ticks = header_.first_ticks};  // the start
    const std::vector<KindInfo>& kinds = kind_tables_[kinds_];
    // These bytes decoded once already: what fails now was changed since,
    // in the file (the reader then finds it shrunk, or says so).
    if (!decode_events_again(events_, header_, kinds, limits_, where, static_cast<std::uint32_t>(n), out))
      throw format_error(source_ + ": " + ref_.describe() +
                         ": changed while it was read (is the trace still being written?)");
    if (where.texts != at.own[2])  // a text in these events
      for (std::size_t k = 0; k < n; ++k)
        if (kinds[static_cast<std::uint8_t>(out[k].kind)].layout & kLayoutText)
          out[k].arg = global_texts.at(out[k].arg);
    at.index = where.index;
    at.own[0] = where.byte;
    at.own[1] = where.ticks;
    at.own[2] = where.texts;
  }

  std::vector<std::uint64_t> global_texts;  // the chunk's text k is the trace's global_texts[k]

 private:
  const std::string& source_;  // the loader's, for an error
  ChunkRef ref_;
  std::span<const unsigned char> events_;
  EventChunkHeader header_;
  const std::vector<std::vector<KindInfo>>& kind_tables_;  // the loader's: an index stays good as it grows
  std::size_t kinds_;
  IdLimits limits_;
};

}  // namespace

// An event chunk read and checked up to its events, whose decoding waits
// for decode_pending. What it may refer to is fixed when it is read, as a
// one-thread load decodes it then.
struct TraceLoader::Pending {
  ChunkRef ref;
  const unsigned char* payload = nullptr;  // in payloads_, or the caller's (stays)
  const unsigned char* events = nullptr;   // the payload after the header
  std::size_t size = 0;                    // of the events
  bool checked = true;                     // its checksum verified
  EventChunkHeader header;
  IdLimits limits;
  std::size_t kinds = 0;     // index into kind_tables_
  std::size_t objects = 0;   // objects defined then: only their sequence numbers count (as in add_events)
  std::uint64_t offset = 0;  // of its first event in its thread's stream
  ChunkTexts texts;          // its texts, until interned in file order
  EventStore* store = nullptr;  // its events once decoded: [first, first + header.count) of this store
  std::size_t first = 0;
  // Or, where the merge decodes it again (keep_events says when), what it
  // decodes, made once the chunk is decoded the first time.
  bool stays_encoded = false;
  std::unique_ptr<EncodedChunk> encoded;
  // What its events hold, noted as they are decoded, for a merge in parts;
  // not kept (summarized false) for a chunk of many objects, where the
  // list would outweigh its packed events.
  RunSummary summary;
  bool summarized = false;
};

// The kept payloads of chunks whose caller does not keep them (add()
// without `stays`: a file that could not be mapped, a caller feeding
// chunks from memory), back to back, in mappings kept from one batch to the
// next: a batch's payloads are read once, by decode_pending, and the next
// batch is written over them. On a virtual machine, memory a process has
// never touched costs tens of times what writing touched memory does (the
// kernel zeroes each new page, and the page fault is a trap): a 10 M-event
// trace's 90 MB of payloads, each in new memory, were a fifth of its load.
struct TraceLoader::Payloads {
  std::size_t segment_size;  // at least a batch: one segment serves a batch but for a huge chunk
  std::vector<ZeroedMemory> segments;
  std::size_t current = 0;  // the segment being filled
  std::size_t used = 0;     // of it
  explicit Payloads(std::size_t batch) : segment_size(batch + kSlack) {}
  const unsigned char* keep(const unsigned char* p, std::size_t n) {
    while (current < segments.size() && segments[current].size() - used < n) {
      ++current;
      used = 0;
    }
    if (current == segments.size()) segments.emplace_back(std::max(segment_size, n));
    ZeroedMemory& segment = segments[current];
    unsigned char* at = segment.data() + used;
    // Filled front to back: its pages are mapped a step ahead in bulk the
    // first time (prefault.hpp); the next batches find them mapped.
    if (segment.size() >= ZeroedMemory::kHugeFrom) prefault_ahead(segment.data(), segment.size(), used, used + n);
    if (n) std::memcpy(at, p, n);
    used += n;
    return at;
  }
  // Every payload kept is decoded: the next are written from the start.
  void rewind() { current = used = 0; }
  // A batch ends at the first chunk that reaches decode_batch: up to one
  // chunk more (a few hundred KB) without a second segment.
  static constexpr std::size_t kSlack = std::size_t{4} << 20;
};

TraceLoader::TraceLoader(std::string source, unsigned threads, std::size_t decode_batch, bool merge_in_parts)
    : source_(std::move(source)),
      texts_(trace_.texts),
      threads_(std::max(threads, 1u)),
      decode_batch_(decode_batch ? decode_batch : kDecodeBatch),
      merge_in_parts_(merge_in_parts) {}

TraceLoader::~TraceLoader() = default;

void TraceLoader::add(const ChunkRef& ref, std::span<const unsigned char> payload, bool stays, bool checked) {
  try {
    add_chunk(ref, payload, stays, checked);
  } catch (const format_error&) {
    // What a chunk's bytes say is judged only once they are the ones
    // written: a wrong checksum comes first, as it does for a checked one.
    if (!checked && torn_end(ref, payload)) return;  // not loaded
    throw;
  }
}

bool TraceLoader::torn_end(const ChunkRef& ref, std::span<const unsigned char> payload) {
  if (crc32c(payload.data(), payload.size()) == ref.crc) return false;
  judge_bad_checksum(ref);
  return true;
}

void TraceLoader::judge_bad_checksum(const ChunkRef& ref) {
  if (!bad_checksum_) throw format_error(source_ + ": " + ref.describe() + ": checksum mismatch (the file is damaged)");
  bad_checksum_(ref);  // throws for damage
}

void TraceLoader::add_chunk(const ChunkRef& ref, std::span<const unsigned char> payload, bool stays, bool checked) {
  ByteReader r(payload.data(), payload.size(), source_ + ": " + ref.describe());
  if (trace_.end) r.fail("chunk", "data after the END chunk");
  switch (static_cast<ChunkType>(ref.type)) {
    case ChunkType::Meta:
      decode_meta(r, trace_.info);
      have_meta_ = true;
      return;
    case ChunkType::Kinds:
      trace_.kinds = decode_kind_table(r);
      ++kinds_seen_;
      return;
    case ChunkType::Thread:
      while (!r.empty()) {
        ThreadInfo t = decode_thread(r);
        append_dense(trace_.threads, std::move(t), 0, r, "thread");
      }
      per_thread_.resize(trace_.threads.size());
      return;
    case ChunkType::Object:
      while (!r.empty()) append_dense(trace_.objects, decode_object(r, *trace_.names), 1, r, "object");
      return;
    case ChunkType::Site:
      while (!r.empty()) append_dense(trace_.sites, decode_site(r), 1, r, "site");
      return;
    case ChunkType::Clock:
      clocks_.push_back(decode_clock(r));
      return;
    case ChunkType::Events:
      add_events(ref, r, payload, stays, checked);
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

void TraceLoader::add_events(const ChunkRef& ref, ByteReader& r, std::span<const unsigned char> payload, bool stays,
                             bool checked) {
  if (trace_.kinds.empty()) r.fail("events", "event chunk before the kind table");
  const EventChunkHeader h = decode_event_chunk_header(r);
  if (h.thread >= trace_.threads.size())
    r.fail("thread", "refers to thread " + std::to_string(h.thread) + ", which the trace never defined");
  const IdLimits limits{std::max<std::size_t>(trace_.objects.size(), 1), std::max<std::size_t>(trace_.sites.size(), 1)};
  if (threads_ > 1) return keep_events(ref, payload, r.position(), h, limits, stays, checked);
  // A one-thread load decodes a chunk as it reads it: verified first. A
  // torn end (the hook returns) is not loaded.
  if (!checked && torn_end(ref, payload)) return;
  EventStore& stream = per_thread_[h.thread];
  if (stream.empty() && h.thread < expected_.size()) stream.reserve(expected_[h.thread]);
  scratch_.clear();
  decode_events(r, h, trace_.kinds, limits, texts_, scratch_);
  // Each object's lowest sequence number, while the chunk is in cache (the
  // merge needs it, and would otherwise read every event once more for it).
  if (first_seq_.size() < trace_.objects.size()) first_seq_.resize(trace_.objects.size(), kNoSeq);
  for (const Event& e : scratch_) {
    if (e.seq != kNoSeq && e.object < first_seq_.size()) first_seq_[e.object] = std::min(first_seq_[e.object], e.seq);
    stream.push_back(e);
  }
}

void TraceLoader::keep_events(const ChunkRef& ref, std::span<const unsigned char> payload, std::size_t events_from,
                              const EventChunkHeader& h, const IdLimits& limits, bool stays, bool checked) {
  if (kind_tables_.size() != kinds_seen_) kind_tables_.push_back(trace_.kinds);  // the table this chunk was written under
  if (!stays && !payloads_) payloads_ = std::make_unique<Payloads>(decode_batch_);
  if (stream_counts_.size() < trace_.threads.size()) stream_counts_.resize(trace_.threads.size(), 0);
  Pending& p = pending_.emplace_back();
  p.ref = ref;
  p.payload = stays ? payload.data() : payloads_->keep(payload.data(), payload.size());
  p.events = p.payload + events_from;
  p.size = payload.size() - events_from;
  p.checked = checked;
  p.header = h;
  p.limits = limits;
  p.kinds = kind_tables_.size() - 1;
  p.objects = trace_.objects.size();
  p.offset = stream_counts_[h.thread];
  stream_counts_[h.thread] += h.count;
  p.stays_encoded = stays && keeps_encoded(h);
  // A large file's payloads are decoded as they add up, not all at its end:
  // held all at once, a billion events' would be 9 GB beside their packed
  // events.
  undecoded_bytes_ += payload.size();
  if (undecoded_bytes_ >= decode_batch_) decode_pending();
}

bool TraceLoader::holds_payloads() const { return decoded_ < pending_.size() || any_encoded_; }

// Whether a chunk read in place, of header `h`, is kept encoded until the
// merge: only for a merge in parts, of as many events as the file's index
// promises. The one merge of a larger trace gives each store back as it
// passes it, and its file's payloads are not all held at once. Decided in
// file order, so the same file is always loaded the same way.
bool TraceLoader::keeps_encoded(const EventChunkHeader& h) {
  if (threads_ < 2 || !merge_in_parts_ || expected_total_ == 0 || expected_total_ > kMergeInPartsUpTo ||
      h.count == 0)
    return false;
  any_encoded_ = true;
  return true;
}

namespace {
struct BadChecksum {
  std::size_t index;  // in the batch
};
}  // namespace

std::exception_ptr TraceLoader::verify_pending(std::size_t first) {
  bool any = false;
  for (std::size_t i = first; i < pending_.size() && !any; ++i) any = !pending_[i].checked;
  if (!any) return nullptr;
  // Reading a payload the first time is most of what reading a file costs
  // here (file_windows.hpp), so it is done on every core, not by the one
  // thread that reads the chunks.
  std::size_t at = pending_.size();
  try {
    run_in_order(pending_.size() - first, threads_, [&](std::size_t i, unsigned) {
      Pending& p = pending_[first + i];
      if (!p.checked && crc32c(p.payload, p.ref.length) != p.ref.crc) throw BadChecksum{i};
      p.checked = true;
    });
  } catch (const BadChecksum& bad) {
    at = first + bad.index;
  }
  if (at == pending_.size()) return nullptr;
  // The chunks before it are decoded (an error of theirs comes first, as
  // in file order), not it or any after it: damage (the hook's error, for
  // after them) or, as a crash leaves a file, its end (never read, as far
  // as the trace goes).
  std::exception_ptr damage;
  try {
    judge_bad_checksum(pending_[at].ref);
  } catch (...) {
    damage = std::current_exception();
  }
  for (std::size_t k = at; k < pending_.size(); ++k) stream_counts_[pending_[k].header.thread] -= pending_[k].header.count;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(at), pending_.end());
  return damage;
}

void TraceLoader::decode_pending() {
  if (decode_error_) std::rethrow_exception(decode_error_);
  if (decoded_ == pending_.size()) return;  // nothing kept since the last batch
  const std::size_t first = decoded_;
  const std::exception_ptr damage = verify_pending(first);
  if (decoded_ == pending_.size()) {  // the batch began at the wrong checksum
    undecoded_bytes_ = 0;
    if (payloads_) payloads_->rewind();
    if (damage) {
      decode_error_ = damage;
      std::rethrow_exception(damage);
    }
    return;
  }
  // Marked decoded before: a batch is decoded once. If it fails, its error
  // is kept and thrown again by every later call (the caller that meets it
  // calls this again on its way out, and finish() must not merge chunks
  // that were never decoded).
  decoded_ = pending_.size();
  undecoded_bytes_ = 0;
  // Each worker's notes (notes_), its chunk's unpacked events (unpacked_),
  // and its store for each thread's chunks in this batch. Pieces are handed
  // out in increasing order, so a worker's chunks of one thread go into its
  // store in program order.
  notes_.resize(threads_);
  unpacked_.resize(threads_);
  // A chunk is named in noted_in by its place in pending_ past notes_from_,
  // which moves on (and the names are cleared) before they could overflow.
  if (pending_.size() - notes_from_ >= std::numeric_limits<std::uint32_t>::max()) {
    for (WorkerNotes& notes : notes_) std::fill(notes.noted_in.begin(), notes.noted_in.end(), 0);
    notes_from_ = first;
  }
  std::vector<std::vector<std::unique_ptr<EventStore>>> stores(threads_);  // [worker][thread]
  // Each thread's events in the batch: a store is reserved for all of them
  // (its unused room is never written, so never committed).
  std::vector<std::uint64_t> batch_events;
  for (std::size_t i = first; i < pending_.size(); ++i) {
    const EventChunkHeader& h = pending_[i].header;
    if (pending_[i].stays_encoded) continue;
    if (batch_events.size() <= h.thread) batch_events.resize(h.thread + 1, 0);
    batch_events[h.thread] += h.count;
  }
  const std::size_t objects = trace_.objects.size();
  // A worker's stores are the loader's once the batch ends, however it ends.
  const auto keep_stores = [&] {
    for (auto& mine : stores)
      for (std::unique_ptr<EventStore>& store : mine)
        if (store) decoded_stores_.push_back(std::move(store));
  };
  try {
    run_in_order(pending_.size() - first, threads_, [&](std::size_t i, unsigned worker) {
      Pending& p = pending_[first + i];
      WorkerNotes& notes = notes_[worker];
      std::vector<std::uint64_t>& seqs = notes.first_seq;
      std::vector<std::uint32_t>& in = notes.noted_in;
      std::vector<std::uint32_t>& at = notes.noted_at;
      if (seqs.size() < objects) {
        // Room for the objects defined so far, and half as many again when
        // they grow from batch to batch; mapped in one call, not page by page.
        const std::size_t room = std::max(objects, seqs.size() + seqs.size() / 2);
        reserve_prefaulted(seqs, room);
        seqs.resize(objects, kNoSeq);
        reserve_prefaulted(in, room);
        in.resize(objects, 0);
        reserve_prefaulted(at, room);
        at.resize(objects, 0);
      }
      // What the merge needs of each event, noted as it is decoded. Noting
      // an event twice changes nothing (lowest numbers, earliest time), so
      // a chunk the fast decoder gave up on part way is noted again whole.
      const auto chunk = static_cast<std::uint32_t>(first + i + 1 - notes_from_);
      RunSummary& summary = p.summary;
      const std::size_t most_noted = kMostNoted + p.header.count / 16;
      bool overflowed = false;
      const auto note = [&](const Event& e) __attribute__((always_inline)) {
        summary.earliest = std::min(summary.earliest, e.time_ns);
        if (e.seq != kNoSeq && e.object < p.objects) {
          seqs[e.object] = std::min(seqs[e.object], e.seq);
          if (in[e.object] == chunk) {
            auto& lowest = summary.lowest[at[e.object]].second;
            lowest = std::min(lowest, e.seq);
          } else if (summary.lowest.size() < most_noted) {
            in[e.object] = chunk;
            at[e.object] = static_cast<std::uint32_t>(summary.lowest.size());
            summary.lowest.emplace_back(e.object, e.seq);
          } else {
            overflowed = true;
          }
        }
      };
      const std::span<const unsigned char> bytes(p.events, p.size);
      if (p.stays_encoded) {
        // Kept encoded: its events are noted as they are decoded, and not
        // stored (a chunk's 40-byte events, megabytes, written and read
        // back were much of this pass).
        EventDecodePosition from{.ticks = p.header.first_ticks};
        const auto intern = [&p](std::string_view text) { return p.texts.intern(text); };
        std::uint64_t first_time = 0, last_time = 0;
        const auto noted = [&](std::uint32_t k, const Event& e) __attribute__((always_inline)) {
          if (k == 0) first_time = e.time_ns;
          last_time = e.time_ns;
          note(e);
        };
        if (detail::decode_events_fast(bytes, p.header, kind_tables_[p.kinds], p.limits, from, p.header.count, intern,
                                       noted) &&
            from.byte == bytes.size()) {
          p.encoded = std::make_unique<EncodedChunk>(source_, p.ref, bytes, p.header, kind_tables_, p.kinds, p.limits);
          p.encoded->first_time = first_time;
          p.encoded->last_time = last_time;
          p.summarized = !overflowed;
          if (overflowed) summary.lowest = {};
          return;
        }
        p.texts.texts.clear();  // the fast decoder did not take it: decoded and packed below, as any other
        p.stays_encoded = false;
      }
      // Grown, never shrunk: resizing to each chunk's count would construct
      // the events again that decoding then writes over.
      auto& buffer = unpacked_[worker];
      if (buffer.size() < p.header.count) {
        reserve_prefaulted(buffer, p.header.count);  // its pages mapped in one call, not faulted in one by one
        buffer.resize(p.header.count);
      }
      decode_events(bytes, source_ + ": " + p.ref.describe(), p.header, kind_tables_[p.kinds], p.limits, p.texts,
                    buffer.data());
      auto& mine = stores[worker];
      if (mine.size() <= p.header.thread) mine.resize(p.header.thread + 1);
      if (!mine[p.header.thread]) {
        mine[p.header.thread] = std::make_unique<EventStore>();
        // (batch_events leaves out the chunks meant to stay encoded, of
        // which the fast decoder may not have taken this one.)
        const std::uint64_t batch = p.header.thread < batch_events.size() ? batch_events[p.header.thread] : 0;
        mine[p.header.thread]->reserve(std::max<std::uint64_t>(p.header.count, batch));
      }
      p.store = mine[p.header.thread].get();
      p.first = p.store->size();
      for (const Event& e : std::span<const Event>(buffer.data(), p.header.count)) {
        note(e);
        p.store->push_back(e);
      }
      p.summarized = !overflowed;
      if (overflowed) summary.lowest = {};
    });
  } catch (...) {
    keep_stores();
    decode_error_ = std::current_exception();
    throw;
  }
  if (payloads_) payloads_->rewind();  // every payload kept so far is decoded
  for (auto& mine : stores)
    for (std::unique_ptr<EventStore>& store : mine)
      if (store) store->seal();
  keep_stores();
  if (damage) {  // after the chunks before it, none of which failed
    decode_error_ = damage;
    std::rethrow_exception(damage);
  }
}

// Each object's lowest sequence number over every worker's notes, once,
// for the merge.
void TraceLoader::join_first_seqs() {
  if (first_seq_.size() < trace_.objects.size()) first_seq_.resize(trace_.objects.size(), kNoSeq);
  for (WorkerNotes& notes : notes_) {
    for (std::size_t o = 0; o < notes.first_seq.size(); ++o) first_seq_[o] = std::min(first_seq_[o], notes.first_seq[o]);
    notes = {};
  }
}

// The chunks' texts into the trace's table in file order, each chunk's in
// its events' order: the indices a one-thread load gives them.
void TraceLoader::intern_pending_texts() {
  for (Pending& p : pending_) {
    if (p.texts.texts.empty()) continue;
    std::vector<std::uint64_t> global(p.texts.texts.size());
    for (std::size_t k = 0; k < global.size(); ++k) global[k] = texts_.intern(p.texts.texts[k]);
    p.texts.texts = {};
    if (p.encoded) {
      p.encoded->global_texts = std::move(global);
      continue;
    }
    const std::vector<KindInfo>& kinds = kind_tables_[p.kinds];
    for (std::size_t k = p.first; k < p.first + p.header.count; ++k) {
      const Event e = (*p.store)[k];
      if (kinds[static_cast<std::uint8_t>(e.kind)].layout & kLayoutText)
        p.store->modify(k, [&](Event& text) { text.arg = global[text.arg]; });
    }
  }
}

// The decoded chunks into one order (a parallel load's: threads_ > 1): in
// two parts side by side, or, for a very large trace, by the one merge,
// which gives each store's memory back once it has passed its last chunk.
EventStore TraceLoader::merge_pending(const MergeHints& hints) {
  std::vector<EventStream> streams(trace_.threads.size());
  std::uint64_t total = 0;
  for (const Pending& p : pending_) {
    streams[p.header.thread].packed.push_back(
        {p.store, p.first, p.header.count, p.summarized ? &p.summary : nullptr, p.encoded.get(), {}});
    total += p.header.count;
  }
  // The decoded stores are freed once merged. One smaller than 2 MB is
  // malloc's (ZeroedMemory), and glibc keeps what is freed for its next
  // mallocs, which the merge, writing into mappings of its own, never
  // makes: so its heap is trimmed, and the one merge trims it as it goes
  // too. Without, a contended billion-event load kept 2.4 GB of freed
  // stores (7.0 GB after the load, against 3.9; `compare_weft contended-4
  // 500000000`).
  const auto done = [this](EventStore events) {
    pending_.clear();
    decoded_stores_.clear();
    ::malloc_trim(0);
    return events;
  };
  // Two merges side by side where the streams can stay whole until both
  // are done: twice the events' packed memory for the length of the merge
  // (about 5 bytes an event), where the one merge gives each store back
  // as it passes it. A billion events merge the one way. (Chunks kept
  // encoded are for this merge, which reads them, whatever the total
  // came to: keeps_encoded kept them for a trace it was to take.)
  if ((merge_in_parts_ && total <= kMergeInPartsUpTo) || any_encoded_)
    return done(merge_streams_in_parts(streams, trace_.objects.size(), trace_.order, hints));
  // Where in its thread's stream each store's last chunk ends (a store holds one thread's chunks).
  std::unordered_map<EventStore*, std::uint64_t> ends_at;
  for (const Pending& p : pending_) ends_at[p.store] = p.offset + p.header.count;
  std::vector<std::vector<std::pair<std::uint64_t, EventStore*>>> ends(streams.size());  // by thread, by end
  for (const Pending& p : pending_)
    if (ends_at[p.store] == p.offset + p.header.count) ends[p.header.thread].emplace_back(ends_at[p.store], p.store);
  std::vector<std::size_t> given_back(streams.size(), 0);  // stores of each thread
  std::size_t untrimmed = 0;  // bytes of stores given back since the last trim
  const ConsumedFn give_back = [&](std::uint32_t thread, std::size_t consumed) {
    auto& mine = ends[thread];
    for (std::size_t& k = given_back[thread]; k < mine.size() && mine[k].first <= consumed; ++k) {
      untrimmed += mine[k].second->memory_bytes();
      mine[k].second->clear();
    }
    if (untrimmed >= kTrimEvery) {
      ::malloc_trim(0);
      untrimmed = 0;
    }
  };
  return done(merge_streams(streams, trace_.objects.size(), trace_.order, hints, give_back));
}

// The one-thread load's streams into one order, each thread's store given
// back once the merge has read it.
EventStore TraceLoader::merge_threads(const MergeHints& hints) {
  std::vector<EventStream> streams(per_thread_.size());
  for (std::size_t t = 0; t < streams.size(); ++t)
    streams[t].packed = {{&per_thread_[t], 0, per_thread_[t].size(), nullptr, nullptr, {}}};
  const ConsumedFn give_back = [this](std::uint32_t thread, std::size_t consumed) {
    if (consumed >= per_thread_[thread].size()) per_thread_[thread].clear();
  };
  return merge_streams(streams, trace_.objects.size(), trace_.order, hints, give_back);
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
  expected_total_ = total;
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
  // Events per thread, decoded (one thread) or kept (several: each chunk
  // decodes to exactly its header's count, or the load failed).
  std::vector<std::uint64_t> counts = stream_counts_;
  if (counts.size() < per_thread_.size()) counts.resize(per_thread_.size(), 0);
  for (std::size_t th = 0; th < per_thread_.size(); ++th) counts[th] += per_thread_[th].size();
  std::uint64_t held = 0;
  for (const std::uint64_t n : counts) held += n;
  const std::string damaged = source_ + ": damaged: ";
  if (held != trace_.end->events)
    throw format_error(damaged + "its end record says " + std::to_string(trace_.end->events) + " events, its chunks hold " +
                       std::to_string(held) + " (an event chunk was " + (held < trace_.end->events ? "lost" : "duplicated") +
                       ")");
  for (std::size_t th = 0; th < expected_.size(); ++th) {
    const std::uint64_t have = th < counts.size() ? counts[th] : 0;
    if (have != expected_[th])
      throw format_error(damaged + "its index says thread " + std::to_string(th) + " wrote " +
                         std::to_string(expected_[th]) + " events, its chunks hold " + std::to_string(have));
  }
}

Trace TraceLoader::finish(const std::string& truncation) {
  decode_pending();  // its errors are those of chunks before any finish() finds
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
  // What the events say of the process and its threads, learnt as the
  // merge places them: the process's own object (a child of a run has
  // one), each thread's last name, and its OS id, which weft::thread
  // registers before the thread runs and learns at its start.
  std::vector<std::uint32_t> owner_of(trace_.objects.size(), ~0u);
  for (const ThreadInfo& t : trace_.threads)
    if (t.object < owner_of.size()) owner_of[t.object] = t.id;
  std::optional<std::uint32_t> process_object;
  const std::function<void(const Event&)> learn = [&](const Event& e) {
    if (e.kind == EventKind::ProcessStart && !process_object) process_object = e.object;
    if (e.object >= owner_of.size() || owner_of[e.object] == ~0u) return;
    ThreadInfo& thread = trace_.threads[owner_of[e.object]];
    if (e.kind == EventKind::ThreadRename) thread.name = trace_.texts[e.arg];
    if (e.kind == EventKind::ThreadStart && thread.os_tid == 0) thread.os_tid = e.arg;
  };
  const auto learns_from = [](EventKind k) {
    return k == EventKind::ProcessStart || k == EventKind::ThreadRename || k == EventKind::ThreadStart;
  };
  const MergeHints hints{&first_seq_, &ticks, &learn, learns_from};
  if (threads_ > 1) {
    join_first_seqs();
    intern_pending_texts();
    trace_.events = merge_pending(hints);
  } else {
    trace_.events = merge_threads(hints);
  }
  per_thread_.clear();
  if (trace_.order.fallbacks)
    trace_.warnings.push_back(std::to_string(trace_.order.fallbacks) +
                              " events had no consistent place in the object order (lost events?); placed by time");

  ProcessInfo& process = trace_.processes.emplace_back();
  process.pid = trace_.info.pid;
  process.parent_pid = trace_.info.parent_pid;
  process.name = trace_.info.process_name.empty() ? trace_.info.program : trace_.info.process_name;
  process.path = source_;
  process.end = trace_.end;
  process.truncated = trace_.truncated;
  if (process_object) process.object = *process_object;
  return std::move(trace_);
}

unsigned load_threads(const LoadOptions& options, std::uint64_t file_size) {
  if (options.threads != 0) return options.threads;
  if (const char* v = std::getenv("WEFT_LOAD_THREADS")) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(v, &end, 10);
    if (end != v && *end == '\0' && n >= 1 && n <= 64) return static_cast<unsigned>(n);
  }
  if (file_size < kParallelLoadFrom) return 1;
  return std::max(1u, std::thread::hardware_concurrency());
}

Trace load_trace(const std::string& path) { return load_trace_with(path, LoadOptions{}); }

Trace load_trace_with(const std::string& path, const LoadOptions& options) {
  TraceFile file(path);
  TraceLoader loader(path, load_threads(options, file.size()), options.decode_batch, options.merge_in_parts);
  try {
    if (const std::optional<std::vector<IndexEntry>> index = file.stored_index()) loader.expect(*index, file.size());
  } catch (const format_error&) {
    // A damaged index only loses the hint; reading the chunks reports the damage.
  }
  // Payloads are read in place from the file's mappings, and each window
  // given back once every chunk in it is decoded (file_windows.hpp). The
  // event chunks' checksums are verified by the loader, on every core.
  loader.on_bad_checksum([&file](const ChunkRef& bad) { file.judge_bad_checksum(bad); });
  ChunkRef ref;
  TraceFile::PayloadView payload;
  try {
    while (file.next_in_place(ref, payload, true)) {
      if (options.progress && !options.progress(kChunkHeaderSize + payload.bytes.size())) throw load_cancelled();
      loader.add(ref, payload.bytes, payload.in_place, payload.checked);
      if (!loader.holds_payloads()) file.release_before(ref.payload_offset() + ref.length);
    }
  } catch (const load_cancelled&) {
    throw;  // stopped on purpose: nothing kept is worth decoding
  } catch (...) {
    // A one-thread load would have decoded (and failed on) the event
    // chunks before this one already. A file that shrank meanwhile is the
    // cause, whatever its zeros looked like.
    try {
      loader.decode_pending();
    } catch (...) {
      file.check_not_shrunk();
      throw;
    }
    file.check_not_shrunk();
    throw;
  }
  try {
    loader.decode_pending();  // first: the file's torn end may be found only as the last batch is verified
    Trace trace = loader.finish(file.truncation());
    file.check_not_shrunk();  // the last batch is decoded only now
    return trace;
  } catch (const format_error&) {
    file.check_not_shrunk();
    throw;
  }
}

}  // namespace weft::format
