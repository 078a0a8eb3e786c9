// Turns a .weft file into a Trace: reads every chunk, checks that ids refer
// to defined records, converts clock ticks to nanoseconds and puts the events
// in their global order.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/format/decode.hpp"
#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/order.hpp"
#include "weft/format/trace.hpp"
#include "weft/format/trace_file.hpp"

namespace weft::format {

struct LoadOptions {
  // How many threads decode the event chunks. 0: the WEFT_LOAD_THREADS
  // environment variable if it holds a number from 1 to 64, else one per
  // core, or one for a file under kParallelLoadFrom bytes. 1 is the
  // streaming one-thread load, the reference the parallel load is held
  // to: same trace, field for field, and the same errors.
  unsigned threads = 0;
  // The parallel load decodes the event chunks it kept each time they add
  // up to this many bytes (0: 32 MB), so a large file's payloads are never
  // all held at once. Any value gives the same trace.
  std::size_t decode_batch = 0;
  // The parallel load merges the threads' events in two parts side by side
  // (up to 200 M events); false: the one merge, which gives the decoded
  // events back as it goes, as a larger trace's load does. Either gives
  // the same trace.
  bool merge_in_parts = true;
  // Called on the loading thread as the file is read, with the bytes of
  // each chunk just read (the caller sums them, across the files of a run
  // too). Returning false stops the load: it throws load_cancelled at once,
  // without decoding what it kept. Empty: the load runs to its end.
  std::function<bool(std::uint64_t bytes)> progress = nullptr;
};

// What a load stopped by its progress hook throws. Not a format_error: the
// file is not at fault, and a run's loader does not skip a member for it.
struct load_cancelled : std::runtime_error {
  load_cancelled() : std::runtime_error("loading cancelled") {}
};

// Below this file size the default load runs on one thread: starting and
// joining the helpers (twice a load: checksums, then decoding) costs more
// than they save on a few hundred thousand events. Measured on a 2-core VM,
// one thread against two (`weft check`, wall): 0.97 at 1 MB, 0.94 at 4 MB,
// 1.14 at 10 MB. `weft explore` loads a small trace after every run.
inline constexpr std::uint64_t kParallelLoadFrom = std::uint64_t{2} << 20;

// The thread count `options` asks for, resolved as LoadOptions says, for a
// file of `file_size` bytes.
unsigned load_threads(const LoadOptions& options, std::uint64_t file_size = UINT64_MAX);

// Loads the whole trace. A truncated file loads up to its last complete chunk
// with Trace::truncated set and a warning saying where it stopped; anything
// else wrong throws format_error.
//
// Events are packed as they are decoded (event_store.hpp): a few bytes
// each, not sizeof(Event). With more than one thread, the threads' event
// chunks are read first and decoded afterwards on all of them, each chunk
// into a packed store of its own, then merged into the one order, each
// chunk's memory given back once the merge has passed it. Where the file
// is read in place and merged in parts, a chunk is not packed before the
// merge: the merge decodes its bytes once more (EncodedRun), and the file's
// mappings are kept until then. The one-thread load packs each thread's
// stream as it reads.
Trace load_trace(const std::string& path);  // every core (or WEFT_LOAD_THREADS)
// One name per signature: load_trace is passed by name as a MemberLoader.
Trace load_trace_with(const std::string& path, const LoadOptions& options);

// The same, fed chunk by chunk (streaming); load_trace is built on it.
// With `threads` > 1 the event chunks are kept (their headers checked) and
// decoded together by decode_pending(): each time `decode_batch` bytes of
// them are kept, and by finish() first.
class TraceLoader {
 public:
  // `decode_batch`, `merge_in_parts`: as in LoadOptions.
  explicit TraceLoader(std::string source, unsigned threads = 1, std::size_t decode_batch = 0,
                       bool merge_in_parts = true);
  ~TraceLoader();
  // texts_ refers to trace_.texts: a copy or move would refer to the original.
  TraceLoader(const TraceLoader&) = delete;
  TraceLoader& operator=(const TraceLoader&) = delete;

  // Optional, before the events: each thread's event count from the file's
  // index, so each thread's stream is allocated once at its final size.
  void expect(const std::vector<IndexEntry>& index, std::uint64_t file_size);
  // `payload` is read during the call and, for an event chunk, again when
  // its batch is decoded: it is copied, unless `stays` (the caller keeps it
  // readable while holds_payloads(): TraceFile::next_in_place's mappings).
  // `checked` false (an event chunk read in place): its checksum is yet to
  // be verified, which decode_pending does on every core before it decodes
  // the batch (a one-thread load: at once); a mismatch is for the checksum
  // hook to judge.
  void add(const ChunkRef& ref, std::span<const unsigned char> payload, bool stays = false, bool checked = true);
  // What a chunk whose checksum is wrong means: the unwritten end a crash
  // leaves (the hook returns, and the chunk and those after it are not
  // loaded, as if the file ended before it) or damage (the hook throws).
  // Without a hook, an unchecked chunk's mismatch is damage.
  using ChecksumHook = std::function<void(const ChunkRef&)>;
  void on_bad_checksum(ChecksumHook hook) { bad_checksum_ = std::move(hook); }
  // An event chunk's payload is kept: not yet decoded, or kept for the
  // merge to decode again (see keeps_encoded).
  bool holds_payloads() const;
  // Decodes the event chunks kept so far; throws what the first bad one (in
  // file order) would have thrown from add(), and the same again on every
  // later call (finish() too: a loader whose chunks failed cannot finish).
  // A loader that met an error in a later chunk calls this first: an
  // earlier chunk's error comes first.
  void decode_pending();
  // `truncation`: why the file ended early, empty if it did not.
  Trace finish(const std::string& truncation);

 private:
  struct Pending;  // an event chunk kept for decode_pending
  // Whether a chunk read in place, of header `h`, is kept encoded for the
  // merge to decode again rather than packed (loader.cpp says when).
  bool keeps_encoded(const EventChunkHeader& h);
  void add_chunk(const ChunkRef& ref, std::span<const unsigned char> payload, bool stays, bool checked);
  // A chunk whose checksum is wrong: returns if it is the file's torn end
  // (the hook says so), else throws its damage.
  void judge_bad_checksum(const ChunkRef& ref);
  // An unchecked chunk verified now: true if it is the file's torn end,
  // false if its checksum is right; throws its damage.
  bool torn_end(const ChunkRef& ref, std::span<const unsigned char> payload);
  void add_events(const ChunkRef& ref, ByteReader& r, std::span<const unsigned char> payload, bool stays, bool checked);
  // The parallel load: the chunk's events (the payload after its header) kept for decode_pending.
  void keep_events(const ChunkRef& ref, std::span<const unsigned char> payload, std::size_t events_from,
                   const EventChunkHeader& h, const IdLimits& limits, bool stays, bool checked);
  // The batch's checksums left unchecked, verified side by side. The first
  // wrong one is dropped with the chunks after it; what the hook made of it
  // is returned: its error (damage), or none (the file's torn end).
  std::exception_ptr verify_pending(std::size_t first);
  void join_first_seqs();
  void intern_pending_texts();
  EventStore merge_pending(const MergeHints& hints);
  EventStore merge_threads(const MergeHints& hints);
  TickConversion tick_conversion();
  void check_counts() const;  // what the END record and the index promise, or format_error

  std::string source_;
  Trace trace_;
  TextTable texts_;
  std::vector<EventStore> per_thread_;  // the one-thread load's streams, packed as decoded
  std::vector<Event> scratch_;          // a chunk's events before they are packed
  std::vector<std::uint64_t> expected_;  // events per thread, from the index
  std::uint64_t expected_total_ = 0;     // their sum
  std::vector<std::uint64_t> first_seq_;  // each object's lowest sequence number seen
  std::vector<std::pair<std::uint64_t, std::uint64_t>> clocks_;  // (ticks, monotonic ns)
  std::uint64_t unknown_chunks_ = 0;
  bool have_meta_ = false;
  // The parallel load (threads_ > 1): chunks kept in file order, the kind
  // tables they were written under, each thread's event count so far, the
  // payloads (until decoded), and the decoded events: each worker of a
  // batch packs a thread's chunks into one store of its own (each Pending
  // says where its events are), so a store is megabytes, not a chunk's few
  // hundred KB allocated and compacted one by one.
  unsigned threads_ = 1;
  std::vector<Pending> pending_;
  std::vector<std::unique_ptr<EventStore>> decoded_stores_;
  std::vector<std::vector<KindInfo>> kind_tables_;
  std::uint64_t kinds_seen_ = 0;  // KIND chunks read
  std::vector<std::uint64_t> stream_counts_;
  struct Payloads;
  std::unique_ptr<Payloads> payloads_;
  // Each worker's chunk of events before they are packed, kept from batch
  // to batch (new memory is dear: see Payloads). On 2 MB pages: a chunk's
  // are a few MB.
  std::vector<std::vector<Event, HugePageAllocator<Event>>> unpacked_;
  // Each worker's notes, kept from batch to batch as unpacked_ is (made
  // anew, a trace of millions of objects wrote three new arrays of one
  // entry per object, per worker and per batch): its lowest sequence
  // number of each object (joined into first_seq_ once, for the merge),
  // and where an object is in the summary of the chunk it is decoding: in
  // which chunk (its place in pending_ past notes_from_, plus one) and at
  // which entry of its list.
  struct WorkerNotes {
    std::vector<std::uint64_t> first_seq;
    std::vector<std::uint32_t> noted_in, noted_at;
  };
  std::vector<WorkerNotes> notes_;
  std::size_t notes_from_ = 0;
  std::size_t decoded_ = 0;          // pending_[0, decoded_) are decoded (or being decoded)
  std::exception_ptr decode_error_;  // what decoding them threw, if it did
  std::size_t undecoded_bytes_ = 0;  // payload bytes kept since
  ChecksumHook bad_checksum_;
  // By default large enough that each batch keeps every worker busy for a
  // while (hundreds of chunks), and small beside a large trace's packed
  // events: the payload memory, written anew by every batch, stays warm.
  static constexpr std::size_t kDecodeBatch = std::size_t{32} << 20;
  // The most events merged in two parts at once (merge_streams_in_parts):
  // their stores are kept whole until the merge ends, about 5 bytes an
  // event beside the merged copy.
  static constexpr std::uint64_t kMergeInPartsUpTo = 200'000'000;
  // A chunk's summary (RunSummary) notes at most this many objects and one
  // more for every 16 of its events: about a byte an event at most.
  static constexpr std::size_t kMostNoted = 64;
  bool any_encoded_ = false;  // a chunk is kept encoded (keeps_encoded)
  std::size_t decode_batch_ = kDecodeBatch;
  bool merge_in_parts_ = true;
};

}  // namespace weft::format
